package dev.pgbridge.cli;

import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every mapped type through the two commands users chain: {@code pgbridge export} writes a table, {@code pgbridge load}
 * reads the file into an empty copy of it, and the copy equals the original value for value (compared as row text, so
 * NaN, infinities, array dimensions, padding, JSON formatting and multi-byte text all count). A JSON {@code null}
 * document or array element is left out: JSON lines cannot tell it from SQL NULL, as docs/types.md says.
 */
@Timeout(300)
class ExportLoadRoundTripIT {
    private static TestingPostgres server;
    private static TestDatabase db;

    @TempDir
    Path dir;

    @BeforeAll
    static void table() {
        server = TestingPostgres.get();
        db = server.createDatabase(TestingPostgres.uniqueName("roundtrip"), null);
        String numericInfinity = server.majorVersion() >= 14 ? "'Infinity'" : "'NaN'";
        server.executeIn(db.name(), "CREATE TYPE mood AS ENUM ('happy', 'é日本🔑')");
        server.executeIn(db.name(), "CREATE DOMAIN posint AS integer CHECK (VALUE > 0)");
        server.executeIn(db.name(), "CREATE SCHEMA \"Mixed\"");
        server.executeIn(db.name(), """
                CREATE TABLE "Mixed"."Types" (id int PRIMARY KEY, i2 smallint, i8 bigint, num numeric, num_s numeric(12,2),
                  f4 real, f8 double precision, b boolean, t text, ch char(5), by bytea, j json, jb jsonb, d date,
                  ts timestamp, tstz timestamptz, tm time, iv interval, u uuid, ip inet, m mood, dom posint,
                  ia int[], ia2 int[][], ta text[], jba jsonb[], da date[])""");
        server.executeIn(db.name(), """
                INSERT INTO "Mixed"."Types" VALUES
                (1, -32768, -9223372036854775808, 12345678901234567890.123456789012345678901234567890, 1.50, 1.5, 0.1, true,
                 E'é日本🔑 tab\\t nl\\n q" comma,', 'ab', '\\x00ff5c0a', '{"a": null, "b": [1, 2.50]}',
                 '{"nested": {"n": null}, "arr": [1, {"x": "é"}]}', '2024-02-29', '2024-01-02 03:04:05.123456',
                 '2024-01-02 03:04:05.123456+05:30', '23:59:59.999999', '1 year 2 mons 3 days 04:05:06.5',
                 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '192.168.0.1/24', 'é日本🔑', 5, '{1,2,NULL}', '{{1,2},{3,4}}',
                 ARRAY['a', '', NULL, 'NULL', '{,}', 'é日本🔑'], ARRAY['{"a":1}'::jsonb, '[1,2]'], '{2024-01-01,infinity}'),
                (2, 0, 0, 'NaN', -0.01, 'NaN', '-Infinity', false, '', 'x', '', '"just a string"', '[1,"two",null]',
                 '0044-03-15 BC', 'infinity', '-infinity', '00:00:00', '-1 days -02:00:00',
                 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '::1', 'happy', 1, '{}', '{{NULL,5}}', '{}', '{}', '{-infinity}'),
                (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                 NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                (4, 1, 1, %s, 0, 'Infinity', 1e300, true, 'plain', 'x', '\\x', '{}', '[]', 'infinity', '-infinity',
                 'infinity', '24:00:00', '0', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '10.0.0.0/8', 'happy', 2,
                 '{1}', '{}', '{"",""}', ARRAY['1'::jsonb], '{}')
                """.formatted(numericInfinity));
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jsonl", "csv"})
    void exportThenLoadGivesTheSameValues(String format) throws SQLException {
        String target = "copy_" + format;
        server.executeIn(db.name(), "CREATE TABLE \"Mixed\".\"" + target + "\" (LIKE \"Mixed\".\"Types\" INCLUDING ALL)");
        Cli cli = new Cli(dir).env("AIRFLOW_CONN_RT", "postgresql://" + server.superuser() + ":" + server.superuserPassword()
                + "@" + server.host() + ":" + server.port() + "/" + db.name() + "?sslmode=disable");
        Path file = dir.resolve("types." + format);
        Cli.Result export = cli.run("export", "--conn", "rt", "--table", "\"Mixed\".\"Types\"", "--format", format,
                "--output", file.toString());
        assertThat(export.exitCode()).as(export.toString()).isZero();
        Cli.Result load = cli.run("load", "--conn", "rt", "--table", "\"Mixed\".\"" + target + "\"", "--format", format,
                "--file", file.toString());
        assertThat(load.exitCode()).as(load.toString()).isZero();

        List<String> original = rows("\"Mixed\".\"Types\"");
        assertThat(original).hasSize(4);
        assertThat(rows("\"Mixed\".\"" + target + "\"")).containsExactlyElementsOf(original);
    }

    private static List<String> rows(String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = server.connect(db.name()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT t::text FROM " + table + " t ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }
}
