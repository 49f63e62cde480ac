package dev.pgbridge.server;

import dev.pgbridge.doctor.ConnectionTester;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.pool.PoolRegistry;
import dev.pgbridge.server.agent.AgentApi;
import dev.pgbridge.server.api.Api;
import dev.pgbridge.server.api.ApiModule;
import dev.pgbridge.server.api.ApiRoute;
import dev.pgbridge.server.api.CatalogApi;
import dev.pgbridge.server.api.ErrorResponses;
import dev.pgbridge.server.api.HealthApi;
import dev.pgbridge.server.api.MetadataApi;
import dev.pgbridge.server.api.JobsApi;
import dev.pgbridge.server.api.QueryApi;
import dev.pgbridge.server.auth.AuditLog;
import dev.pgbridge.server.auth.Authenticator;
import dev.pgbridge.server.auth.LoginThrottle;
import dev.pgbridge.server.auth.Principal;
import dev.pgbridge.server.auth.SecretChannel;
import dev.pgbridge.server.auth.ServerCertificates;
import dev.pgbridge.server.auth.ServerSchema;
import dev.pgbridge.server.auth.Sessions;
import dev.pgbridge.server.auth.TokenStore;
import dev.pgbridge.server.auth.UserStore;
import dev.pgbridge.server.connections.ConnectionService;
import dev.pgbridge.server.jobs.JobRunner;
import dev.pgbridge.server.jobs.JobStore;
import dev.pgbridge.server.metrics.HttpMetrics;
import dev.pgbridge.server.metrics.MetricsEndpoint;
import dev.pgbridge.server.metrics.PoolMetrics;
import dev.pgbridge.server.services.ServerServices;
import dev.pgbridge.server.ui.CapturesPages;
import dev.pgbridge.server.ui.AccessPages;
import dev.pgbridge.server.ui.ConnectionPages;
import dev.pgbridge.server.data.RunningQueries;
import dev.pgbridge.server.ui.CatalogPages;
import dev.pgbridge.server.ui.HomePage;
import dev.pgbridge.server.ui.LoginPages;
import dev.pgbridge.server.ui.MetadataPages;
import dev.pgbridge.server.ui.PageContext;
import dev.pgbridge.server.ui.StaticAssets;
import dev.pgbridge.server.ui.QueryPages;
import dev.pgbridge.server.ui.Ui;
import dev.pgbridge.server.ui.UiModule;
import dev.pgbridge.store.ConnectionStore;
import dev.pgbridge.store.PgBridgeHome;
import dev.pgbridge.store.StoreDatabase;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * {@code pgbridge server}: the composition root. Builds the stores, services, REST API and web UI by hand, and serves
 * them with Javalin on one port: HTTPS (a given certificate, or a self-signed CA made under {@code PGBRIDGE_HOME/tls}),
 * or plain HTTP on a loopback address only.
 */
public final class PgBridgeServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PgBridgeServer.class);

    private final ServerOptions options;
    private final Javalin app;
    private final ServerServices services;
    private final ServerCertificates.Identity identity;
    private final Api api;

    private PgBridgeServer(ServerOptions options, Javalin app, ServerServices services, ServerCertificates.Identity identity, Api api) {
        this.options = options;
        this.app = app;
        this.services = services;
        this.identity = identity;
        this.api = api;
    }

    /**
     * Starts a server on the given control store. The store stays the caller's (closed by them after {@link #close()}).
     */
    public static PgBridgeServer start(ServerOptions options, PgBridgeHome home, ConnectionStore store, StoreDatabase db) {
        requireNonNull(options, "options is null");
        if (options.insecureHttp() && !loopback(options.bind())) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG,
                    "--insecure-http serves plain HTTP on loopback addresses only, not on " + options.bind(),
                    "bind to 127.0.0.1 (--bind 127.0.0.1), or drop --insecure-http to serve HTTPS");
        }
        if ((options.tlsCert() == null) != (options.tlsKey() == null)) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "--tls-cert and --tls-key go together",
                    "give both PEM files, or neither to use the self-signed certificate");
        }
        skipJettyMemoryProbe();
        db.migrate(ServerSchema.COMPONENT, ServerSchema.MIGRATIONS);
        Clock clock = Clock.systemUTC();
        boolean tls = !options.insecureHttp();
        ServerCertificates.Identity identity = !tls ? null
                : options.tlsCert() != null ? ServerCertificates.fromFiles(options.tlsCert(), options.tlsKey())
                : ServerCertificates.selfSigned(home.dir().resolve("tls"), options.bind());
        UserStore users = new UserStore(db);
        TokenStore tokens = new TokenStore(db);
        AuditLog audit = new AuditLog(db);
        PoolRegistry pools = new PoolRegistry();
        SecretChannel channel = new SecretChannel(tls, options.insecureHttp() && options.allowInsecureSecrets());
        ConnectionService connectionService = new ConnectionService(store, pools, audit, new ConnectionTester());
        io.prometheus.metrics.model.registry.PrometheusRegistry metrics = new io.prometheus.metrics.model.registry.PrometheusRegistry();
        JobRunner jobs = new JobRunner(new JobStore(db, clock), store, db, home, metrics, clock, JobRunner.Settings.DEFAULT);
        ServerServices services = new ServerServices(db, home, connectionService, users, tokens, audit, pools, channel,
                metrics, clock,
                options.version(), jobs, new RunningQueries(clock));
        services.metrics().register(new PoolMetrics(pools));
        HttpMetrics httpMetrics = new HttpMetrics(services.metrics());
        MetricsEndpoint metricsEndpoint = new MetricsEndpoint(services.metrics());
        Sessions sessions = new Sessions(clock);
        Authenticator authenticator = new Authenticator(tokens, sessions, clock, tls);
        Ui ui = new Ui(TemplateEngine.createPrecompiled(ContentType.Html));
        Api api = new Api(options.version());
        for (ApiModule module : apiModules(services)) {
            module.register(api);
        }
        for (UiModule module : uiModules(services, ui)) {
            module.register(ui);
        }
        LoginPages login = new LoginPages(ui, users, authenticator, new LoginThrottle(clock), tls);
        Javalin app = Javalin.create(config -> configure(config, options, identity, api, ui, login, authenticator,
                httpMetrics, metricsEndpoint));
        try {
            app.start();
        }
        catch (RuntimeException e) {
            jobs.close();
            pools.close();
            throw new PgBridgeException(ErrorCode.IO, "cannot listen on " + options.bind() + ":" + options.port() + ": "
                    + rootMessage(e), "is another server on that port? pick another with --port", e);
        }
        PgBridgeServer server = new PgBridgeServer(options, app, services, identity, api);
        jobs.start();
        LOG.info("pgbridge server listening on {}", server.url());
        return server;
    }

    /**
     * Jetty sizes its queues' padding by asking the HotSpot diagnostic MBean whether oops are compressed, which starts
     * the platform MBean server: about a tenth of the server's start. Telling it the answer (16 references per 64-byte
     * cache line: compressed oops, the default below a 32 GB heap) skips that; a value the user set is kept.
     */
    private static void skipJettyMemoryProbe() {
        if (System.getProperty("org.eclipse.jetty.util.referencesPerCacheLine") == null) {
            System.setProperty("org.eclipse.jetty.util.referencesPerCacheLine", "16");
        }
    }

    /** The REST API's modules, in the order their routes are declared (and listed in the OpenAPI document). */
    private static List<ApiModule> apiModules(ServerServices services) {
        List<ApiModule> modules = new ArrayList<>();
        modules.add(new HealthApi(services));
        modules.add(new MetadataApi(services));
        modules.add(new JobsApi(services));
        modules.add(new AgentApi(services));
        modules.add(new CatalogApi(services));
        modules.add(new QueryApi(services));
        modules.add(new dev.pgbridge.server.api.ConnectionsApi(services));
        return modules;
    }

    /** The web UI's modules. */
    private static List<UiModule> uiModules(ServerServices services, Ui ui) {
        List<UiModule> modules = new ArrayList<>();
        modules.add(new HomePage(services, ui));
        modules.add(new MetadataPages(services, ui));
        modules.add(new CapturesPages(services, ui));
        modules.add(new ConnectionPages(services.connectionService(), ui));
        modules.add(new AccessPages(services.users(), services.tokens(), services.audit(), services.clock(), ui));
        modules.add(new CatalogPages(services, ui));
        modules.add(new QueryPages(services, ui));
        return modules;
    }

    private static void configure(JavalinConfig config, ServerOptions options, ServerCertificates.Identity identity, Api api,
                                  Ui ui, LoginPages login, Authenticator authenticator, HttpMetrics httpMetrics,
                                  MetricsEndpoint metricsEndpoint) {
        config.startup.showJavalinBanner = false;
        config.http.maxRequestSize = 8L * 1024 * 1024;
        if (identity != null) {
            config.jetty.addConnector((server, httpConfig) -> {
                SslContextFactory.Server ssl = new SslContextFactory.Server();
                ssl.setKeyStore(identity.keyStore());
                ssl.setKeyStorePassword(identity.keyStorePassword());
                ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
                HttpConfiguration https = new HttpConfiguration(httpConfig);
                // the self-signed certificate names localhost and the loopback addresses: no SNI check against it
                https.addCustomizer(new SecureRequestCustomizer(false));
                ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                        new HttpConnectionFactory(https));
                connector.setHost(options.bind());
                connector.setPort(options.port());
                return connector;
            });
        }
        else {
            config.jetty.addConnector((server, httpConfig) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
                connector.setHost(options.bind());
                connector.setPort(options.port());
                return connector;
            });
        }
        config.routes.before(ctx -> {
            httpMetrics.start(ctx);
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("X-Frame-Options", "DENY");
            ctx.header("Referrer-Policy", "no-referrer");
            ctx.header("Cache-Control", "no-store");
            ctx.header("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                    + "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'");
            if (identity != null) {
                ctx.header("Strict-Transport-Security", "max-age=31536000");
            }
        });
        config.routes.exception(PgBridgeException.class, (e, ctx) -> error(ctx, e, ui));
        config.routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("unexpected failure on {} {}", ctx.method(), ctx.path(), e);
            error(ctx, new PgBridgeException(ErrorCode.INTERNAL, "internal error: " + e.getClass().getSimpleName(),
                    "see the server log for the stack trace", e), ui);
        });
        config.routes.after(httpMetrics::finish);
        config.routes.get("/health", ctx -> ctx.json(Map.of("status", "ok")));
        StaticAssets assets = new StaticAssets();
        for (String path : assets.paths()) {
            config.routes.get(path, assets::serve);
        }
        // Prometheus text format; needs a token (any role), shows only the token's tenant (MetricsEndpoint)
        config.routes.get("/metrics", ctx -> metricsEndpoint.handle(ctx, authenticator.bearer(ctx)));
        config.routes.get(Api.ROOT + "/openapi.json", ctx -> ctx.json(api.openApi()));
        for (ApiRoute route : api.routes()) {
            add(config, route.method(), Api.ROOT + route.path(), ctx -> {
                Principal principal = route.role() == null ? null : authenticator.bearer(ctx).require(route.role());
                route.handler().handle(ctx, principal);
            });
        }
        config.routes.get("/login", login::form);
        config.routes.post("/login", login::submit);
        config.routes.post("/logout", login::logout);
        for (Ui.Route route : ui.routes()) {
            add(config, route.method(), route.path(), ctx -> {
                Optional<Sessions.Session> session = authenticator.session(ctx);
                if (session.isEmpty()) {
                    if (Ui.htmx(ctx)) {
                        ctx.header("HX-Redirect", "/login");
                        ctx.status(401);
                    }
                    else if (route.method().equals(HandlerType.GET)) {
                        ctx.redirect("/login");
                    }
                    else {
                        throw new PgBridgeException(ErrorCode.UNAUTHENTICATED, "your session ended", "log in again");
                    }
                    return;
                }
                if (!route.method().equals(HandlerType.GET)) {
                    Authenticator.checkCsrf(ctx, session.get());
                }
                session.get().principal().require(route.role());
                route.handler().handle(ctx, session.get());
            });
        }
    }

    private static void add(JavalinConfig config, HandlerType method, String path, io.javalin.http.Handler handler) {
        if (method.equals(HandlerType.GET)) {
            config.routes.get(path, handler);
        }
        else if (method.equals(HandlerType.POST)) {
            config.routes.post(path, handler);
        }
        else if (method.equals(HandlerType.PATCH)) {
            config.routes.patch(path, handler);
        }
        else if (method.equals(HandlerType.PUT)) {
            config.routes.put(path, handler);
        }
        else if (method.equals(HandlerType.DELETE)) {
            config.routes.delete(path, handler);
        }
        else {
            throw new IllegalArgumentException("unsupported method " + method + " for " + path);
        }
    }

    /** Errors as JSON on the API, as a page (or an htmx fragment) in the UI: one message and one hint either way. */
    private static void error(Context ctx, PgBridgeException e, Ui ui) {
        int status = ErrorResponses.status(e.code());
        if (status >= 500) {
            LOG.warn("{} {} failed: {}", ctx.method(), ctx.path(), e.oneLine());
        }
        ctx.status(status);
        if (ctx.path().startsWith("/api/") || ctx.path().equals("/metrics")) {
            ctx.json(ErrorResponses.body(e));
            return;
        }
        Map<String, Object> model = new HashMap<>();
        model.put("message", e.getMessage());
        model.put("hint", e.hint());
        if (Ui.htmx(ctx)) {
            ui.render(ctx, "partials/error.jte", model);
        }
        else {
            model.put("page", new PageContext("Error", null, null, ""));
            ui.render(ctx, "error.jte", model);
        }
    }

    public String url() {
        String host = options.bind().contains(":") ? "[" + options.bind() + "]" : options.bind();
        if (host.equals("0.0.0.0") || host.equals("[::]")) {
            host = "localhost";
        }
        return (identity != null ? "https" : "http") + "://" + host + ":" + port();
    }

    public int port() {
        return app.port();
    }

    /** The TLS identity, or empty when serving plain HTTP. */
    public Optional<ServerCertificates.Identity> identity() {
        return Optional.ofNullable(identity);
    }

    public ServerServices services() {
        return services;
    }

    public Api api() {
        return api;
    }

    /** Javalin's registered HTTP routes as {@code METHOD path} (for the test that keeps the OpenAPI document true). */
    public List<String> registeredRoutes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .map(e -> e.endpoint.method.name() + " " + e.endpoint.path)
                .toList();
    }

    @Override
    public void close() {
        services.jobs().close();
        app.stop();
        services.pools().close();
    }

    static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        }
        catch (UnknownHostException e) {
            return false;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
