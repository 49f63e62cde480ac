package dev.pgbridge.connection;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectionImportTest {
    private static final String PASSWORD = "p@ss:w/rd?#%&=+ é日本🔑";

    @TempDir
    Path dir;

    /** The shape of {@code airflow connections export connections.json} (json.dumps(..., indent=2)). */
    @Test
    void readsAirflowJsonExport() throws IOException {
        Path file = write("connections.json", """
                {
                  "pg_target": {
                    "conn_type": "postgres",
                    "description": null,
                    "login": "loader",
                    "password": "p@ss:w/rd?#%&=+ \\u00e9\\u65e5\\u672c\\ud83d\\udd11",
                    "host": "db.example.com",
                    "port": 5432,
                    "schema": "warehouse",
                    "extra": "{\\"sslmode\\": \\"require\\"}"
                  },
                  "Reporting": "postgresql://u:s%40cret@reports.example.com/rep?application_name=x",
                  "plain": {"conn_type": "postgres", "host": "h", "extra_dejson": {"connect_timeout": 5}}
                }
                """);
        List<ConnectionConfig> connections = ConnectionImport.read(file);
        assertThat(connections).extracting(ConnectionConfig::connId).containsExactly("pg_target", "reporting", "plain");
        ConnectionConfig target = connections.get(0);
        assertThat(target.connType()).isEqualTo("postgres");
        assertThat(target.login()).isEqualTo("loader");
        assertThat(target.password().reveal()).isEqualTo(PASSWORD);
        assertThat(target.host()).isEqualTo("db.example.com");
        assertThat(target.port()).isEqualTo("5432");
        assertThat(target.database()).isEqualTo("warehouse");
        assertThat(target.extraValue("sslmode")).isEqualTo("require");
        assertThat(target.description()).isNull();
        ConnectionConfig reporting = connections.get(1);
        assertThat(reporting.password().reveal()).isEqualTo("s@cret");
        assertThat(reporting.database()).isEqualTo("rep");
        assertThat(connections.get(2).extra()).isEqualTo("{\"connect_timeout\": 5}");
    }

    /** An uploaded file (the web UI's import) is read as the same file on disk: format by its name, same problems. */
    @Test
    void readsUploadedBytesAsTheFileOnDisk() throws IOException {
        String yaml = "pg_a:\n  conn_type: postgres\n  host: a.example.com\n  password: \"" + PASSWORD + "\"\n";
        List<ConnectionConfig> fromBytes = ConnectionImport.read("export.yaml", yaml.getBytes(StandardCharsets.UTF_8));
        List<ConnectionConfig> fromFile = ConnectionImport.read(write("export.yaml", yaml));
        assertThat(fromBytes).isEqualTo(fromFile);
        assertThat(fromBytes.get(0).password().reveal()).isEqualTo(PASSWORD);
        assertThatThrownBy(() -> ConnectionImport.read("export.txt", new byte[0]))
                .hasMessage("cannot import export.txt: unsupported file format '.txt'");
        assertThatThrownBy(() -> ConnectionImport.read("export.json", new byte[] {'{', (byte) 0xff, '}'}))
                .hasMessage("cannot import export.json: it is not UTF-8 text");
        assertThatThrownBy(() -> ConnectionImport.read("export.env", "novalue\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessageStartingWith("cannot import export.env: 1 problem(s): line 1: the line should contain at least one '='");
    }

    /** The shape of {@code airflow connections export connections.yaml} (yaml.dump: keys sorted). */
    @Test
    void readsAirflowYamlExport() throws IOException {
        Path file = write("connections.yml", """
                pg_target:
                  conn_type: postgres
                  description: null
                  extra: '{"sslmode": "require"}'
                  host: db.example.com
                  login: loader
                  password: "p@ss:w/rd?#%&=+ \\xE9\\u65E5\\u672C\\U0001F511"
                  port: 5432
                  schema: warehouse
                other: postgres://h:6432/db
                mapped:
                  host: h
                  extra:
                    sslmode: verify-full
                    connect_timeout: 10
                """);
        List<ConnectionConfig> connections = ConnectionImport.read(file);
        assertThat(connections).extracting(ConnectionConfig::connId).containsExactly("pg_target", "other", "mapped");
        assertThat(connections.get(0).password().reveal()).isEqualTo(PASSWORD);
        assertThat(connections.get(0).port()).isEqualTo("5432");
        assertThat(connections.get(1).port()).isEqualTo("6432");
        assertThat(connections.get(2).extra()).isEqualTo("{\"sslmode\": \"verify-full\", \"connect_timeout\": 10}");
        assertThat(connections.get(2).connType()).isNull();
    }

    /** {@code airflow connections export x.env} writes conn_id=uri or, with --serialization-format json, conn_id={json}. */
    @Test
    void readsAirflowEnvExport() throws IOException {
        String uri = AirflowUri.build(ConnectionConfig.builder().connType("postgres").login("loader")
                .password(PASSWORD).host("db.example.com").port(5432).database("warehouse").build());
        Path file = write("connections.env", "# exported\n\n"
                + "pg_target=" + uri + "\n"
                + "json_one={\"conn_type\": \"postgres\", \"description\": null, \"login\": \"u\", \"password\": \"x=y\", "
                + "\"host\": \"h\", \"port\": 5432, \"schema\": \"db\", \"extra\": null}\n"
                + "  # indented comment\r\n");
        List<ConnectionConfig> connections = ConnectionImport.read(file);
        assertThat(connections).extracting(ConnectionConfig::connId).containsExactly("pg_target", "json_one");
        assertThat(connections.get(0).password().reveal()).isEqualTo(PASSWORD);
        assertThat(connections.get(0).database()).isEqualTo("warehouse");
        assertThat(connections.get(1).password().reveal()).isEqualTo("x=y");
        assertThat(connections.get(1).port()).isEqualTo("5432");
    }

    @Test
    void reportsEveryProblemAtOnceWithoutValues() throws IOException {
        Path file = write("broken.env", "good=postgresql://h/db\n"
                + "no equals sign here\n"
                + "=postgresql://h\n"
                + "empty=\n"
                + "good=postgresql://h2/db\n"
                + "bad-id!=postgresql://h\n"
                + "slash=postgresql://u:my-pa/ssword@h/db\n");
        assertThatThrownBy(() -> ConnectionImport.read(file)).isInstanceOfSatisfying(PgBridgeException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_URI);
            assertThat(e.getMessage()).contains("6 problem(s)", "line 2", "line 3", "line 4", "line 5",
                    "connection 'bad-id!'", "connection 'slash'", "the port is not a number");
            assertThat(e.getMessage()).doesNotContain("my-pa/ssword").doesNotContain("no equals sign here");
        });
    }

    @Test
    void idsThatDifferOnlyInCaseClash() throws IOException {
        Path file = write("dup.json", "{\"pg\": \"postgresql://a\", \"PG\": \"postgresql://b\"}");
        assertThatThrownBy(() -> ConnectionImport.read(file)).isInstanceOf(PgBridgeException.class)
                .hasMessageContaining("'PG': its id is the same as 'pg'");
    }

    // Airflow's local-file backend: "Mismatch conn_id"
    @Test
    void connIdInsideAnEntryMustMatchItsKey() throws IOException {
        Path file = write("ids.json", "{\"a\": {\"conn_id\": \"b\", \"host\": \"h\"}, \"c\": {\"conn_id\": \"C\"}}");
        assertThatThrownBy(() -> ConnectionImport.read(file)).isInstanceOf(PgBridgeException.class)
                .hasMessageContaining("1 problem(s)").hasMessageContaining("connection 'a': its conn_id field says 'b'");
    }

    @Test
    void unknownExtensionIsRefused() throws IOException {
        Path file = write("connections.txt", "a=postgresql://h");
        assertThatThrownBy(() -> ConnectionImport.read(file)).isInstanceOfSatisfying(PgBridgeException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
            assertThat(e.getMessage()).contains("'.txt'");
            assertThat(e.hint()).contains(".json", ".yaml", ".yml", ".env");
        });
    }

    @Test
    void emptyAndMalformedFilesAreRefused() throws IOException {
        assertThatThrownBy(() -> ConnectionImport.read(write("empty.json", ""))).hasMessageContaining("empty");
        assertThatThrownBy(() -> ConnectionImport.read(write("list.yaml", "- a\n- b\n")))
                .hasMessageContaining("must hold an object");
        assertThatThrownBy(() -> ConnectionImport.read(write("bad.yaml", "a: [\n")))
                .hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> ConnectionImport.read(write("bad.json", "{\"a\": ")))
                .hasMessageContaining("not JSON");
        assertThat(ConnectionImport.read(write("empty.env", ""))).isEmpty();
        assertThatThrownBy(() -> ConnectionImport.read(dir.resolve("missing.json")))
                .isInstanceOfSatisfying(PgBridgeException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.IO));
    }

    @Test
    void objectEntriesWithUnknownKeysAreRefused() throws IOException {
        Path file = write("keys.json", "{\"a\": {\"host\": \"h\", \"pasword\": \"x\"}}");
        assertThatThrownBy(() -> ConnectionImport.read(file)).hasMessageContaining("unknown key(s) [pasword]");
    }

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void readsTheSameContentFromTextAndAJsonArrayOfRestConnections() {
        List<ConnectionConfig> fromText = ConnectionImport.read("{\"pg_a\": \"postgresql://u@h:5433/db\"}",
                ConnectionExport.Format.JSON, "the request body");
        assertThat(fromText).singleElement().satisfies(c -> {
            assertThat(c.connId()).isEqualTo("pg_a");
            assertThat(c.port()).isEqualTo("5433");
        });
        List<ConnectionConfig> array = ConnectionImport.read("""
                [{"connection_id": "Rest_One", "conn_type": "postgres", "host": "h1", "port": 5432, "extra": null},
                 {"conn_id": "two", "host": "h2", "schema": "db"}]""", ConnectionExport.Format.JSON, "upload");
        assertThat(array).extracting(ConnectionConfig::connId).containsExactly("rest_one", "two");
        assertThat(array.get(1).database()).isEqualTo("db");
        assertThatThrownBy(() -> ConnectionImport.read("[{\"host\": \"h\"}, 3]", ConnectionExport.Format.JSON, "upload"))
                .isInstanceOf(PgBridgeException.class)
                .hasMessageStartingWith("cannot import upload: 2 problem(s): item 1 of the array")
                .hasMessageContaining("item 2 of the array");
        assertThat(ConnectionImport.read("e=postgresql://h/db\n", ConnectionExport.Format.ENV, "x"))
                .extracting(ConnectionConfig::host).containsExactly("h");
    }
}
