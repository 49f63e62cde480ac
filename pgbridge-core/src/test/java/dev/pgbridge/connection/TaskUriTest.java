package dev.pgbridge.connection;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskUriTest {
    private static final String PASSWORD = "p@ss:w/rd?#%&=+ é日本🔑";

    @Test
    void encodesEveryByteOutsideTheUnreservedSet() {
        ConnectionConfig c = ConnectionConfig.builder().login("user").password(PASSWORD).host("db.example.com")
                .port(5432).database("app").extra(Map.of("sslmode", "require")).build();
        TaskUri.Result result = TaskUri.build(c);
        assertThat(result.uri()).isEqualTo("postgresql://user:p%40ss%3Aw%2Frd%3F%23%25%26%3D%2B%20%C3%A9%E6%97%A5"
                + "%E6%9C%AC%F0%9F%94%91@db.example.com:5432/app?sslmode=require");
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void sslmodeAppearsOnlyWhenSet() {
        ConnectionConfig c = ConnectionConfig.builder().host("h").database("db").build();
        assertThat(TaskUri.build(c).uri()).isEqualTo("postgresql://h/db");
    }

    @Test
    void extrasThatAreNotLibpqKeywordsAreLeftOutWithAWarning() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("search_path", "app");
        extra.put("connect_timeout", 10);
        extra.put("keepalives", true);
        extra.put("options", "-c statement_timeout=5min");
        extra.put("password", "ignored");
        extra.put("nested", Map.of("a", 1));
        ConnectionConfig c = ConnectionConfig.builder().host("h").extra(extra).build();
        TaskUri.Result result = TaskUri.build(c);
        assertThat(result.uri()).isEqualTo(
                "postgresql://h?connect_timeout=10&keepalives=1&options=-c%20statement_timeout%3D5min");
        assertThat(result.warnings()).hasSize(3);
        assertThat(result.warnings().get(0)).contains("\"search_path\"", "not a libpq keyword", "--json");
        assertThat(result.warnings().get(1)).contains("\"password\"");
        assertThat(result.warnings().get(2)).contains("\"nested\"", "--json");
    }

    @Test
    void resultToStringMasksThePassword() {
        ConnectionConfig c = ConnectionConfig.builder().login("u").password(PASSWORD).host("h").build();
        TaskUri.Result result = TaskUri.build(c);
        assertThat(result.toString()).doesNotContain(PASSWORD).doesNotContain(PercentCoding.encodeAll(PASSWORD))
                .contains("****");
    }

    @Test
    void nulCannotBeCarried() {
        ConnectionConfig c = ConnectionConfig.builder().login("u").password("sec\0ret-value").host("h").build();
        assertThatThrownBy(() -> TaskUri.build(c)).isInstanceOfSatisfying(PgBridgeException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
            assertThat(e.getMessage()).contains("password").doesNotContain("sec").doesNotContain("ret-value");
        });
    }

    @Test
    void differentPortsPerHostGoToTheQuery() {
        ConnectionConfig c = ConnectionConfig.builder().host("h1,h2").port("5432,5433").database("db").build();
        TaskUri.Result result = TaskUri.build(c);
        assertThat(result.uri()).isEqualTo("postgresql://h1%2Ch2/db?port=5432%2C5433");
        assertThat(result.warnings()).singleElement().asString().contains("different ports");
        ConnectionConfig libpq = LibpqConnectionString.parse(result.uri());
        assertThat(libpq.host()).isEqualTo("h1,h2");
        assertThat(libpq.port()).isEqualTo("5432,5433");
        ConnectionConfig airflow = AirflowUri.parse(result.uri());
        assertThat(airflow.host()).isEqualTo("h1,h2");
        assertThat(airflow.port()).isNull();
        assertThat(airflow.extraValue("port")).isEqualTo("5432,5433");
    }

    /**
     * Property: for every password (tricky ones and 600 random ones), login, host, database and extra below, the
     * task URI has only unreserved characters and delimiters, and Airflow and libpq read the same fields from it.
     */
    @Test
    void airflowAndLibpqReadTheSameFieldsForEveryPassword() {
        List<String> passwords = new ArrayList<>(Arrays.asList(PASSWORD, null, "", " ", "%", "%25", "%zz", "+", "a+b",
                "=", "&", "?", "#", "/", "@", ":", "[::1]", "\\", "'", "\"", "\t", "\n", "\r\n", "\u00a0", "\u2028",
                "\u0085", "\u001d", "💥🔑", "e\u0301", "ÄÖÜß", "x://y", "a://b://c", "__extra__", "%2F", "../..", ",",
                ";", "~-._", "日本語のパスワード", "null", "true", "123", "{\"a\": 1}", "p".repeat(300),
                "user:pass@host:5432/db?sslmode=disable"));
        Random random = new Random(20240611L);
        String pool = "abcXYZ019 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\t\u00e9\u00df\u65e5\u672c\u00a0\u2028";
        for (int i = 0; i < 600; i++) {
            StringBuilder sb = new StringBuilder();
            int length = random.nextInt(25);
            for (int j = 0; j < length; j++) {
                if (random.nextInt(20) == 0) {
                    sb.appendCodePoint(0x1F300 + random.nextInt(0x200)); // emoji: a surrogate pair
                }
                else {
                    sb.append(pool.charAt(random.nextInt(pool.length())));
                }
            }
            passwords.add(sb.toString());
        }
        List<String[]> hosts = List.of(
                new String[] {null, null}, new String[] {"", null}, new String[] {"db.example.com", "5432"},
                new String[] {"DB.Example.COM", "6432"}, new String[] {"127.0.0.1", "1"},
                new String[] {"::1", "5432"}, new String[] {"fe80::1%eth0", null}, new String[] {"2001:db8::1", "5433"},
                new String[] {"/var/run/postgresql", "5432"}, new String[] {"/tmp/My Dir:x@y", null},
                new String[] {"h1,h2", "5432,5432"}, new String[] {"h1,H2", "5432,5433"},
                new String[] {"/tmp,DB.example.com", "5432"}, new String[] {"münchen.example", null},
                new String[] {null, "5432"});
        List<String> logins = Arrays.asList(null, "", "user", "dom\\user", "u@x:y", "Ünï", "a b", "postgres");
        List<String> databases = Arrays.asList(null, "", "db", "my db/x?y#z", "日本", "Db", "%");
        int checked = 0;
        for (int i = 0; i < passwords.size(); i++) {
            String[] host = hosts.get(i % hosts.size());
            Map<String, Object> extra = new LinkedHashMap<>();
            switch (i % 4) {
                case 1 -> extra.put("sslmode", "require");
                case 2 -> {
                    extra.put("application_name", passwords.get((i + 7) % passwords.size()));
                    extra.put("connect_timeout", 10);
                    extra.put("search_path", "x");
                }
                case 3 -> extra.put("options", "-c search_path=a,b");
                default -> { }
            }
            ConnectionConfig c = ConnectionConfig.builder()
                    .login(logins.get(i % logins.size()))
                    .password(passwords.get(i))
                    .host(host[0])
                    .port(host[1])
                    .database(databases.get(i % databases.size()))
                    .extra(extra.isEmpty() ? null : PythonJson.dumps(extra))
                    .build();
            assertReadTheSame(c);
            checked++;
        }
        assertThat(checked).isEqualTo(passwords.size()).isGreaterThan(600);
    }

    private static void assertReadTheSame(ConnectionConfig c) {
        TaskUri.Result result = TaskUri.build(c);
        String uri = result.uri();
        String where = "task URI for " + c;
        assertThat(uri).as(where).matches("postgresql://[A-Za-z0-9_.~%:@/?&=,-]*").doesNotContain("+");

        ConnectionConfig libpq = LibpqConnectionString.parse(uri);
        ConnectionConfig airflow = AirflowUri.parse(uri);
        String expectedHost = emptyToNull(c.host());
        if (expectedHost != null && !expectedHost.contains("/")) {
            expectedHost = expectedHost.toLowerCase(Locale.ROOT);
        }
        for (ConnectionConfig read : List.of(libpq, airflow)) {
            String reader = (read == libpq ? "libpq" : "Airflow") + " reading " + where;
            assertThat(read.connType()).as(reader).isEqualTo("postgres");
            assertThat(emptyToNull(read.login())).as(reader).isEqualTo(emptyToNull(c.login()));
            assertThat(read.password() == null ? null : read.password().reveal()).as(reader)
                    .isEqualTo(c.password() == null || c.password().isEmpty() ? null : c.password().reveal());
            assertThat(emptyToNull(read.host())).as(reader).isEqualTo(expectedHost);
            assertThat(emptyToNull(read.database())).as(reader).isEqualTo(emptyToNull(c.database()));
        }

        String perHostPorts = AirflowFields.perHostPorts(c.port());
        String singlePort = c.port() == null || perHostPorts != null ? null : c.port().split(",")[0];
        Map<String, Object> expectedExtra = new LinkedHashMap<>();
        c.extraMap().forEach((key, value) -> {
            if (LibpqConnectionString.isKeyword(key) && !LibpqConnectionString.FIELD_KEYWORDS.contains(key)) {
                expectedExtra.put(key, TaskUri.scalarText(value));
            }
        });
        assertThat(libpq.port()).as(where).isEqualTo(perHostPorts != null ? perHostPorts : singlePort);
        assertThat(libpq.extraMap()).as(where).isEqualTo(expectedExtra);

        // Airflow reads JSON-looking query values as JSON, and per-host ports as extra "port"
        Map<String, Object> airflowExtra = new LinkedHashMap<>();
        expectedExtra.forEach((key, value) -> airflowExtra.put(key, PythonJson.loadsOrKeep((String) value)));
        if (perHostPorts != null) {
            airflowExtra.put("port", perHostPorts);
        }
        assertThat(airflow.port()).as(where).isEqualTo(singlePort);
        assertThat(airflow.extra() == null ? Map.of() : PythonJson.objectOrNull(airflow.extra())).as(where)
                .isEqualTo(airflowExtra);
        assertThat(result.warnings()).as(where).hasSize((c.extraMap().containsKey("search_path") ? 1 : 0)
                + (perHostPorts != null ? 1 : 0));
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
