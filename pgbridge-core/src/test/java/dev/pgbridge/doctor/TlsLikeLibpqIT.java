package dev.pgbridge.doctor;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.testing.TestRole;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.pgbridge.doctor.TestTargets.SPECIAL_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * TLS exactly as libpq: every sslmode × root certificate (none, the server's CA, an unrelated CA; given as
 * sslrootcert or found as $HOME/.postgresql/root.crt) × host name (in the certificate or not) × role (any
 * connection, or TLS only), with psql — libpq itself — as the oracle. pgbridge (JdbcTarget, which pools, query,
 * load and capture use, and ConnectionTester) must connect exactly when psql does, encrypted exactly when psql's
 * session is, and say truthfully whether and against what the certificate was verified.
 */
// issue 8: sslmode=require with a non-matching sslrootcert connected ("the certificate is not verified") where psql refused
@Timeout(600)
class TlsLikeLibpqIT {
    /** Debian's psql binary itself (its /usr/bin/psql is a Perl wrapper that costs a third of a second a call). */
    private static final String PSQL = psqlBinary();
    private static final List<String> MODES = List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    /** Where the root certificate comes from, and which one it is. */
    private enum Root {
        NONE, CA_GIVEN, OTHER_GIVEN, CA_IN_HOME, OTHER_IN_HOME;

        boolean right() {
            return this == CA_GIVEN || this == CA_IN_HOME;
        }

        boolean wrong() {
            return this == OTHER_GIVEN || this == OTHER_IN_HOME;
        }
    }

    /** What one client made of one cell: connected or not, and whether the session was encrypted. */
    private record Outcome(boolean connected, boolean encrypted, String detail) {
        String verdict() {
            return !connected ? "refused" : encrypted ? "tls" : "plain";
        }
    }

    private final TestingPostgres server = TestingPostgres.get();

    @TempDir
    Path dir;

    @Test
    void pgbridgeConnectsExactlyWhenPsqlDoes() throws Exception {
        assumeTrue(server.tls() && server.certificate() != null, "the embedded test server with its own CA");
        assumeTrue(psqlInstalled(), "psql (Debian's postgresql-client) is installed");
        Path emptyHome = Files.createDirectories(dir.resolve("home-empty"));
        Path caHome = home("home-ca", server.certificate());
        Path otherHome = home("home-other", server.unrelatedCertificate());

        List<String> mismatches = new ArrayList<>();
        StringBuilder table = new StringBuilder("role      host       sslmode     root           psql     pgbridge conn-test verdict\n");
        Map<String, String> psqlVerdicts = new LinkedHashMap<>();
        Map<String, String> verdicts = new LinkedHashMap<>();
        int cells = 0;
        long[] nanos = new long[3];
        try (TestRole any = server.createRole(TestingPostgres.uniqueName("pgb_tlsm"), SPECIAL_PASSWORD);
             TestRole tlsOnly = server.createRole(TestingPostgres.uniqueName("pgb_tlsm"), SPECIAL_PASSWORD)
                     .memberOf(TestingPostgres.TLS_ONLY)) {
            for (TestRole role : List.of(any, tlsOnly)) {
                for (String host : List.of(TestingPostgres.CERTIFICATE_HOST, TestingPostgres.HOST_NOT_IN_CERTIFICATE)) {
                    for (String mode : MODES) {
                        for (Root root : Root.values()) {
                            cells++;
                            Path home = switch (root) {
                                case CA_IN_HOME -> caHome;
                                case OTHER_IN_HOME -> otherHome;
                                default -> emptyHome;
                            };
                            String rootFile = switch (root) {
                                case CA_GIVEN -> server.certificate().toString();
                                case OTHER_GIVEN -> server.unrelatedCertificate().toString();
                                default -> null;
                            };
                            Map<String, String> env = Map.of("HOME", home.toString());
                            ConnectionConfig config = config(role, host, mode, rootFile);

                            long t0 = System.nanoTime();
                            Outcome psql = psql(role, host, mode, rootFile, home);
                            long t1 = System.nanoTime();
                            Outcome jdbc = jdbc(config, env);
                            long t2 = System.nanoTime();
                            TestReport report = new ConnectionTester(env).test(config);
                            long t3 = System.nanoTime();
                            nanos[0] += t1 - t0;
                            nanos[1] += t2 - t1;
                            nanos[2] += t3 - t2;
                            String cell = (role == any ? "any" : "tls-only") + " " + host + " " + mode + " " + root;
                            String verdict = report.tlsVerdict().orElse(report.failure().map(f -> "failed at "
                                    + f.name() + ": " + f.errorCode()).orElse("?"));
                            table.append(String.format("%-9s %-10s %-11s %-14s %-8s %-8s %-9s %s%n",
                                    role == any ? "any" : "tls-only", host, mode, root, psql.verdict(),
                                    jdbc.verdict(), report.ok() ? "ok" : "refused", verdict));
                            psqlVerdicts.put(cell, psql.verdict());
                            verdicts.put(cell, verdict);

                            if (!psql.verdict().equals(jdbc.verdict())) {
                                mismatches.add(cell + ": psql " + psql.verdict() + " (" + psql.detail() + "), JdbcTarget "
                                        + jdbc.verdict() + " (" + jdbc.detail() + ")");
                            }
                            if (report.ok() != psql.connected()) {
                                mismatches.add(cell + ": psql " + psql.verdict() + ", conn test "
                                        + (report.ok() ? "ok" : "refused: " + report.failure().orElseThrow()));
                            }
                            if (report.ok()) {
                                String expected = expectedVerdict(mode, root, psql.encrypted());
                                if (!verdict.contains(expected)) {
                                    mismatches.add(cell + ": conn test says \"" + verdict + "\", expected it to say \""
                                            + expected + "\"");
                                }
                                if (!expected.equals("not encrypted") && !expected.contains("not verified")) {
                                    Path file = rootFile != null ? Path.of(rootFile)
                                            : home.resolve(".postgresql").resolve("root.crt");
                                    if (!verdict.contains(file.toString())) {
                                        mismatches.add(cell + ": conn test does not name " + file + ": " + verdict);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        // a "verified" verdict is true only if the same cell with the unrelated CA did not get a TLS session
        verdicts.forEach((cell, verdict) -> {
            if (verdict.contains("is verified against")) {
                String wrongCell = cell.replace("CA_GIVEN", "OTHER_GIVEN").replace("CA_IN_HOME", "OTHER_IN_HOME");
                if ("tls".equals(psqlVerdicts.get(wrongCell))) {
                    mismatches.add(cell + " says verified, but psql got a TLS session with the unrelated CA ("
                            + wrongCell + ")");
                }
            }
        });
        table.append(String.format("%d cells; total ms: psql %d, JdbcTarget %d, ConnectionTester %d%n", cells,
                nanos[0] / 1_000_000, nanos[1] / 1_000_000, nanos[2] / 1_000_000));
        Path report = Path.of("target", "tls-matrix.txt");
        Files.createDirectories(report.getParent());
        Files.writeString(report, table.toString(), StandardCharsets.UTF_8);
        assertThat(cells).isEqualTo(2 * 2 * MODES.size() * Root.values().length);
        assertThat(mismatches).as("cells where pgbridge and psql disagree; matrix:%n%s", table).isEmpty();
    }

    /**
     * What conn test must say when it connected, by libpq's rules: no TLS session → "not encrypted"; verify-full →
     * chain and host name; verify-ca, or another mode with a root certificate file → chain only; else not verified.
     */
    private static String expectedVerdict(String mode, Root root, boolean encrypted) {
        if (!encrypted) {
            return "not encrypted";
        }
        return switch (mode) {
            case "verify-full" -> "is verified against";
            case "verify-ca" -> "(CA chain only)";
            default -> root == Root.NONE ? "the certificate is not verified" : "(CA chain only)";
        };
    }

    private Path home(String name, Path rootCertificate) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name).resolve(".postgresql")).getParent();
        Files.copy(rootCertificate, home.resolve(".postgresql").resolve("root.crt"));
        return home;
    }

    private ConnectionConfig config(TestRole role, String host, String mode, String rootFile) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("sslmode", mode);
        if (rootFile != null) {
            extra.put("sslrootcert", rootFile);
        }
        extra.put("connect_timeout", 10);
        return ConnectionConfig.builder().connId("tls_matrix").host(host).port(server.port()).database("postgres")
                .login(role.name()).password(role.password()).extra(extra).build();
    }

    private static Outcome jdbc(ConnectionConfig config, Map<String, String> env) {
        try (Connection c = JdbcTarget.of(config, env).connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            rs.next();
            return new Outcome(true, rs.getBoolean(1), "");
        }
        catch (SQLException e) {
            return new Outcome(false, false, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** psql with a clean environment: no PG* variables, HOME as given (so ~/.postgresql is controlled). */
    private Outcome psql(TestRole role, String host, String mode, String rootFile, Path home) throws Exception {
        String conninfo = "host=" + host + " port=" + server.port() + " dbname=postgres user=" + role.name()
                + " sslmode=" + mode + " connect_timeout=10" + (rootFile == null ? "" : " sslrootcert=" + rootFile);
        ProcessBuilder pb = new ProcessBuilder(PSQL, "-X", "-A", "-t", "-q", "-d", conninfo, "-c",
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
        pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
        pb.environment().put("HOME", home.toString());
        pb.environment().put("PGPASSWORD", role.password());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("psql finished").isTrue();
        if (p.exitValue() != 0) {
            return new Outcome(false, false, out.replace('\n', ' '));
        }
        return new Outcome(true, "t".equals(out), out);
    }

    private static boolean psqlInstalled() {
        try {
            Process p = new ProcessBuilder(PSQL, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        }
        catch (IOException e) {
            return false;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String psqlBinary() {
        Path versions = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(versions)) {
            try (java.util.stream.Stream<Path> dirs = Files.list(versions)) {
                return dirs.map(d -> d.resolve("bin").resolve("psql")).filter(Files::isExecutable)
                        .max(java.util.Comparator.comparing(p -> p.getParent().getParent().getFileName().toString(),
                                java.util.Comparator.comparingInt(v -> v.matches("\\d+") ? Integer.parseInt(v) : 0)))
                        .map(Path::toString).orElse("psql");
            }
            catch (IOException e) {
                return "psql";
            }
        }
        return "psql";
    }
}
