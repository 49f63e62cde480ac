package dev.pgbridge.server.ui;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.ConnectionImport;
import dev.pgbridge.connection.ExtraOption;
import dev.pgbridge.connection.TaskUri;
import dev.pgbridge.doctor.TestReport;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.secret.Secret;
import dev.pgbridge.server.api.ErrorResponses;
import dev.pgbridge.server.auth.Role;
import dev.pgbridge.server.auth.Sessions;
import dev.pgbridge.server.connections.ConnectionService;
import dev.pgbridge.store.StoredConnection;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.UploadedFile;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Admin → Connections: the tenant's connections listed (search, sort by column, pages; htmx swaps the table, plain
 * links work without JavaScript), the add/edit form with the fields Airflow users know, the step-by-step Test, delete
 * behind a confirmation page, import of {@code airflow connections export} files, and a connection's task URI and
 * {@code AIRFLOW_CONN_<ID>} name with the password masked. Everything goes through {@link ConnectionService}, so the
 * tenant comes from the session and the role is checked there too. The password is write-only: no page renders it.
 */
public final class ConnectionPages implements UiModule {
    static final String BASE = "/admin/connections";
    static final int DEFAULT_PAGE_SIZE = 25;
    static final int MAX_PAGE_SIZE = 500;
    /** Put into a task URI in place of the password, then shown as {@code ***}: letters only, so never encoded. */
    private static final String PASSWORD_PLACEHOLDER = "PGBRIDGEMASKEDPASSWORDPLACEHOLDER";
    private static final Pattern CONN_ID = Pattern.compile("[a-z0-9_]{1,64}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConnectionService connections;
    private final Ui ui;

    public ConnectionPages(ConnectionService connections, Ui ui) {
        this.connections = requireNonNull(connections, "connections is null");
        this.ui = requireNonNull(ui, "ui is null");
    }

    @Override
    public void register(Ui routes) {
        routes.page(BASE, Role.VIEWER, this::list);
        routes.page(BASE + "/new", Role.EDITOR, this::newForm);
        routes.action(HandlerType.POST, BASE, Role.EDITOR, this::create);
        routes.action(HandlerType.POST, BASE + "/test", Role.EDITOR, this::test);
        routes.page(BASE + "/import", Role.EDITOR, this::importForm);
        routes.action(HandlerType.POST, BASE + "/import", Role.EDITOR, this::importFile);
        routes.page(BASE + "/{id}", Role.VIEWER, this::detail);
        routes.page(BASE + "/{id}/edit", Role.EDITOR, this::editForm);
        routes.action(HandlerType.POST, BASE + "/{id}", Role.EDITOR, this::update);
        routes.page(BASE + "/{id}/delete", Role.EDITOR, this::confirmDelete);
        routes.action(HandlerType.POST, BASE + "/{id}/delete", Role.EDITOR, this::delete);
    }

    // ---- list

    /** One page of the list as the template shows it, and the links that keep search, order and page size. */
    public record ListView(List<StoredConnection> items, int total, String search, String order, int page, int size,
                           String notice) {
        public ListView {
            items = List.copyOf(items);
        }

        public int pages() {
            return Math.max(1, (total + size - 1) / size);
        }

        public int first() {
            return total == 0 ? 0 : (page - 1) * size + 1;
        }

        public int last() {
            return Math.min(total, page * size);
        }

        /** The link of a column header: ascending on first click, descending when already ascending. */
        public String sortUrl(String key) {
            return url(search, key.equals(order) ? "-" + key : key, 1, size);
        }

        /** {@code aria-sort} of a column header (null when the list is not ordered by it). */
        public String ariaSort(String key) {
            return key.equals(order) ? "ascending" : ("-" + key).equals(order) ? "descending" : null;
        }

        /** The arrow after a column header's name. */
        public String arrow(String key) {
            return key.equals(order) ? " ▲" : ("-" + key).equals(order) ? " ▼" : "";
        }

        public String pageUrl(int n) {
            return url(search, order, n, size);
        }

        static String url(String search, String order, int page, int size) {
            StringBuilder sb = new StringBuilder(BASE);
            List<String> query = new ArrayList<>();
            if (search != null && !search.isEmpty()) {
                query.add("q=" + URLEncoder.encode(search, StandardCharsets.UTF_8));
            }
            if (order != null && !order.isEmpty() && !order.equals("connection_id")) {
                query.add("order=" + URLEncoder.encode(order, StandardCharsets.UTF_8));
            }
            if (page > 1) {
                query.add("page=" + page);
            }
            if (size != DEFAULT_PAGE_SIZE) {
                query.add("size=" + size);
            }
            if (!query.isEmpty()) {
                sb.append('?').append(String.join("&", query));
            }
            return sb.toString();
        }
    }

    private void list(Context ctx, Sessions.Session session) {
        String search = Optional.ofNullable(ctx.queryParam("q")).map(String::strip).orElse("");
        String order = Optional.ofNullable(ctx.queryParam("order")).map(String::strip).filter(o -> !o.isEmpty())
                .orElse("connection_id");
        int size = Math.clamp(intParam(ctx, "size", DEFAULT_PAGE_SIZE), 1, MAX_PAGE_SIZE);
        int page = Math.max(1, intParam(ctx, "page", 1));
        ConnectionService.Page result = connections.list(session.principal(), search, order, size, (page - 1) * size);
        if (result.items().isEmpty() && page > 1 && result.total() > 0) {
            page = (result.total() + size - 1) / size;
            result = connections.list(session.principal(), search, order, size, (page - 1) * size);
        }
        ListView view = new ListView(result.items(), result.total(), search, order, page, size, notice(ctx));
        Map<String, Object> model = new HashMap<>();
        model.put("page", page(session, "Connections"));
        model.put("view", view);
        ctx.header("Vary", "HX-Request");
        // htmx restoring a page it has no snapshot of (Back after a swap) asks for the whole page
        if (Ui.htmx(ctx) && !"true".equals(ctx.header("HX-Boosted")) && !"true".equals(ctx.header("HX-History-Restore-Request"))) {
            ui.render(ctx, "connections/table.jte", model);
        }
        else {
            ui.render(ctx, "connections/list.jte", model);
        }
    }

    private static String notice(Context ctx) {
        String deleted = ctx.queryParam("deleted");
        if (deleted != null && CONN_ID.matcher(deleted).matches()) {
            return "Deleted connection " + deleted + ".";
        }
        return null;
    }

    private static int intParam(Context ctx, String name, int fallback) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.strip());
        }
        catch (NumberFormatException e) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, name + " must be a whole number, not '" + value + "'",
                    "use the page links, or give " + name + "=1");
        }
    }

    // ---- the form

    /**
     * The add/edit form's values as typed (never a password) and the problems found in them by field name
     * ({@code extra}, {@code sslmode}, {@code port}, {@code password}).
     */
    public record Form(boolean edit, String connId, String connType, String description, String host, String database,
                       String login, String port, String extra, String sslmode, boolean hasSavedPassword,
                       Map<String, PgBridgeException> problems) {
        public Form {
            problems = Map.copyOf(problems);
        }

        /** The form's target: the collection for a new connection, the connection for an edit. */
        public String action() {
            return edit ? BASE + "/" + connId : BASE;
        }

        public PgBridgeException problem(String field) {
            return problems.get(field);
        }

        /** {@code aria-describedby} of an input: its error when it has one, else its help text (may be null). */
        public String describedBy(String field, String help) {
            return problems.containsKey(field) ? field + "-error" : help;
        }

        public boolean invalid(String field) {
            return problems.containsKey(field);
        }

        public List<String> sslmodes() {
            return ExtraOption.SSLMODE.allowedValues();
        }

        static Form empty() {
            return new Form(false, "", ConnectionConfig.POSTGRES, "", "", "", "", "", "", "", false, Map.of());
        }

        static Form of(ConnectionConfig c) {
            Map<String, Object> extra = ConnectionService.maskedExtra(c);
            Object sslmode = extra.remove(ExtraOption.SSLMODE.key());
            // an extra that is not a JSON object is not echoed (it may hold a secret); an empty field keeps it on save
            String extraText = "";
            if (!extra.isEmpty()) {
                try {
                    extraText = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(extra);
                }
                catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }
            return new Form(true, c.connId(), Optional.ofNullable(c.connType()).orElse(ConnectionConfig.POSTGRES),
                    nz(c.description()), nz(c.host()), nz(c.database()), nz(c.login()), nz(c.port()), extraText,
                    sslmode == null ? "" : String.valueOf(sslmode), hasPassword(c), Map.of());
        }
    }

    /** A form read from the request: what to render back, and the config to save or test when it has no problems. */
    private record Submitted(Form form, ConnectionConfig config) {}

    private void newForm(Context ctx, Sessions.Session session) {
        renderForm(ctx, session, Form.empty(), null, null);
    }

    private void editForm(Context ctx, Sessions.Session session) {
        StoredConnection saved = connections.get(session.principal(), ctx.pathParam("id"));
        renderForm(ctx, session, Form.of(saved.config()), null, null);
    }

    private void create(Context ctx, Sessions.Session session) {
        Submitted s = read(ctx, session, null);
        if (s.config() == null) {
            ctx.status(400);
            renderForm(ctx, session, s.form(), null, null);
            return;
        }
        try {
            StoredConnection saved = connections.create(session.principal(), s.config());
            ctx.redirect(BASE + "/" + saved.config().connId() + "?saved=1");
        }
        catch (PgBridgeException e) {
            ctx.status(ErrorResponses.status(e.code()));
            renderForm(ctx, session, s.form(), e, null);
        }
    }

    private void update(Context ctx, Sessions.Session session) {
        StoredConnection saved = connections.get(session.principal(), ctx.pathParam("id"));
        Submitted s = read(ctx, session, saved);
        if (s.config() == null) {
            ctx.status(400);
            renderForm(ctx, session, s.form(), null, null);
            return;
        }
        try {
            connections.update(session.principal(), s.config());
            ctx.redirect(BASE + "/" + saved.config().connId() + "?saved=1");
        }
        catch (PgBridgeException e) {
            ctx.status(ErrorResponses.status(e.code()));
            renderForm(ctx, session, s.form(), e, null);
        }
    }

    /**
     * The Test button: tests the form's current values (the saved password when the field is empty). htmx gets the
     * steps as a fragment; without JavaScript the form comes back with the steps under it.
     */
    private void test(Context ctx, Sessions.Session session) {
        boolean edit = "edit".equals(ctx.formParam("mode"));
        StoredConnection saved = null;
        if (edit) {
            saved = connections.get(session.principal(), Optional.ofNullable(ctx.formParam("conn_id")).orElse(""));
        }
        Submitted s = read(ctx, session, saved);
        TestReport report = null;
        PgBridgeException error = null;
        if (s.config() == null) {
            error = s.form().problems().values().iterator().next();
        }
        else {
            try {
                report = connections.test(session.principal(), s.config());
            }
            catch (PgBridgeException e) {
                error = e;
            }
        }
        if (Ui.htmx(ctx)) {
            Map<String, Object> model = new HashMap<>();
            model.put("report", report);
            model.put("error", error);
            ui.render(ctx, "connections/test.jte", model);
        }
        else {
            renderForm(ctx, session, s.form(), s.config() == null ? null : error, report);
        }
    }

    private Submitted read(Context ctx, Sessions.Session session, StoredConnection saved) {
        boolean edit = saved != null;
        Map<String, PgBridgeException> problems = new LinkedHashMap<>();
        String connId = edit ? saved.config().connId() : field(ctx, "conn_id");
        String connType = Optional.ofNullable(ctx.formParam("conn_type")).map(String::strip).filter(t -> !t.isEmpty())
                .orElse(ConnectionConfig.POSTGRES);
        String description = field(ctx, "description");
        String host = field(ctx, "host");
        String database = field(ctx, "database");
        String login = field(ctx, "login");
        String port = field(ctx, "port");
        String extraText = Optional.ofNullable(ctx.formParam("extra")).orElse("");
        String sslmode = field(ctx, "sslmode");
        String typed = Optional.ofNullable(ctx.formParam("password")).orElse("");
        boolean clear = ctx.formParam("clear_password") != null;

        if (!connType.equals(ConnectionConfig.POSTGRES)) {
            problems.put("conn_type", new PgBridgeException(ErrorCode.INVALID_CONFIG,
                    "the connection type '" + connType + "' is not supported",
                    "pgbridge connections are PostgreSQL connections: choose postgres"));
        }
        if (!port.isEmpty()) {
            boolean valid = port.matches("\\d{1,5}(,\\d{1,5})*");
            if (valid) {
                for (String p : port.split(",")) {
                    int n = Integer.parseInt(p);
                    valid &= n >= 1 && n <= 65535;
                }
            }
            if (!valid) {
                problems.put("port", new PgBridgeException(ErrorCode.INVALID_CONFIG,
                        "invalid port '" + port + "': not a number from 1 to 65535",
                        "give a port number such as 5432 (several hosts: one port, or one per host separated by commas)"));
            }
        }
        if (!sslmode.isEmpty() && ExtraOption.SSLMODE.problem(sslmode) != null) {
            problems.put("sslmode", new PgBridgeException(ErrorCode.INVALID_CONFIG, ExtraOption.SSLMODE.problem(sslmode),
                    "choose one of the listed modes; verify-full checks the server's certificate and host name"));
        }
        Map<String, Object> extra = extra(extraText, problems);
        if (extra != null) {
            extra = ConnectionService.unmaskExtra(extra, edit ? saved.config() : null);
            if (!sslmode.isEmpty()) {
                extra.put(ExtraOption.SSLMODE.key(), sslmode);
            }
            for (Map.Entry<String, Object> e : extra.entrySet()) {
                Optional<ExtraOption> option = ExtraOption.forKey(e.getKey());
                String problem = option.isEmpty() || e.getValue() == null || option.get().sensitive() ? null
                        : option.get().problem(e.getValue());
                if (problem != null && !problems.containsKey("extra")) {
                    problems.put("extra", new PgBridgeException(ErrorCode.INVALID_CONFIG, problem,
                            "fix the value in Extra" + (option.get() == ExtraOption.SSLMODE ? " or pick sslmode from the list" : "")));
                }
            }
        }
        if (clear && !typed.isEmpty()) {
            problems.put("password", new PgBridgeException(ErrorCode.INVALID_CONFIG,
                    "a new password was typed and 'clear the password' is ticked",
                    "either type a new password or tick 'clear the password', not both"));
        }
        // the rendered form never carries the typed password back
        Form form = new Form(edit, connId, connType, description, host, database, login, port, extraText, sslmode,
                edit && hasPassword(saved.config()), problems);
        if (!problems.isEmpty()) {
            return new Submitted(form, null);
        }
        Secret password = !typed.isEmpty() ? Secret.of(typed) : clear ? Secret.of("") : null;
        try {
            // an Extra that reads as the saved one keeps the saved text (no new credential version, no pool replaced)
            boolean extraUnchanged = edit && extra != null && extra.equals(saved.config().extraMap());
            String extraJson = extraUnchanged ? saved.config().extra()
                    : extra == null || extra.isEmpty() ? null : JSON.writeValueAsString(extra);
            ConnectionConfig config = ConnectionConfig.builder()
                    .connId(connId.isEmpty() ? null : connId)
                    .connType(connType).description(blankToNull(description)).host(blankToNull(host))
                    .database(blankToNull(database)).login(blankToNull(login)).port(blankToNull(port))
                    .password(password)
                    .extra(extraJson)
                    .tenant(session.principal().tenant())
                    .build();
            if (config.connId() == null) {
                throw new PgBridgeException(ErrorCode.INVALID_CONN_ID, "a connection needs a Conn Id",
                        "use a name like pg_target (it becomes the environment variable AIRFLOW_CONN_PG_TARGET)");
            }
            return new Submitted(form, config);
        }
        catch (PgBridgeException e) {
            String field = e.code() == ErrorCode.INVALID_CONN_ID ? "conn_id" : "form";
            Map<String, PgBridgeException> withIt = new LinkedHashMap<>(problems);
            withIt.put(field, e);
            return new Submitted(new Form(edit, connId, connType, description, host, database, login, port, extraText,
                    sslmode, form.hasSavedPassword(), withIt), null);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Extra field as a JSON object (null when it is not one: the problem is recorded under "extra"). */
    private static Map<String, Object> extra(String text, Map<String, PgBridgeException> problems) {
        if (text.isBlank()) {
            return new LinkedHashMap<>();
        }
        Object parsed;
        try {
            parsed = JSON.readValue(text, Object.class);
        }
        catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            // the parser's own message quotes the text (it may hold a secret): say where, not what
            problems.put("extra", new PgBridgeException(ErrorCode.INVALID_CONFIG,
                    "Extra is not valid JSON" + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"),
                    "write a JSON object such as {\"sslmode\": \"require\", \"connect_timeout\": 10}: keys and text in double quotes, no trailing comma"));
            return null;
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            problems.put("extra", new PgBridgeException(ErrorCode.INVALID_CONFIG, "Extra must be a JSON object, not a "
                    + (parsed instanceof List<?> ? "list" : parsed == null ? "null" : "single value"),
                    "write a JSON object such as {\"sslmode\": \"require\"}, or leave Extra empty"));
            return null;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        map.forEach((k, v) -> result.put(String.valueOf(k), v));
        return result;
    }

    private void renderForm(Context ctx, Sessions.Session session, Form form, PgBridgeException error, TestReport report) {
        Map<String, Object> model = new HashMap<>();
        model.put("page", page(session, form.edit() ? "Edit connection " + form.connId() : "Add connection"));
        model.put("form", form);
        model.put("error", error != null ? error : form.problem("form"));
        model.put("report", report);
        ui.render(ctx, "connections/form.jte", model);
    }

    // ---- detail, delete

    /** What a connection's page shows: its fields, the masked task URI and the variable that carries it. */
    public record Detail(StoredConnection connection, boolean hasPassword, String taskUri, String envVar,
                         List<String> warnings, Map<String, Object> extra) {}

    private void detail(Context ctx, Sessions.Session session) {
        StoredConnection saved = connections.get(session.principal(), ctx.pathParam("id"));
        Map<String, Object> model = new HashMap<>();
        model.put("page", page(session, "Connection " + saved.config().connId()));
        model.put("detail", detail(saved));
        model.put("saved", "1".equals(ctx.queryParam("saved")));
        ui.render(ctx, "connections/detail.jte", model);
    }

    static Detail detail(StoredConnection saved) {
        ConnectionConfig c = saved.config();
        boolean hasPassword = hasPassword(c);
        Map<String, Object> masked = ConnectionService.maskedExtra(c);
        ConnectionConfig shown = c.toBuilder().password(hasPassword ? Secret.of(PASSWORD_PLACEHOLDER) : null)
                .extra(masked.isEmpty() ? null : json(masked)).build();
        String uri;
        List<String> warnings;
        try {
            TaskUri.Result result = TaskUri.build(shown);
            uri = result.uri().replace(PASSWORD_PLACEHOLDER, ConnectionService.MASK);
            warnings = result.warnings();
        }
        catch (PgBridgeException e) {
            uri = "";
            warnings = List.of(e.getMessage());
        }
        return new Detail(saved, hasPassword, uri, c.envVarName(), warnings, masked);
    }

    private void confirmDelete(Context ctx, Sessions.Session session) {
        StoredConnection saved = connections.get(session.principal(), ctx.pathParam("id"));
        Map<String, Object> model = new HashMap<>();
        model.put("page", page(session, "Delete connection " + saved.config().connId()));
        model.put("connId", saved.config().connId());
        ui.render(ctx, "connections/delete.jte", model);
    }

    private void delete(Context ctx, Sessions.Session session) {
        String id = ConnectionConfig.normalizeConnId(ctx.pathParam("id"));
        connections.delete(session.principal(), id);
        String target = BASE + "?deleted=" + id;
        if (Ui.htmx(ctx)) {
            ctx.header("HX-Redirect", target);
            ctx.status(204);
        }
        else {
            ctx.redirect(target);
        }
    }

    // ---- import

    private void importForm(Context ctx, Sessions.Session session) {
        renderImport(ctx, session, null, null, false);
    }

    private void importFile(Context ctx, Sessions.Session session) throws IOException {
        boolean overwrite = ctx.formParam("overwrite") != null;
        UploadedFile file = ctx.uploadedFile("file");
        try {
            if (file == null || file.filename().isBlank()) {
                throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "no file was chosen",
                        "choose the .json, .yaml or .env file that airflow connections export wrote");
            }
            byte[] content;
            try (InputStream in = file.content()) {
                content = in.readAllBytes();
            }
            List<ConnectionConfig> read = ConnectionImport.read(file.filename(), content);
            ConnectionService.ImportResult result = connections.importAll(session.principal(), read, overwrite);
            renderImport(ctx, session, result, null, overwrite);
        }
        catch (PgBridgeException e) {
            ctx.status(ErrorResponses.status(e.code()));
            renderImport(ctx, session, null, e, overwrite);
        }
    }

    private void renderImport(Context ctx, Sessions.Session session, ConnectionService.ImportResult result,
                              PgBridgeException error, boolean overwrite) {
        Map<String, Object> model = new HashMap<>();
        model.put("page", page(session, "Import connections"));
        model.put("result", result);
        model.put("error", error);
        model.put("overwrite", overwrite);
        ui.render(ctx, "connections/import.jte", model);
    }

    // ---- helpers

    private static PageContext page(Sessions.Session session, String title) {
        return new PageContext(title, session.principal(), session.csrfToken(), "connections");
    }

    /** A saved password that is not empty (an empty password is no password, as for libpq and Airflow). */
    static boolean hasPassword(ConnectionConfig c) {
        return c.password() != null && !c.password().isEmpty();
    }

    private static String field(Context ctx, String name) {
        return Optional.ofNullable(ctx.formParam(name)).map(String::strip).orElse("");
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static String nz(String value) {
        return value == null ? "" : value;
    }

    /** Extra as the form's textarea and hidden fields carry it: JSON text, empty for none. */
    public static String extraText(Map<String, Object> extra) {
        return extra == null || extra.isEmpty() ? "" : json(extra);
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
