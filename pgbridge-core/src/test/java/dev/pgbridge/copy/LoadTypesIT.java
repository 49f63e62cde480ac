package dev.pgbridge.copy;

import dev.pgbridge.testing.TestTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every type the JSON mapping covers, loaded from JSON lines (in the mapping's representations) and from CSV (as COPY
 * writes it), then read back and compared with the same values written as SQL literals: in text form, so NaN,
 * infinities, -0, array bounds, padding and JSON formatting all count.
 */
@Timeout(120)
class LoadTypesIT {
    private static final String COLUMNS = """
            (id int PRIMARY KEY, i2 smallint, i4 integer, i8 bigint, num numeric, num_s numeric(12,2), f4 real,
             f8 double precision, b boolean, t text, vc varchar(20), ch char(5), by bytea, j json, jb jsonb, d date,
             ts timestamp, tstz timestamptz, tm time, tmtz timetz, iv interval, u uuid, ip inet, mood "Mood",
             dom posint, ia int[], ia2 int[][], ta text[], na numeric[], ba bytea[], jba jsonb[], da date[],
             tsa timestamptz[], boa boolean[], ia3 int[][][], doma posint[])""";
    private static final List<String> NAMES = List.of("id", "i2", "i4", "i8", "num", "num_s", "f4", "f8", "b", "t",
            "vc", "ch", "by", "j", "jb", "d", "ts", "tstz", "tm", "tmtz", "iv", "u", "ip", "mood", "dom", "ia", "ia2",
            "ta", "na", "ba", "jba", "da", "tsa", "boa", "ia3", "doma");

    @RegisterExtension
    static final LoadFixture db = new LoadFixture("load_types", "CREATE TYPE \"Mood\" AS ENUM ('happy', 'sad', 'é日本🔑')",
            "CREATE DOMAIN posint AS integer CHECK (VALUE > 0)");

    @TempDir
    Path dir;

    /** Numeric holds ±Infinity from PostgreSQL 14 on; before that the row uses NaN. */
    private static boolean numericInfinity() {
        return db.server().majorVersion() >= 14;
    }

    /** Row 1 typical values, row 2 edge values, row 3 only NULLs, as SQL literals in column order. */
    private static List<String> expectedRows() {
        String infinities = numericInfinity() ? "'{Infinity,-Infinity}'" : "'{NaN,NaN}'";
        return List.of(
                "1, -32768, 2147483647, -9223372036854775808, '12345678901234567890.123456789012345678901234567890', 1.50, "
                        + "1.5, 0.1, true, E'é日本🔑 tab\\t nl\\n bs\\\\ q\" comma,', 'hello', 'ab', '\\x00ff5c0a', "
                        + "'{\"a\":null,\"b\":[1,2.50,\"x\"]}', '{\"arr\":[1,{\"x\":\"é\"}],\"nested\":{\"n\":null}}', "
                        + "'2024-02-29', '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.123456+05:30', '23:59:59.999999', "
                        + "'12:34:56+02', '1 year 2 mons 3 days 04:05:06.5', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', "
                        + "'192.168.0.1/24', 'é日本🔑', 5, '{1,2,NULL}', '{{1,2},{3,4}}', "
                        + "ARRAY['a', '', NULL, 'NULL', 'q\"b\\s', '{,}', 'é日本🔑'], '{1.10,NaN}', ARRAY['\\x00ff'::bytea, NULL], "
                        + "ARRAY['{\"a\":1}'::jsonb, '[1,2]', '\"s\"'], '{2024-01-01,infinity}', "
                        + "ARRAY['2024-01-02 03:04:05+00'::timestamptz, '-infinity'], '{t,f,NULL}', '{{{1},{2}},{{3},{4}}}', '{1,2}'",
                "2, 0, -1, 0, 'NaN', -0.01, 'NaN', '-Infinity', false, '', '', 'x', '', '\"just a string\"', "
                        + "'[1,\"two\",null,{\"three\":3}]', '0044-03-15 BC', '10000-01-01 00:00:00', 'infinity', '00:00:00', "
                        + "'00:00:00+00', '-1 days -02:00:00', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '::1', 'happy', 1, '{}', "
                        + "'{{NULL,5}}', '{}', " + infinities + ", '{}', '{NULL}', '{-infinity}', '{}', '{}', '{{{7}}}', '{}'",
                "3" + ", NULL".repeat(NAMES.size() - 1));
    }

    /** The same rows in the JSON representations of the query output mapping (row 3 leaves most keys out). */
    private static String jsonLines() {
        String infinities = numericInfinity() ? "[\"Infinity\", \"-Infinity\"]" : "[\"NaN\", \"NaN\"]";
        return "{\"id\": 1, \"i2\": -32768, \"i4\": 2147483647, \"i8\": -9223372036854775808, "
                + "\"num\": 12345678901234567890.123456789012345678901234567890, \"num_s\": 1.50, \"f4\": 1.5, \"f8\": 0.1, "
                + "\"b\": true, \"t\": \"é日本🔑 tab\\t nl\\n bs\\\\ q\\\" comma,\", \"vc\": \"hello\", \"ch\": \"ab   \", "
                + "\"by\": \"AP9cCg==\", \"j\": {\"a\": null, \"b\": [1, 2.50, \"x\"]}, "
                + "\"jb\": {\"nested\": {\"n\": null}, \"arr\": [1, {\"x\": \"\\u00e9\"}]}, \"d\": \"2024-02-29\", "
                + "\"ts\": \"2024-01-02T03:04:05.123456\", \"tstz\": \"2024-01-02T03:04:05.123456+05:30\", "
                + "\"tm\": \"23:59:59.999999\", \"tmtz\": \"12:34:56+02:00\", \"iv\": \"P1Y2M3DT4H5M6.5S\", "
                + "\"u\": \"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\", \"ip\": \"192.168.0.1/24\", \"mood\": \"é日本🔑\", \"dom\": 5, "
                + "\"ia\": [1, 2, null], \"ia2\": [[1, 2], [3, 4]], "
                + "\"ta\": [\"a\", \"\", null, \"NULL\", \"q\\\"b\\\\s\", \"{,}\", \"é日本🔑\"], \"na\": [1.10, \"NaN\"], "
                + "\"ba\": [\"AP8=\", null], \"jba\": [{\"a\": 1}, [1, 2], \"s\"], \"da\": [\"2024-01-01\", \"infinity\"], "
                + "\"tsa\": [\"2024-01-02T03:04:05Z\", \"-infinity\"], \"boa\": [true, false, null], "
                + "\"ia3\": [[[1], [2]], [[3], [4]]], \"doma\": [1, 2]}\n"
                + "{\"id\": 2, \"i2\": 0, \"i4\": -1, \"i8\": 0, \"num\": \"NaN\", \"num_s\": -0.01, \"f4\": \"NaN\", "
                + "\"f8\": \"-Infinity\", \"b\": false, \"t\": \"\", \"vc\": \"\", \"ch\": \"x    \", \"by\": \"\", "
                + "\"j\": \"just a string\", \"jb\": [1, \"two\", null, {\"three\": 3}], \"d\": \"-0043-03-15\", "
                + "\"ts\": \"+10000-01-01T00:00:00\", \"tstz\": \"infinity\", \"tm\": \"00:00:00\", \"tmtz\": \"00:00:00Z\", "
                + "\"iv\": \"-P1DT2H\", \"u\": \"A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11\", \"ip\": \"::1\", \"mood\": \"happy\", "
                + "\"dom\": 1, \"ia\": [], \"ia2\": [[null, 5]], \"ta\": [], \"na\": " + infinities + ", \"ba\": [], "
                + "\"jba\": [null], \"da\": [\"-infinity\"], \"tsa\": [], \"boa\": [], \"ia3\": [[[7]]], \"doma\": []}\n"
                + "\n"
                + "{\"id\": 3, \"i2\": null, \"jb\": null, \"ta\": null}\n";
    }

    private static void insertExpected(String table) {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(" VALUES ");
        List<String> rows = expectedRows();
        for (int i = 0; i < rows.size(); i++) {
            sql.append(i == 0 ? "(" : ", (").append(rows.get(i)).append(')');
        }
        db.execute(sql.toString());
    }

    @Test
    void everyMappedTypeLoadsFromJsonLinesAndReadsBackEqual() throws Exception {
        try (TestTable expected = db.table("expected", COLUMNS);
             TestTable actual = db.table("actual", COLUMNS)) {
            insertExpected(expected.name());
            Path file = dir.resolve("rows.jsonl");
            Files.writeString(file, jsonLines());
            LoadResult result = db.loader().load(LoadInput.file(file),
                    LoadOptions.of(actual.name(), LoadFormat.JSONL).withChunkRows(2));
            assertThat(result.rows()).isEqualTo(3);
            assertThat(result.chunks()).isEqualTo(2);
            assertThat(db.differences(expected.name(), actual.name(), NAMES)).isEmpty();
        }
    }

    @Test
    void everyMappedTypeLoadsFromCsvAsCopyWritesItAndReadsBackEqual() throws Exception {
        try (TestTable expected = db.table("expected", COLUMNS);
             TestTable actual = db.table("actual", COLUMNS)) {
            insertExpected(expected.name());
            ByteArrayOutputStream csv = new ByteArrayOutputStream();
            try (Connection c = db.connect()) {
                c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY " + expected.name()
                        + " TO STDOUT (FORMAT csv, HEADER)", csv);
            }
            assertThat(csv.toString(StandardCharsets.UTF_8)).as("NULL and the empty string differ in the file")
                    .contains("\n2,0,-1,0,NaN,-0.01,NaN,-Infinity,f,\"\",\"\",");
            LoadResult result = db.loader().load(LoadInput.stream(new ByteArrayInputStream(csv.toByteArray()), "-"),
                    LoadOptions.of(actual.name(), LoadFormat.CSV));
            assertThat(result.rows()).isEqualTo(3);
            assertThat(db.differences(expected.name(), actual.name(), NAMES)).isEmpty();
        }
    }
}
