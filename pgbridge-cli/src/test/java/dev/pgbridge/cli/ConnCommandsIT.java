package dev.pgbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(300)
class ConnCommandsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "p@ss:w/rd?#%&=+ é日本🔑";

    @TempDir
    Path home;

    @Test
    void addListShowEditDeleteKeepThePasswordWriteOnly() throws Exception {
        Cli cli = new Cli(home);
        Cli.Result add = cli.runWithInput(PASSWORD + "\n", "conn", "add", "Warehouse", "--host", "db.example.com",
                "--port", "6432", "--database", "analytics", "--login", "etl", "--sslmode", "require", "--password-stdin");
        assertThat(add.exitCode()).as(add.toString()).isZero();
        assertThat(add.out()).contains("saved connection warehouse").contains("password set");

        Cli.Result list = cli.run("conn", "list", "--format", "json");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        JsonNode rows = JSON.readTree(list.out());
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("conn_id").asText()).isEqualTo("warehouse");
        assertThat(rows.get(0).get("port").asInt()).isEqualTo(6432);
        assertThat(rows.get(0).get("password").asText()).isEqualTo("set");

        Cli.Result show = cli.run("conn", "show", "warehouse");
        assertThat(show.exitCode()).as(show.toString()).isZero();
        assertThat(show.out()).contains("db.example.com").contains("require").contains("set");
        // pins: show --format csv failed with a NullPointerException when a field (here the description) was null
        Cli.Result csv = cli.run("conn", "show", "warehouse", "--format", "csv");
        assertThat(csv.exitCode()).as(csv.toString()).isZero();
        assertThat(csv.out()).startsWith("conn_id,tenant,conn_type,host,port,database,login,password,extra,description,")
                .contains("warehouse,default,postgres,db.example.com,6432,analytics,etl,set,");

        Cli.Result edit = cli.run("conn", "edit", "warehouse", "--port", "6433");
        assertThat(edit.exitCode()).as(edit.toString()).isZero();
        Cli.Result uri = cli.run("conn", "uri", "warehouse", "--reveal");
        assertThat(uri.exitCode()).as(uri.toString()).isZero();
        assertThat(uri.out().strip()).isEqualTo("postgresql://etl:p%40ss%3Aw%2Frd%3F%23%25%26%3D%2B%20%C3%A9%E6%97%A5%E6%9C%AC%F0%9F%94%91"
                + "@db.example.com:6433/analytics?sslmode=require");

        Cli.Result masked = cli.run("conn", "uri", "warehouse");
        assertThat(masked.out()).contains("etl:****@db.example.com:6433");

        Cli.Result env = cli.run("conn", "env", "warehouse");
        assertThat(env.out()).startsWith("AIRFLOW_CONN_WAREHOUSE='postgresql://etl:****@");

        Cli.Result delete = cli.run("conn", "delete", "warehouse");
        assertThat(delete.exitCode()).isZero();
        assertThat(cli.run("conn", "show", "warehouse").exitCode()).isEqualTo(1);

        // only the output asked for with --reveal carries the password
        assertThat(cli.everythingWritten().replace(uri.out(), "")).doesNotContain(PASSWORD).doesNotContain("p%40ss%3Aw%2Frd");
    }

    @Test
    void tenantsDoNotSeeEachOther() throws Exception {
        Cli cli = new Cli(home);
        assertThat(cli.run("conn", "add", "shared", "--uri", "postgresql://a@h1/db1", "--tenant", "team_a").exitCode()).isZero();
        assertThat(cli.run("conn", "add", "shared", "--uri", "postgresql://b@h2/db2", "--tenant", "team_b").exitCode()).isZero();
        JsonNode a = JSON.readTree(cli.run("conn", "list", "--tenant", "team_a", "--format", "json").out());
        assertThat(a).hasSize(1);
        assertThat(a.get(0).get("host").asText()).isEqualTo("h1");
        assertThat(JSON.readTree(cli.run("conn", "list", "--format", "json").out())).isEmpty();
        assertThat(cli.run("conn", "show", "shared").exitCode()).isEqualTo(1);
        assertThat(cli.run("conn", "delete", "shared", "--tenant", "team_c").exitCode()).isEqualTo(1);
        assertThat(cli.run("conn", "show", "shared", "--tenant", "team_b").out()).contains("h2");
    }

    @Test
    void parsePrintsFieldsAsJsonAndHidesThePasswordUnlessRevealed() throws Exception {
        Cli cli = new Cli(home);
        Cli.Result hidden = cli.run("conn", "parse", "postgresql://u:secret%2Fpw@h:5433/db?sslmode=verify-full", "--format", "json");
        assertThat(hidden.exitCode()).as(hidden.toString()).isZero();
        JsonNode fields = JSON.readTree(hidden.out());
        assertThat(fields.get("conn_type").asText()).isEqualTo("postgres");
        assertThat(fields.get("host").asText()).isEqualTo("h");
        assertThat(fields.get("port").isNumber()).isTrue();
        assertThat(fields.get("port").asInt()).isEqualTo(5433);
        assertThat(fields.get("database").asText()).isEqualTo("db");
        assertThat(fields.get("login").asText()).isEqualTo("u");
        assertThat(fields.get("password").asText()).isEqualTo("****");
        assertThat(fields.get("extra").get("sslmode").asText()).isEqualTo("verify-full");

        Cli.Result revealed = cli.run("conn", "parse", "postgresql://u:secret%2Fpw@h:5433/db", "--format", "json", "--reveal");
        assertThat(JSON.readTree(revealed.out()).get("password").asText()).isEqualTo("secret/pw");

        Cli.Result libpq = cli.run("conn", "parse", "--dialect", "libpq", "postgresql://h1:5432,h2:5433/db?user=u&application_name=x", "--format", "json");
        assertThat(libpq.exitCode()).as(libpq.toString()).isZero();
        JsonNode multi = JSON.readTree(libpq.out());
        assertThat(multi.get("host").asText()).isEqualTo("h1,h2");
        assertThat(multi.get("port").asText()).isEqualTo("5432,5433");
        assertThat(multi.get("login").asText()).isEqualTo("u");
        assertThat(multi.get("extra").get("application_name").asText()).isEqualTo("x");
        assertThat(Files.exists(home.resolve("pgbridge.db"))).as("parse needs no store").isFalse();
    }

    // bug: conn add --uri 'postgres//u@h:5432/db' (a missing colon) was saved as a connection to host /ostgres//u@h
    @Test
    void malformedConnectionsAreRefusedBeforeTheyAreSaved() throws Exception {
        Cli cli = new Cli(home);
        java.util.Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put("postgres//u:secretpw@h:5432/db", "error: the connection URI has no '://' after its scheme\n"
                + "hint: write it as postgresql://user@host:5432/database (a colon and two slashes after postgresql)\n");
        refused.put("mysql://u:secretpw@h/db", "error: the connection URI's scheme is not postgres or postgresql\n"
                + "hint: pgbridge connections are PostgreSQL connections: write postgresql://user@host:5432/database\n");
        refused.put("postgresql://u:p%zzsecretpw@h/db", "error: the connection URI has a '%' at character 17 that is not "
                + "followed by two hex digits\n");
        refused.put("postgresql://u:secretpw@h:70000/db", "error: invalid Airflow connection URI: the port is out of range 0-65535\n");
        refused.put("postgresql://u:secretpw@h:0/db", "error: the port 0 is out of range\n");
        for (java.util.Map.Entry<String, String> e : refused.entrySet()) {
            Cli.Result r = cli.run("conn", "add", "bad", "--uri", e.getKey());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).as(r.toString()).startsWith(e.getValue()).contains("hint: ").doesNotContain("secretpw")
                    .doesNotContain("Exception");
            assertThat(r.err().lines().filter(l -> l.startsWith("error:"))).hasSize(1);
        }
        assertThat(cli.run("conn", "show", "bad").exitCode()).as("nothing was saved").isEqualTo(1);

        // conn edit and conn import refuse the same before anything changes
        assertThat(cli.run("conn", "add", "good", "--uri", "postgresql://u@good.example.com/db").exitCode()).isZero();
        Cli.Result edit = cli.run("conn", "edit", "good", "--uri", "postgres//u@h:5432/db");
        assertThat(edit.exitCode()).as(edit.toString()).isEqualTo(2);
        Cli.Result port = cli.run("conn", "edit", "good", "--port", "0");
        assertThat(port.exitCode()).as(port.toString()).isEqualTo(2);
        assertThat(JSON.readTree(cli.run("conn", "show", "good", "--format", "json").out()).get("host").asText())
                .isEqualTo("good.example.com");
        Path env = home.resolve("connections.env");
        Files.writeString(env, "fine=postgresql://h/db\nmissing_colon=postgres//u@h/db\nother=mysql://u@h/db\n");
        Cli.Result imported = cli.run("conn", "import", env.toString());
        assertThat(imported.exitCode()).as(imported.toString()).isEqualTo(2);
        assertThat(imported.err()).contains("connection 'missing_colon': the connection URI has no '://'")
                .contains("connection 'other': the connection URI's scheme is not postgres");
        assertThat(cli.run("conn", "show", "fine").exitCode()).as("an import with a problem saves nothing").isEqualTo(1);

        // saved without a password: said so, with the command that adds one
        Cli.Result noPassword = cli.run("conn", "add", "nopw", "--host", "h", "--database", "db");
        assertThat(noPassword.exitCode()).as(noPassword.toString()).isZero();
        assertThat(noPassword.err()).contains("note: connection nopw has no password saved; add one with "
                + "'pgbridge conn edit nopw --prompt-password' (or --password-stdin, --password-env VAR)");
    }

    @Test
    void badInputExitsWithAReasonAndNeverEchoesThePassword() {
        Cli cli = new Cli(home);
        Cli.Result badPort = cli.run("conn", "parse", "postgresql://user:pa/ss#wxyz@host:5432/db");
        assertThat(badPort.exitCode()).isEqualTo(2);
        assertThat(badPort.err()).startsWith("error: ").contains("port").contains("hint:").doesNotContain("pa/").doesNotContain("ss#").doesNotContain("wxyz");

        Cli.Result unknownKeyword = cli.run("conn", "parse", "--dialect", "libpq", "postgresql://h/db?colour=blue");
        assertThat(unknownKeyword.exitCode()).isEqualTo(2);
        assertThat(unknownKeyword.err()).contains("colour");

        Cli.Result badId = cli.run("conn", "add", "bad-id!", "--uri", "postgresql://h/db");
        assertThat(badId.exitCode()).isEqualTo(2);
        assertThat(badId.err()).contains("bad-id!").contains("hint:");

        Cli.Result usage = cli.run("conn", "add");
        assertThat(usage.exitCode()).isEqualTo(2);
        Cli.Result unknownOption = cli.run("conn", "list", "--no-such-option");
        assertThat(unknownOption.exitCode()).isEqualTo(2);
    }

    @Test
    void aPasswordInAUriArgumentIsAcceptedWithAWarning() {
        Cli cli = new Cli(home);
        Cli.Result add = cli.run("conn", "add", "visible", "--uri", "postgresql://u:hunter2pw@h/db");
        assertThat(add.exitCode()).as(add.toString()).isZero();
        assertThat(add.err()).contains("process list").contains("--uri-env");
        Cli.Result viaEnv = cli.env("MY_URI", "postgresql://u:hunter2pw@h/db").run("conn", "add", "hidden", "--uri-env", "MY_URI");
        assertThat(viaEnv.exitCode()).as(viaEnv.toString()).isZero();
        assertThat(viaEnv.err()).doesNotContain("process list");
    }

    @Test
    void theStoreCanLiveInAPostgresDatabase() throws Exception {
        dev.pgbridge.testing.TestingPostgres server = dev.pgbridge.testing.TestingPostgres.get();
        String storePassword = "st0re pw/é";
        try (dev.pgbridge.testing.TestRole role = server.createRole(dev.pgbridge.testing.TestingPostgres.uniqueName("pgb_store"), storePassword);
             dev.pgbridge.testing.TestDatabase db = server.createDatabase(dev.pgbridge.testing.TestingPostgres.uniqueName("pgb_store"), role.name())) {
            String url = "postgresql://" + role.name() + ":" + java.net.URLEncoder.encode(storePassword, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20")
                    + "@" + server.host() + ":" + server.port() + "/" + db.name() + "?sslmode=disable";
            Cli cli = new Cli(home).env("PGBRIDGE_STORE_URL", url);
            Cli.Result add = cli.runWithInput("pw-of-target", "conn", "add", "in_pg", "--host", "target.example", "--password-stdin");
            assertThat(add.exitCode()).as(add.toString()).isZero();
            assertThat(cli.run("conn", "list").out()).contains("in_pg").contains("target.example");
            assertThat(Files.exists(home.resolve("pgbridge.db"))).as("no SQLite file when the store is on PostgreSQL").isFalse();
            try (java.sql.Connection c = server.connect(db.name()); java.sql.Statement s = c.createStatement();
                 java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM pgbridge.connections WHERE conn_id = 'in_pg'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
            assertThat(cli.everythingWritten()).doesNotContain(storePassword).doesNotContain("pw-of-target");
        }
    }

    @Test
    void importReadsAirflowExportFormats() throws Exception {
        Cli cli = new Cli(home);
        Path json = home.resolve("conns.json");
        Files.writeString(json, """
                {"pg_json": {"conn_type": "postgres", "host": "h1", "schema": "db1", "login": "u1", "password": "p1x", "port": 5432, "extra": "{\\"sslmode\\": \\"require\\"}"}}
                """);
        Path yaml = home.resolve("conns.yaml");
        Files.writeString(yaml, """
                pg_yaml:
                  conn_type: postgres
                  host: h2
                  schema: db2
                  login: u2
                  password: p2x
                  port: 5433
                """);
        Path envFile = home.resolve("conns.env");
        Files.writeString(envFile, "pg_env=postgresql://u3:p3x@h3:5434/db3\n");
        for (Path f : new Path[] {json, yaml, envFile}) {
            Cli.Result r = cli.run("conn", "import", f.toString());
            assertThat(r.exitCode()).as(r.toString()).isZero();
        }
        JsonNode list = JSON.readTree(cli.run("conn", "list", "--format", "json").out());
        assertThat(list).extracting(n -> n.get("conn_id").asText()).containsExactly("pg_env", "pg_json", "pg_yaml");
        assertThat(cli.run("conn", "uri", "pg_yaml", "--reveal").out()).contains("postgresql://u2:p2x@h2:5433/db2");
    }
}
