import dev.pgbridge.store.ConnectionStore;
import dev.pgbridge.store.ConnectionStores;
import dev.pgbridge.store.PgBridgeHome;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The client side of bench/server.sh (run by it with the CLI jar on the class path; see that script for the whole
 * benchmark). Starts the server with the launcher as a user does, times process start to the first successful API
 * request (twice: the first start makes the CA, the second reuses it), then times GET /api/v1/connections?limit=N
 * after a warm-up, and, in the same run, the baselines: the same listing read straight from the control store
 * in-process, and `pgbridge conn list --format json` per call.
 *
 * <pre>BENCH_TOKEN=pgb_… java -cp pgbridge.jar bench/ServerBench.java LAUNCHER PORT TENANT CONNECTIONS REQUESTS WARMUP CLI_CALLS</pre>
 * (the token in the environment, not on the command line, where every user sees it)
 */
public final class ServerBench {
    public static void main(String[] args) throws Exception {
        String token = System.getenv("BENCH_TOKEN");
        if (args.length != 7 || token == null) {
            System.err.println("usage: BENCH_TOKEN=… ServerBench LAUNCHER PORT TENANT CONNECTIONS REQUESTS WARMUP CLI_CALLS");
            System.exit(2);
        }
        String launcher = args[0];
        int port = Integer.parseInt(args[1]);
        String tenant = args[2];
        int connections = Integer.parseInt(args[3]);
        int requests = Integer.parseInt(args[4]);
        int warmup = Integer.parseInt(args[5]);
        int cliCalls = Integer.parseInt(args[6]);
        PgBridgeHome home = PgBridgeHome.fromEnvironment(System.getenv());
        Path ca = home.dir().resolve("tls").resolve("ca.pem");
        String base = "https://127.0.0.1:" + port;
        URI listUri = URI.create(base + "/api/v1/connections?limit=" + connections);

        // 1. start time: the first start (it makes the CA), then RESTARTS restarts (their median). On JDK 25+ the first
        // start of a command records the classes it loads and the next one turns that into the command's
        // ahead-of-time cache in the background (see bin/pgbridge): one untimed start in between lets it, as any
        // user's second start does, and the restarts are timed with the cache in place.
        double first = 0;
        double[] restarts = new double[RESTARTS];
        Process server = null;
        HttpClient client = null;
        for (int round = 0; round <= RESTARTS + 1; round++) {
            if (server != null) {
                stop(server);
            }
            if (round == 2) {
                awaitClassData(Path.of(launcher).toRealPath().getParent().getParent().resolve("pgbridge-cli/target"));
            }
            long t0 = System.nanoTime();
            server = new ProcessBuilder(launcher, "server", "--bind", "127.0.0.1", "--port", String.valueOf(port))
                    .redirectErrorStream(true).redirectOutput(home.dir().resolve("server-" + round + ".log").toFile())
                    .start();
            Process started = server;
            // whatever happens to this client, the server it started does not outlive it
            Runtime.getRuntime().addShutdownHook(new Thread(started::destroy));
            client = null;
            while (true) {
                if (!server.isAlive()) {
                    throw new IllegalStateException("the server exited with " + server.exitValue() + "; see "
                            + home.dir().resolve("server-" + round + ".log"));
                }
                if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(60)) {
                    throw new IllegalStateException("no answer from the server within 60 s");
                }
                if (client == null && Files.exists(ca)) {
                    try {
                        client = client(ca);
                    }
                    catch (Exception e) {
                        client = null; // the CA file is being written
                    }
                }
                if (client != null) {
                    try {
                        HttpResponse<String> r = client.send(get(URI.create(base + "/api/v1/connections?limit=1"), token),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            break;
                        }
                    }
                    catch (java.io.IOException e) {
                        // not listening yet
                    }
                }
                Thread.sleep(5);
            }
            double millis = (System.nanoTime() - t0) / 1e6;
            if (round == 0) {
                first = millis;
            }
            else if (round >= 2) {
                restarts[round - 2] = millis;
            }
        }

        // 2. the listing over the API
        HttpResponse<String> check = client.send(get(listUri, token), HttpResponse.BodyHandlers.ofString());
        int listed = count(check.body(), "\"connection_id\"");
        if (check.statusCode() != 200 || listed != connections) {
            throw new IllegalStateException("the listing answered " + check.statusCode() + " with " + listed
                    + " connections, not " + connections);
        }
        long bytes = check.body().length();
        for (int i = 0; i < warmup; i++) {
            send(client, listUri, token);
        }
        double[] api = new double[requests];
        long cpu0 = cpuTicks(server.pid());
        for (int i = 0; i < requests; i++) {
            long t = System.nanoTime();
            send(client, listUri, token);
            api[i] = (System.nanoTime() - t) / 1e6;
        }
        double serverCpuMs = (cpuTicks(server.pid()) - cpu0) * 1000.0 / TICKS_PER_SECOND / requests;
        double[] curl = curl(ca, listUri, token, warmup, requests, bytes);
        stop(server);

        // 3. baseline: the same connections read straight from the store, in this process: the listing's read (no
        // password decrypted) and the full read
        double[] store;
        double[] storeFull;
        try (ConnectionStore s = ConnectionStores.open(home, url -> {
            throw new IllegalStateException("the benchmark uses the SQLite store");
        })) {
            if (s.list(tenant).size() != connections) {
                throw new IllegalStateException("the store holds " + s.list(tenant).size() + " connections");
            }
            for (int i = 0; i < warmup; i++) {
                s.listWithoutPasswords(tenant, true);
                s.list(tenant);
            }
            store = new double[requests];
            storeFull = new double[requests];
            for (int i = 0; i < requests; i++) {
                long t = System.nanoTime();
                s.listWithoutPasswords(tenant, true);
                store[i] = (System.nanoTime() - t) / 1e6;
                t = System.nanoTime();
                s.list(tenant);
                storeFull[i] = (System.nanoTime() - t) / 1e6;
            }
        }

        // 4. baseline: the CLI per call (JVM start included), as a script would list connections
        double[] cli = new double[cliCalls];
        for (int i = 0; i < cliCalls; i++) {
            long t = System.nanoTime();
            Process p = new ProcessBuilder(launcher, "conn", "list", "--tenant", tenant, "--format", "json")
                    .redirectErrorStream(true).start();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readAllBytes();
            }
            if (p.waitFor() != 0) {
                throw new IllegalStateException("pgbridge conn list failed: " + new String(out));
            }
            cli[i] = (System.nanoTime() - t) / 1e6;
        }

        double apiP50 = percentile(api, 50);
        double apiP99 = percentile(api, 99);
        double curlP99 = curl == null ? Double.NaN : percentile(curl, 99);
        System.out.printf(Locale.ROOT, "start (process start to first successful API request), first start, CA made: %8.0f ms%n", first);
        System.out.printf(Locale.ROOT, "start (process start to first successful API request), restart, median of %d: %6.0f ms  (%s)%n",
                RESTARTS, percentile(restarts, 50), java.util.Arrays.stream(restarts)
                        .mapToObj(r -> String.format(Locale.ROOT, "%.0f", r)).collect(java.util.stream.Collectors.joining(", ")));
        System.out.println();
        System.out.printf(Locale.ROOT, "%-58s %8s %8s %8s %8s%n", "listing " + connections + " connections", "p50 ms",
                "p99 ms", "max ms", "p50/API");
        row("GET /api/v1/connections?limit=" + connections + " (" + bytes / 1024 + " KiB)", api, apiP50);
        if (curl != null) {
            row("  the same GET timed by curl (one process, keep-alive)", curl, apiP50);
        }
        row("store read in-process, listWithoutPasswords (baseline)", store, apiP50);
        row("store read in-process, list, passwords decrypted", storeFull, apiP50);
        row("pgbridge conn list --format json, per call (baseline)", cli, apiP50);
        System.out.printf(Locale.ROOT, "%nAPI: %d requests after %d warm-up, one client, sequential, TLS keep-alive; "
                + "target p99 < 20 ms: %s with the JDK's HttpClient, %s with curl%n", requests, warmup,
                apiP99 < 20 ? "met" : "MISSED", curl == null ? "not measured (no curl)" : curlP99 < 20 ? "met" : "MISSED");
        System.out.printf(Locale.ROOT, "server CPU per listing request (user + system time of the server process, "
                + "all threads, over the %d timed requests): %.2f ms%n", requests, serverCpuMs);
    }

    /**
     * The listing timed by curl: WARMUP + REQUESTS transfers of one curl process over one keep-alive connection, each
     * transfer's {@code time_total}; the last REQUESTS are returned (null without curl). The token and the URLs go in a
     * config file, not on the command line. A client in C, as load tools are: the JDK's HttpClient adds its own threads,
     * copies and collections to every response of a quarter of a megabyte.
     */
    private static double[] curl(Path ca, URI uri, String token, int warmup, int requests, long bytes) throws Exception {
        try {
            new ProcessBuilder("curl", "--version").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor();
        }
        catch (java.io.IOException e) {
            return null;
        }
        Path config = Files.createTempFile(ca.getParent(), "curl", ".conf");
        try {
            StringBuilder c = new StringBuilder("silent\nshow-error\nfail\ncacert = \"" + ca + "\"\n"
                    + "header = \"Authorization: Bearer " + token + "\"\nwrite-out = \"%{time_total} %{size_download}\\n\"\n");
            for (int i = 0; i < warmup + requests; i++) {
                c.append("url = \"").append(uri).append("\"\noutput = \"/dev/null\"\n");
            }
            Files.writeString(config, c);
            Process p = new ProcessBuilder("curl", "-K", config.toString()).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            List<String> lines;
            try (InputStream in = p.getInputStream()) {
                lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).lines().toList();
            }
            if (p.waitFor() != 0 || lines.size() != warmup + requests) {
                throw new IllegalStateException("curl exited with " + p.exitValue() + " after " + lines.size() + " transfers");
            }
            double[] ms = new double[requests];
            for (int i = 0; i < requests; i++) {
                String[] f = lines.get(warmup + i).split(" ");
                if (Long.parseLong(f[1]) != bytes) {
                    throw new IllegalStateException("curl received " + f[1] + " bytes, not " + bytes);
                }
                ms[i] = Double.parseDouble(f[0]) * 1000;
            }
            return ms;
        }
        finally {
            Files.deleteIfExists(config);
        }
    }

    private static void row(String label, double[] ms, double apiP50) {
        double p50 = percentile(ms, 50);
        System.out.printf(Locale.ROOT, "%-58s %8.2f %8.2f %8.2f %8.2f%n", label, p50, percentile(ms, 99),
                Arrays.stream(ms).max().orElse(0), p50 / apiP50);
    }

    private static void send(HttpClient client, URI uri, String token) throws Exception {
        HttpResponse<byte[]> r = client.send(get(uri, token), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + uri + " answered " + r.statusCode());
        }
    }

    private static HttpRequest get(URI uri, String token) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30))
                .GET().build();
    }

    private static HttpClient client(Path ca) throws Exception {
        X509Certificate anchor;
        try (InputStream in = Files.newInputStream(ca)) {
            anchor = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", anchor);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(2))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    private static void stop(Process server) throws InterruptedException {
        // the launcher execs java: this is the JVM; SIGTERM runs its shutdown hook, which stops the server
        server.destroy();
        if (!server.waitFor(30, TimeUnit.SECONDS)) {
            server.destroyForcibly();
            server.waitFor();
        }
    }

    /** USER_HZ, the unit of /proc/PID/stat times: 100 on Linux on every common architecture. */
    private static final int TICKS_PER_SECOND = 100;
    /** Timed restarts (their median is reported). */
    private static final int RESTARTS = 3;

    /** utime + stime of a process, from /proc/PID/stat (fields 14 and 15, counted after the command name). */
    private static long cpuTicks(long pid) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    /**
     * Waits (at most two minutes) until no class-data recording of the server waits to be turned into its cache and
     * no cache is being written next to the jar (bin/pgbridge's JDK 25+ ahead-of-time caches); returns at once on
     * older JDKs, which write nothing of the kind.
     */
    private static void awaitClassData(Path target) throws java.io.IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            boolean pending;
            try (java.util.stream.Stream<Path> files = Files.list(target)) {
                pending = files.map(f -> f.getFileName().toString())
                        .anyMatch(n -> n.matches("pgbridge-\\d+-server\\.\\d+\\.aotconf|pgbridge-\\d+-server\\.aot\\..*\\.tmp"));
            }
            if (!pending) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the server's ahead-of-time cache was not written within two minutes");
    }

    private static double percentile(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
