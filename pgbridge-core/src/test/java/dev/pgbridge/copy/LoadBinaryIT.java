package dev.pgbridge.copy;

import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.testing.TestTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;

import java.io.StringReader;
import java.sql.Connection;
import java.util.List;

import static dev.pgbridge.copy.LoadFixture.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Values the loader converts to COPY's binary format end up exactly as PostgreSQL's own text input makes them (the
 * same CSV through server-side COPY is the reference), and a value without a canonical form switches the rest of
 * the load to text format without losing a row or a line number.
 */
@Timeout(120)
class LoadBinaryIT {
    private static final String COLUMNS = "(id int, i2 smallint, i8 bigint, n numeric, n2 numeric(6,2), b boolean, t text, "
            + "c char(5), v varchar(10), d date, ts timestamp, tz timestamptz, tz3 timestamptz(3), j json, jb jsonb, "
            + "u uuid, by bytea)";
    private static final List<String> NAMES = List.of("id", "i2", "i8", "n", "n2", "b", "t", "c", "v", "d", "ts", "tz",
            "tz3", "j", "jb", "u", "by");
    private static final String CSV = "id,i2,i8,n,n2,b,t,c,v,d,ts,tz,tz3,j,jb,u,by\n"
            + "1,-32768,-9223372036854775808,12345678901234567890.123456789012345678901234567890,1234.56,t,"
            + "\"é日本🔑 \"\"q\"\"\tx\",ab,é日本🔑,2024-02-29,2024-01-02T03:04:05.123456,2024-01-02T03:04:05.123456+05:30,"
            + "2024-01-02 03:04:05.123456Z,\"{\"\"a\"\": [1, 2.50]}\",\"{\"\"b\"\": null}\","
            + "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11,\\x00ff5c\n"
            + "2,0,0,-0.00010,1.005,false,\"\",\"\",\"\",0001-01-01,1999-12-31 23:59:59.999999,2000-01-01 00:00:00-01:30,"
            + "infinity,[],\"\"\"s\"\"\",00000000-0000-0000-0000-000000000000,\\x\n"
            + "3,,,NaN,-9999.99,true,,,,-infinity,infinity,-infinity,1969-07-20T20:17:40+0000,null,null,,\n";

    @RegisterExtension
    static final LoadFixture db = new LoadFixture("load_binary");

    /** The reference: PostgreSQL parses the CSV itself. */
    private static void serverCopy(String table, String csv) throws Exception {
        try (Connection c = db.connect()) {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " FROM STDIN (FORMAT csv, HEADER)",
                    new StringReader(csv));
        }
    }

    @Test
    void binaryValuesAreWhatPostgresTextInputMakesOfThem() throws Exception {
        try (TestTable expected = db.table("expected", COLUMNS);
             TestTable actual = db.table("actual", COLUMNS)) {
            serverCopy(expected.name(), CSV);
            LoadResult result = db.loader().load(input(CSV), LoadOptions.of(actual.name(), LoadFormat.CSV));
            assertThat(result.binary()).as("every value has a canonical form").isTrue();
            assertThat(result.rows()).isEqualTo(3);
            assertThat(db.differences(expected.name(), actual.name(), NAMES)).isEmpty();
        }
    }

    @Test
    void aValueWithoutCanonicalFormSwitchesToTextAndLinesStayRight() throws Exception {
        String columns = "(id int, n numeric, tz timestamptz)";
        StringBuilder csv = new StringBuilder("id,n,tz\n");
        for (int i = 1; i <= 40; i++) {
            // row 26 has an exponent and row 33 a timestamp without offset: neither has a binary form here
            String n = i == 26 ? "1.5e3" : i + ".25";
            String tz = i == 33 ? "2024-01-02 03:04:05" : "2024-01-02 03:04:" + String.format("%02d", i) + "+02";
            csv.append(i).append(',').append(n).append(',').append(tz).append('\n');
        }
        try (TestTable expected = db.table("expected", columns);
             TestTable actual = db.table("actual", columns)) {
            serverCopy(expected.name(), csv.toString());
            LoadResult result = db.loader().load(input(csv.toString()), LoadOptions.of(actual.name(), LoadFormat.CSV).withChunkRows(10));
            assertThat(result.binary()).isFalse();
            assertThat(result.rows()).isEqualTo(40);
            assertThat(result.chunks()).as("1-10, 11-20, 21-25 binary, then 26-35, 36-40 text").isEqualTo(5);
            assertThat(db.differences(expected.name(), actual.name(), List.of("id", "n", "tz"))).isEmpty();

            String bad = csv + "41,x,2024-01-01Z\n";
            assertThatThrownBy(() -> db.loader().load(input(bad), LoadOptions.of(actual.name(), LoadFormat.CSV).withChunkRows(10)))
                    .isInstanceOfSatisfying(PgBridgeException.class, e -> assertThat(e.getMessage())
                            .contains(": line 42, column \"n\": invalid input syntax for type numeric: \"x\""));
            String badInBinary = "id,n,tz\n1,1,2024-01-01 00:00:00Z\n2,2,2024-01-01 00:00:00Z\n3,99999999999999999999,x\n";
            try (TestTable narrow = db.table("narrow", "(id int, n numeric(3), tz timestamptz)")) {
                assertThatThrownBy(() -> db.loader().load(input(badInBinary), LoadOptions.of(narrow.name(), LoadFormat.CSV)))
                        .isInstanceOfSatisfying(PgBridgeException.class, e -> assertThat(e.getMessage())
                                .contains(": line 4, column \"n\": numeric field overflow"));
            }
            assertThat(db.differences(expected.name(), actual.name(), List.of("id", "n", "tz"))).isEmpty();
        }
    }
}
