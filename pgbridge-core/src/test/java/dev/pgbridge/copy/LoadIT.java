package dev.pgbridge.copy;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.testing.TestTable;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.pgbridge.copy.LoadFixture.input;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(120)
class LoadIT {
    @RegisterExtension
    static final LoadFixture db = new LoadFixture("load");

    @TempDir
    Path dir;

    private static TestTable orders() {
        TestTable t = db.table("orders", "(id int PRIMARY KEY, amount numeric(10,2) NOT NULL "
                + "CHECK (amount >= 0), note text)");
        db.execute("INSERT INTO " + t.name() + " VALUES (9001, 1.00, 'kept'), (9002, 2.00, NULL)");
        return t;
    }

    /** A CSV of {@code rows} good orders (ids 1..rows) with a header, with {@code lastLine} as the final line. */
    private static String csv(int rows, String lastLine) {
        StringBuilder sb = new StringBuilder("id,amount,note\n");
        for (int i = 1; i <= rows; i++) {
            sb.append(i).append(',').append(i).append(".50,n").append(i).append('\n');
        }
        return sb.append(lastLine).append('\n').toString();
    }

    @Test
    void aBadValueInTheLastChunkFailsTheWholeLoadWithItsLineAndColumnAndTheTableIsAsBefore() throws Exception {
        try (TestTable t = orders()) {
            String before = db.content(t.name());
            assertThatThrownBy(() -> db.loader().load(input(csv(100, "101,abc,last")), LoadOptions.of(t.name(), LoadFormat.CSV).withChunkRows(10)))
                    .isInstanceOfSatisfying(PgBridgeException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_DATA);
                        assertThat(e.getMessage()).isEqualTo("cannot load input into \"public\".\"" + t.name() + "\": line 102, "
                                + "column \"amount\": invalid input syntax for type numeric: \"abc\" (SQLSTATE 22P02)");
                        assertThat(e.hint()).contains("nothing was loaded").contains("exactly as it was").contains("line 102");
                    });
            assertThat(db.content(t.name())).isEqualTo(before);
        }
    }

    @Test
    void aFailedLoadWithTruncateRestoresTheTruncatedRows() throws Exception {
        try (TestTable t = orders()) {
            String before = db.content(t.name());
            assertThatThrownBy(() -> db.loader().load(input(csv(50, "51,1.00,x,extra field")),
                    LoadOptions.of(t.name(), LoadFormat.CSV).withChunkRows(7).withTruncate(true)))
                    .isInstanceOfSatisfying(PgBridgeException.class, e -> assertThat(e.getMessage())
                            .endsWith(": line 52: 4 fields, but 3 columns are loaded (id, amount, note)"));
            assertThat(db.content(t.name())).isEqualTo(before);

            LoadResult ok = db.loader().load(input(csv(50, "51,1.00,last")), LoadOptions.of(t.name(), LoadFormat.CSV)
                    .withChunkRows(7).withTruncate(true));
            assertThat(ok.rows()).isEqualTo(51);
            assertThat(ok.chunks()).isEqualTo(8);
            assertThat(db.query("SELECT count(*) || ' ' || min(id) || ' ' || max(id) FROM " + t.name())).isEqualTo("51 1 51");
        }
    }

    @Test
    void aJsonValueOfTheWrongKindInTheLastChunkIsCaughtBeforeSendingAndNamesLineAndColumn() throws Exception {
        try (TestTable t = orders()) {
            String before = db.content(t.name());
            StringBuilder jsonl = new StringBuilder();
            for (int i = 1; i <= 30; i++) {
                jsonl.append("{\"id\": ").append(i).append(", \"amount\": ").append(i).append(".25, \"note\": \"é\"}\n");
            }
            jsonl.append("{\"id\": 31, \"amount\": {\"oops\": 1}, \"note\": null}\n");
            assertThatThrownBy(() -> db.loader().load(input(jsonl.toString()), LoadOptions.of(t.name(), LoadFormat.JSONL).withChunkRows(4)))
                    .isInstanceOfSatisfying(PgBridgeException.class, e -> assertThat(e.getMessage()).endsWith(
                            ": line 31, column \"amount\": an object cannot be loaded into a column of type numeric(10,2) "
                                    + "(numbers take a JSON number, or \"NaN\", \"Infinity\", \"-Infinity\")"));
            assertThat(db.content(t.name())).isEqualTo(before);
        }
    }

    @Test
    void constraintViolationsAreMappedToTheInputLine() throws Exception {
        try (TestTable t = orders()) {
            String before = db.content(t.name());
            // the duplicate key is on line 42, in the fifth chunk of ten rows
            String duplicate = csv(40, "7,1.00,again");
            assertThatThrownBy(() -> db.loader().load(input(duplicate), LoadOptions.of(t.name(), LoadFormat.CSV).withChunkRows(10)))
                    .isInstanceOfSatisfying(PgBridgeException.class, e -> assertThat(e.getMessage())
                            .contains(": line 42: duplicate key value violates unique constraint").contains("23505"));
            String nullAmount = csv(3, "4,,no amount");
            assertThatThrownBy(() -> db.loader().load(input(nullAmount), LoadOptions.of(t.name(), LoadFormat.CSV)))
                    .isInstanceOfSatisfying(PgBridgeException.class, e -> assertThat(e.getMessage())
                            .contains(": line 5, column \"amount\": null value in column \"amount\"").contains("23502"));
            String negative = csv(12, "13,-1.00,negative");
            assertThatThrownBy(() -> db.loader().load(input(negative), LoadOptions.of(t.name(), LoadFormat.CSV).withChunkRows(5)))
                    .isInstanceOfSatisfying(PgBridgeException.class, e -> assertThat(e.getMessage())
                            .contains(": line 14: new row for relation").contains("check constraint").contains("23514"));
            assertThat(db.content(t.name())).isEqualTo(before);
        }
    }

    @Test
    void malformedInputNamesTheLine() throws Exception {
        try (TestTable t = orders()) {
            assertThatThrownBy(() -> db.loader().load(input("id,amount,note\n1,1,\"open\n2,2,x\n"), LoadOptions.of(t.name(), LoadFormat.CSV)))
                    .isInstanceOfSatisfying(PgBridgeException.class, e -> assertThat(e.getMessage())
                            .endsWith(": line 2, column \"note\": the quoted field that starts on line 2 is never closed: "
                                    + "the input ends inside it"));
            assertThatThrownBy(() -> db.loader().load(input("{\"id\": 1, \"amount\": 1}\n{\"id\": 2, \"amount\": }\n"),
                    LoadOptions.of(t.name(), LoadFormat.JSONL)))
                    .isInstanceOfSatisfying(PgBridgeException.class, e -> assertThat(e.getMessage())
                            .contains(": line 2").contains("invalid JSON"));
            assertThatThrownBy(() -> db.loader().load(input("{\"id\": 1, \"amount\": 1}\n{\"id\": 2, \"amount\": 2, \"colour\": \"red\"}\n"),
                    LoadOptions.of(t.name(), LoadFormat.JSONL)))
                    .isInstanceOfSatisfying(PgBridgeException.class, e -> assertThat(e.getMessage())
                            .contains(": line 2, column \"colour\": the key \"colour\" is not one of the columns being loaded (id, amount"));
            assertThatThrownBy(() -> db.loader().load(input("{\"id\": 1, \"amount\": 1} {\"id\": 2, \"amount\": 2}\n"),
                    LoadOptions.of(t.name(), LoadFormat.JSONL)))
                    .isInstanceOfSatisfying(PgBridgeException.class, e -> assertThat(e.getMessage())
                            .contains(": line 1: a second JSON value on this line"));
            assertThatThrownBy(() -> db.loader().load(input("id,Amount\n1,2\n"), LoadOptions.of(t.name(), LoadFormat.CSV)))
                    .isInstanceOfSatisfying(PgBridgeException.class, e -> {
                        assertThat(e.getMessage()).isEqualTo("column \"Amount\" is not in table \"public\".\"" + t.name() + "\"");
                        assertThat(e.hint()).contains("id, amount, note").contains("did you mean \"amount\"?");
                    });
            assertThat(db.query("SELECT count(*) FROM " + t.name())).isEqualTo("2");
        }
    }

    @Test
    void columnsMapHeaderlessFieldsAndPickJsonKeys() throws Exception {
        try (TestTable t = db.table("cols", "(id int, note text, extra text DEFAULT 'd')")) {
            db.loader().load(input("x,1\n\"\",2\n"), LoadOptions.of(t.name(), LoadFormat.CSV).withHeader(false)
                    .withColumns(List.of("note", "id")));
            db.loader().load(input("{\"id\": 3, \"ignored\": [1], \"note\": \"j\"}\n{\"id\": 4}\n"),
                    LoadOptions.of(t.name(), LoadFormat.JSONL).withColumns(List.of("id", "note")));
            assertThat(db.content(t.name())).isEqualTo("(1,x,d)|(2,\"\",d)|(3,j,d)|(4,,d)");
        }
    }

    @Test
    void upsertMergesOnTheKeyInOneTransaction() throws Exception {
        try (TestTable t = orders()) {
            LoadResult result = db.loader().load(input("id,amount,note\n9002,5.00,changed\n3,3.00,new\n"),
                    LoadOptions.of(t.name(), LoadFormat.CSV).withUpsertKey(List.of("id")));
            assertThat(result.upserted()).isTrue();
            assertThat(result.merged()).isEqualTo(2);
            assertThat(db.content(t.name())).isEqualTo("(3,3.00,new)|(9001,1.00,kept)|(9002,5.00,changed)");

            String before = db.content(t.name());
            assertThatThrownBy(() -> db.loader().load(input("id,amount,note\n1,1,a\n1,2,b\n"),
                    LoadOptions.of(t.name(), LoadFormat.CSV).withUpsertKey(List.of("id"))))
                    .isInstanceOfSatisfying(PgBridgeException.class, e -> assertThat(e.getMessage())
                            .contains("the input has two rows with the same key (id)"));
            assertThatThrownBy(() -> db.loader().load(input("id,amount,note\n1,1,a\n"),
                    LoadOptions.of(t.name(), LoadFormat.CSV).withUpsertKey(List.of("note"))))
                    .isInstanceOfSatisfying(PgBridgeException.class, e -> {
                        assertThat(e.getMessage()).contains("no primary key or unique constraint has exactly these columns");
                        assertThat(e.hint()).isEqualTo("its keys are (id) (the primary key); give all the columns of one of them with --upsert-key");
                    });
            // the staging table checks NOT NULL and CHECK during COPY, where the line is known
            assertThatThrownBy(() -> db.loader().load(input("id,amount,note\n1,1,a\n2,-5,b\n"),
                    LoadOptions.of(t.name(), LoadFormat.CSV).withUpsertKey(List.of("id"))))
                    .isInstanceOfSatisfying(PgBridgeException.class, e -> assertThat(e.getMessage())
                            .contains(": line 3: new row for relation").contains("check constraint"));
            assertThat(db.content(t.name())).isEqualTo(before);
        }
    }

    @Test
    void createInfersTheTableFromCsvAndSaysWhatItCreated() throws Exception {
        String name = TestingPostgres.uniqueName("created");
        try {
            Path file = dir.resolve("new.csv");
            Files.writeString(file, "id,price,paid,day,at,payload,Label\n"
                    + "1,1.50,t,2024-01-02,2024-01-02 03:04:05+00,\"{\"\"a\"\": 1}\",007\n"
                    + "2,,false,2024-01-03,2024-01-03T00:00:00Z,[1],\n");
            LoadResult result = db.loader().load(LoadInput.file(file), LoadOptions.of(name, LoadFormat.CSV).withCreate(true));
            assertThat(result.createdTable()).isEqualTo("CREATE TABLE \"public\".\"" + name + "\" (\n"
                    + "    \"id\" bigint,\n    \"price\" numeric,\n    \"paid\" boolean,\n    \"day\" date,\n"
                    + "    \"at\" timestamptz,\n    \"payload\" jsonb,\n    \"Label\" text\n)");
            assertThat(result.rows()).isEqualTo(2);
            assertThat(db.content(name)).isEqualTo("(1,1.50,t,2024-01-02,\"2024-01-02 03:04:05+00\",\"{\"\"a\"\": 1}\",007)|"
                    + "(2,,f,2024-01-03,\"2024-01-03 00:00:00+00\",[1],)");
        }
        finally {
            drop(name);
        }
    }

    @Test
    void createFromAStreamSpoolsItAndUsesEveryKeyOfEveryLine() throws Exception {
        String name = "\"Created " + TestingPostgres.uniqueName("json") + "\"";
        String bare = name.substring(1, name.length() - 1);
        try {
            LoadResult result = db.loader().load(input("{\"id\": 1, \"tags\": [\"a\"]}\n{\"id\": 2, \"when\": \"2024-01-02\", \"n\": 1.5}\n"),
                    LoadOptions.of(name, LoadFormat.JSONL).withCreate(true));
            assertThat(result.createdTable()).isEqualTo("CREATE TABLE \"public\"." + name + " (\n"
                    + "    \"id\" bigint,\n    \"tags\" jsonb,\n    \"when\" date,\n    \"n\" numeric\n)");
            assertThat(db.content(name)).isEqualTo("(1,\"[\"\"a\"\"]\",,)|(2,,2024-01-02,1.5)");
            assertThat(bare).startsWith("Created ");
        }
        finally {
            drop(name);
        }
    }

    @Test
    void createWithAnUpsertKeyMakesItThePrimaryKeyAndMergesOnIt() throws Exception {
        String name = TestingPostgres.uniqueName("keyed");
        try {
            LoadResult first = db.loader().load(input("code,qty\nA,1\nB,2\n"), LoadOptions.of(name, LoadFormat.CSV).withCreate(true)
                    .withUpsertKey(List.of("code")));
            assertThat(first.createdTable()).isEqualTo("CREATE TABLE \"public\".\"" + name + "\" (\n"
                    + "    \"code\" text NOT NULL,\n    \"qty\" bigint,\n    PRIMARY KEY (\"code\")\n)");
            LoadResult second = db.loader().load(input("code,qty\nB,20\nC,3\n"), LoadOptions.of(name, LoadFormat.CSV).withCreate(true)
                    .withUpsertKey(List.of("code")));
            assertThat(second.created()).as("the table exists now").isFalse();
            assertThat(second.merged()).isEqualTo(2);
            assertThat(db.content(name)).isEqualTo("(A,1)|(B,20)|(C,3)");
            assertThatThrownBy(() -> db.loader().load(input("code,qty\nA,1\n"), LoadOptions.of(name + "_other", LoadFormat.CSV)
                    .withCreate(true).withUpsertKey(List.of("Code"))))
                    .isInstanceOfSatisfying(PgBridgeException.class, e -> {
                        assertThat(e.getMessage()).contains("upsert key column \"Code\" is not among the columns of the input");
                        assertThat(e.hint()).contains("did you mean \"code\"?");
                    });
        }
        finally {
            drop(name);
        }
    }

    @Test
    void aFailedCreateLeavesNoTable() throws Exception {
        String name = TestingPostgres.uniqueName("never");
        assertThatThrownBy(() -> db.loader().load(input("id,n\n1,2\n2,x\"y\n"), LoadOptions.of(name, LoadFormat.CSV).withCreate(true)))
                .isInstanceOfSatisfying(PgBridgeException.class, e -> {
                    assertThat(e.getMessage()).contains(": line 3, column \"n\": a double quote inside an unquoted field");
                    assertThat(e.hint()).contains("the table was not created");
                });
        assertThat(db.query("SELECT to_regclass('" + name + "')::text")).isNull();
    }

    @Test
    void mixedCaseNamesAreTakenAsPostgresTakesThem() throws Exception {
        String schema = "Sales " + TestingPostgres.uniqueName("s");
        String quotedSchema = "\"" + schema + "\"";
        db.execute("CREATE SCHEMA " + quotedSchema);
        try {
            db.execute("CREATE TABLE " + quotedSchema + ".\"Orders\" (\"OrderId\" int PRIMARY KEY, \"Note\" text)");
            LoadResult result = db.loader().load(input("OrderId,Note\n1,Ä\n"), LoadOptions.of(quotedSchema + ".\"Orders\"", LoadFormat.CSV));
            assertThat(result.table()).isEqualTo(quotedSchema + ".\"Orders\"");
            assertThat(db.content(quotedSchema + ".\"Orders\"")).isEqualTo("(1,Ä)");

            assertThatThrownBy(() -> db.loader().load(input("OrderId,Note\n2,x\n"), LoadOptions.of(quotedSchema + ".Orders", LoadFormat.CSV)))
                    .isInstanceOfSatisfying(PgBridgeException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                        assertThat(e.hint()).contains("did you mean " + quotedSchema + ".\"Orders\"?");
                    });

            LoadResult created = db.loader().load(input("{\"Key\": 1}\n"), LoadOptions.of(quotedSchema + ".\"New Orders\"", LoadFormat.JSONL)
                    .withCreate(true));
            assertThat(created.createdTable()).startsWith("CREATE TABLE " + quotedSchema + ".\"New Orders\" (\n    \"Key\" bigint");
            assertThat(db.content(quotedSchema + ".\"New Orders\"")).isEqualTo("(1)");
        }
        finally {
            db.execute("DROP SCHEMA " + quotedSchema + " CASCADE");
        }
    }

    @Test
    void aMissingFileIsAnIoError() {
        assertThatThrownBy(() -> db.loader().load(LoadInput.file(dir.resolve("nope.csv")), LoadOptions.of("pg_class", LoadFormat.CSV)))
                .isInstanceOfSatisfying(PgBridgeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.IO);
                    assertThat(e.getMessage()).contains("nope.csv").contains("no such file");
                });
    }

    /** Drops a table the test creates through the loader (the name as SQL: quoted or not). */
    private static void drop(String sqlName) {
        db.execute("DROP TABLE IF EXISTS " + sqlName);
    }
}
