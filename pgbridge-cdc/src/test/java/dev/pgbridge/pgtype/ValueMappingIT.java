package dev.pgbridge.pgtype;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.cdc.event.CaptureSource;
import dev.pgbridge.cdc.event.ChangeEvent;
import dev.pgbridge.cdc.event.EventEncoder;
import dev.pgbridge.cdc.event.EventJson;
import dev.pgbridge.cdc.event.Op;
import dev.pgbridge.cdc.event.RowText;
import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.pgtype.Lsn;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.query.Column;
import dev.pgbridge.query.Query;
import dev.pgbridge.query.QueryRunner;
import dev.pgbridge.query.RowsResult;
import dev.pgbridge.query.StatementResult;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.PGConnection;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every row of {@code docs/types.md}, in every direction, against a real server: a value as the query JSON printer
 * writes it ({@code pgbridge query --format json}), the same value in a capture event (its text decoded as the
 * capture does and written by the event encoder: byte for byte the same JSON), its CSV (COPY's text form), and back:
 * the query JSON loaded as a load reads it, and the event value applied as the PostgreSQL sink binds it — in both
 * cases the server takes the text and holds the very same value.
 */
// four copies of this mapping once disagreed: float8 1e+300, xid, years after 9999, intervals, json spacing
@Timeout(300)
class ValueMappingIT {
    /** One value: its SQL type, an expression for it, the session settings it is printed under, its JSON. */
    private record Case(String type, String expression, String session, String json) {
        Case(String type, String expression, String json) {
            this(type, expression, "", json);
        }

        @Override
        public String toString() {
            return type + " " + expression + (session.isEmpty() ? "" : " [" + session + "]");
        }
    }

    private static final String[] INTERVAL_STYLES = {"postgres", "postgres_verbose", "sql_standard", "iso_8601"};
    private static TestDatabase database;
    private static ConnectionConfig target;
    private static int version;

    @BeforeAll
    static void createTypes() {
        TestingPostgres server = TestingPostgres.get();
        version = server.majorVersion();
        database = server.createDatabase(TestingPostgres.uniqueName("pgb_mapping"), null);
        server.executeIn(database.name(), """
                CREATE TYPE mood AS ENUM ('sad', 'happy', '🔑 ok');
                CREATE DOMAIN amount AS numeric(12,2);
                CREATE DOMAIN tags AS text[];
                CREATE TYPE pair AS (n int, label text);
                """);
        target = ConnectionConfig.builder().connId("mapping").host(server.host()).port(server.port())
                .database(database.name()).login(server.superuser()).password(server.superuserPassword()).build();
    }

    @AfterAll
    static void dropDatabase() {
        if (database != null) {
            database.close();
        }
    }

    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>(List.of(
                new Case("int2", "-32768", "-32768"),
                new Case("int4", "2147483647", "2147483647"),
                new Case("int8", "-9223372036854775808", "-9223372036854775808"),
                new Case("oid", "4294967295", "4294967295"),
                new Case("xid", "'4294967295'", "4294967295"),
                new Case("numeric", "'12345678901234567890.123456789012345678900'", "12345678901234567890.123456789012345678900"),
                new Case("numeric", "'-0.00100'", "-0.00100"),
                new Case("numeric", "'-0'", "0"),
                new Case("numeric", "repeat('9', 1200) || '.5'", "9".repeat(1200) + ".5"),
                new Case("numeric", "'NaN'", "\"NaN\""),
                new Case("float8", "'1e+300'", "1e+300"),
                new Case("float8", "'-2.2250738585072014e-308'", "-2.2250738585072014e-308"),
                new Case("float8", "'1.7976931348623157e+308'", "1.7976931348623157e+308"),
                new Case("float8", "'0.1'", "0.1"),
                new Case("float8", "'-0'", "-0"),
                new Case("float8", "'NaN'", "\"NaN\""),
                new Case("float8", "'Infinity'", "\"Infinity\""),
                new Case("float8", "'-Infinity'", "\"-Infinity\""),
                new Case("float4", "'3.4028235e+38'", "3.4028235e+38"),
                new Case("float4", "'1.1'", "1.1"),
                new Case("float4", "'-0'", "-0"),
                new Case("float4", "'-Infinity'", "\"-Infinity\""),
                new Case("bool", "true", "true"),
                new Case("bool", "false", "false"),
                new Case("date", "'2024-02-29'", "\"2024-02-29\""),
                new Case("date", "'0044-03-15 BC'", "\"-0043-03-15\""),
                new Case("date", "'0001-01-01 BC'", "\"0000-01-01\""),
                new Case("date", "'10000-01-01'", "\"+10000-01-01\""),
                new Case("date", "'infinity'", "\"infinity\""),
                new Case("date", "'-infinity'", "\"-infinity\""),
                new Case("timestamp", "'2024-02-29 13:45:00.123456'", "\"2024-02-29T13:45:00.123456\""),
                new Case("timestamp", "'10000-01-01 00:00'", "\"+10000-01-01T00:00:00\""),
                new Case("timestamp", "'0044-03-15 12:00 BC'", "\"-0043-03-15T12:00:00\""),
                new Case("timestamp", "'infinity'", "\"infinity\""),
                new Case("timestamptz", "'2024-02-29 13:45:00+00'", "SET TIME ZONE 'Asia/Kolkata'", "\"2024-02-29T19:15:00+05:30\""),
                new Case("timestamptz", "'2024-02-29 13:45:00.5+00'", "SET TIME ZONE 'America/New_York'", "\"2024-02-29T08:45:00.5-05:00\""),
                new Case("timestamptz", "'1850-01-01 00:00:00+00'", "SET TIME ZONE 'Europe/Amsterdam'", "\"1850-01-01T00:17:30+00:17:30\""),
                new Case("timestamptz", "'10000-01-01 00:00:00+00'", "SET TIME ZONE 'UTC'", "\"+10000-01-01T00:00:00+00:00\""),
                new Case("timestamptz", "'0044-03-15 12:00:00+00 BC'", "SET TIME ZONE 'UTC'", "\"-0043-03-15T12:00:00+00:00\""),
                new Case("timestamptz", "'-infinity'", "\"-infinity\""),
                new Case("time", "'13:45:00.5'", "\"13:45:00.5\""),
                new Case("timetz", "'13:45:00+05'", "\"13:45:00+05:00\""),
                new Case("timetz", "'23:59:59.999999-03:30'", "\"23:59:59.999999-03:30\""),
                new Case("json", "'{\"b\": 1,  \"a\": 2, \"a\": 3}'", "{\"b\": 1,  \"a\": 2, \"a\": 3}"),
                new Case("json", "E'{\\n \"a\": 1.50,\\n \"b\": [true, null]\\n}'", "{\"a\":1.50,\"b\":[true,null]}"),
                new Case("json", "'null'", "null"),
                new Case("jsonb", "'{\"b\": 1,  \"a\": 2, \"a\": [1e5, 2.50, \"é🔑\"]}'", "{\"a\": [100000, 2.50, \"é🔑\"], \"b\": 1}"),
                new Case("jsonb", "'\"just a string\"'", "\"just a string\""),
                new Case("bytea", "'\\x0102ff'", "SET bytea_output = 'hex'", "\"AQL/\""),
                new Case("bytea", "'\\x0102ff5c'", "SET bytea_output = 'escape'", "\"AQL/XA==\""),
                new Case("bytea", "''", "\"\""),
                new Case("int4[]", "'{{1,NULL},{3,4}}'", "[[1,null],[3,4]]"),
                new Case("int4[]", "'{{{1},{2}},{{3},{NULL}}}'", "[[[1],[2]],[[3],[null]]]"),
                new Case("text[]", "ARRAY['a\"b', 'c\\d', '', 'NULL', NULL, ' x ', 'é🔑,{}']",
                        "[\"a\\\"b\",\"c\\\\d\",\"\",\"NULL\",null,\" x \",\"é🔑,{}\"]"),
                new Case("text[]", "ARRAY[ARRAY['\"', NULL], ARRAY['', '\\\\']]", "[[\"\\\"\",null],[\"\",\"\\\\\\\\\"]]"),
                new Case("numeric[]", "'{1.50,NaN,NULL}'", "[1.50,\"NaN\",null]"),
                new Case("float8[]", "'{-0,1e+300,Infinity}'", "[-0,1e+300,\"Infinity\"]"),
                new Case("jsonb[]", "ARRAY['{\"a\": 1}'::jsonb, '[1, 2]']", "[{\"a\": 1},[1, 2]]"),
                new Case("timestamptz[]", "ARRAY['2024-01-01 00:00+00'::timestamptz, 'infinity']", "SET TIME ZONE 'UTC'",
                        "[\"2024-01-01T00:00:00+00:00\",\"infinity\"]"),
                new Case("bytea[]", "ARRAY['\\x00'::bytea, '\\xff']", "[\"AA==\",\"/w==\"]"),
                new Case("money", "'12.34'", "SET lc_monetary = 'C'", "\"$12.34\""),
                new Case("bit(3)", "B'101'", "\"101\""),
                new Case("varbit", "B'10110'", "\"10110\""),
                new Case("uuid", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\""),
                new Case("inet", "'192.168.0.1/24'", "\"192.168.0.1/24\""),
                new Case("cidr", "'2001:db8::/32'", "\"2001:db8::/32\""),
                new Case("char(3)", "'ab'", "\"ab \""),
                new Case("mood", "'🔑 ok'", "\"🔑 ok\""),
                new Case("mood[]", "ARRAY['sad', NULL]::mood[]", "[\"sad\",null]"),
                new Case("amount", "12.5", "12.50"),
                new Case("tags", "ARRAY['a', 'b c']", "[\"a\",\"b c\"]"),
                new Case("pair", "ROW(1, 'a \"b\"')", "\"(1,\\\"a \\\"\\\"b\\\"\\\"\\\")\""),
                new Case("int4range", "'[1,5)'", "\"[1,5)\""),
                new Case("tstzrange", "'[2024-01-01 00:00+00,)'", "SET TIME ZONE 'UTC'", "\"[\\\"2024-01-01 00:00:00+00\\\",)\""),
                new Case("interval", "'0'", "\"PT0S\""),
                new Case("interval", "'-0.5 seconds'", "\"PT-0.5S\""),
                new Case("interval", "'100 hours 0.000001 seconds'", "\"PT100H0.000001S\"")));
        if (version >= 13) {
            cases.add(new Case("xid8", "'18446744073709551615'", "18446744073709551615"));
        }
        if (version >= 14) {
            cases.add(new Case("numeric", "'Infinity'", "\"Infinity\""));
            cases.add(new Case("numeric", "'-Infinity'", "\"-Infinity\""));
        }
        for (String style : INTERVAL_STYLES) {
            String session = "SET IntervalStyle = '" + style + "'";
            cases.add(new Case("interval", "'1 year 2 mons -3 days -04:05:06.5'", session, "\"P1Y2M-3DT-4H-5M-6.5S\""));
            cases.add(new Case("interval", "'-1 year -2 mons'", session, "\"P-1Y-2M\""));
            cases.add(new Case("interval", "'-3 days -04:05:06'", session, "\"P-3DT-4H-5M-6S\""));
            cases.add(new Case("interval", "'3 days 04:05:06.000001'", session, "\"P3DT4H5M6.000001S\""));
            cases.add(new Case("interval", "'-1 days +02:00:00'", session, "\"P-1DT2H\""));
            cases.add(new Case("interval", "'0'", session, "\"PT0S\""));
            cases.add(new Case("interval", "'1 mon -00:00:00.5'", session, "\"P1MT-0.5S\""));
        }
        return cases;
    }

    @Test
    void everyRowOfTheTableInEveryDirection() throws Exception {
        List<String> failures = new ArrayList<>();
        for (Case c : cases()) {
            try {
                check(c);
            }
            catch (AssertionError | Exception e) {
                failures.add(c + ": " + e.getMessage());
            }
        }
        assertThat(failures).isEmpty();
    }

    private static void check(Case c) throws Exception {
        String select = "SELECT (" + c.expression() + ")::" + c.type() + " AS v";
        // query JSON: what `pgbridge query --format json` prints for the row
        String text;
        PgType type;
        String queryJson;
        try (QueryRunner runner = QueryRunner.open(target)) {
            List<StatementResult> results = runner.run(Query.of((c.session().isEmpty() ? "" : c.session() + "; ") + select));
            RowsResult rows = (RowsResult) results.getLast();
            Column column = rows.columns().getFirst();
            type = column.type();
            text = rows.rows().getFirst().get(0);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (JsonGenerator g = PgJson.factory().createGenerator(out)) {
                dev.pgbridge.query.Row.writeJson(g, rows.columns(), rows.rows().getFirst());
            }
            queryJson = out.toString(StandardCharsets.UTF_8);
        }
        assertThat(queryJson).as("query JSON").isEqualTo("{\"v\":" + c.json() + "}");

        // capture event: the text as the capture decodes it, through the event encoder
        JsonNode node = PgJson.node(type, text);
        ObjectNode after = EventJson.MAPPER.createObjectNode();
        after.set("v", node);
        ChangeEvent event = new ChangeEvent(new CaptureSource("mapping", "db"), new TableId("public", "t"), Op.CREATE,
                EventJson.MAPPER.createObjectNode().put("id", 1), null, after, 1, Lsn.of(1), Lsn.of(2),
                Instant.EPOCH, 0, Set.of());
        String eventJson = new String(new EventEncoder().value(event).toByteArray(), StandardCharsets.UTF_8);
        assertThat(eventJson).as("event JSON").contains("\"after\":" + queryJson + ",");
        // a backfill row: the same text carried as its bytes and written from them, and its tree made on demand
        RowText row = RowText.of(new RowText.Columns("public.t", List.of("v"), List.of(type)), text);
        ChangeEvent read = ChangeEvent.read(new CaptureSource("mapping", "db"), new TableId("public", "t"),
                EventJson.MAPPER.createObjectNode().put("id", 1), row, 1, Lsn.of(1), Lsn.of(2), Instant.EPOCH, false);
        String readJson = new String(new EventEncoder().value(read).toByteArray(), StandardCharsets.UTF_8);
        assertThat(readJson).as("backfill event JSON").contains("\"after\":" + queryJson + ",");
        assertThat(read.after()).as("backfill row's tree").isEqualTo(after);

        try (Connection connection = TestingPostgres.get().connect(database.name());
             Statement s = connection.createStatement()) {
            if (!c.session().isEmpty()) {
                s.execute(c.session());
            }
            // CSV: COPY's text form of the value, as this session prints it
            String sessionText;
            try (ResultSet rs = s.executeQuery(select)) {
                assertThat(rs.next()).isTrue();
                sessionText = rs.getString(1);
            }
            ByteArrayOutputStream csv = new ByteArrayOutputStream();
            connection.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (" + select + ") TO STDOUT (FORMAT csv)", csv);
            assertThat(csv.toString(StandardCharsets.UTF_8)).as("CSV").isEqualTo(csvField(sessionText) + "\n");

            // load: the query JSON read as a load reads it
            StringBuilder loadText = new StringBuilder();
            boolean notNull;
            try (JsonParser p = PgJson.factory().createParser(c.json())) {
                p.nextToken();
                notNull = PgJson.readText(p, type, PgJson.TextSink.of(loadText));
            }
            String sinkText = PgJson.toText(type, node);
            if (c.json().equals("null")) {
                // documented: a json/jsonb value that is JSON null goes back as SQL NULL
                assertThat(notNull).as("load of a JSON null").isFalse();
                assertThat(sinkText).as("sink apply of a JSON null").isNull();
                return;
            }
            assertSameValue(connection, c, select, loadText.toString(), "load input");

            // sink apply: the event's value as the PostgreSQL sink binds it
            assertSameValue(connection, c, select, sinkText, "sink apply");
        }
    }

    /** The server takes {@code input} for the type and holds the same value as the expression (same text out). */
    private static void assertSameValue(Connection connection, Case c, String select, String input, String direction)
            throws Exception {
        // json keeps its text; a load writes it compact, and json with line breaks is one line in JSON (documented):
        // there the same JSON value, keys and their order kept
        boolean compact = direction.equals("load input") || c.expression().contains("\\n");
        String compare = c.type().equals("json") && compact ? "::jsonb::text" : "::text";
        try (PreparedStatement ps = connection.prepareStatement("SELECT (?::" + c.type() + ")" + compare + ", v"
                + compare + " FROM (" + select + ") q")) {
            ps.setString(1, input);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).as(direction + " of " + input).isEqualTo(rs.getString(2));
            }
        }
    }

    private static String csvField(String text) {
        if (text == null) {
            return "";
        }
        if (text.isEmpty() || text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
            return "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }
}
