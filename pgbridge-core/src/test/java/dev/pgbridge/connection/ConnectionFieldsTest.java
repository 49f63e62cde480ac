package dev.pgbridge.connection;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionFieldsTest {
    @Test
    void keysInOrderWithTypedValues() {
        ConnectionConfig c = AirflowUri.parse("postgresql://u:p%40ss@h:5432/db?sslmode=require&connect_timeout=10");
        LinkedHashMap<String, Object> map = ConnectionFields.toMap(c, true);
        assertThat(map.keySet()).containsExactly("conn_type", "host", "port", "database", "login", "password", "extra");
        assertThat(map.get("conn_type")).isEqualTo("postgres");
        assertThat(map.get("port")).isEqualTo(5432);
        assertThat(map.get("password")).isEqualTo("p@ss");
        assertThat(map.get("extra")).isEqualTo(Map.of("sslmode", "require", "connect_timeout", 10));
    }

    @Test
    void passwordIsMaskedUnlessRevealedAndNullWhenAbsent() {
        ConnectionConfig withPassword = ConnectionConfig.builder().host("h").password("secret").build();
        assertThat(ConnectionFields.toMap(withPassword, false).get("password")).isEqualTo("****");
        assertThat(ConnectionFields.toMap(withPassword, true).get("password")).isEqualTo("secret");
        ConnectionConfig without = ConnectionConfig.builder().host("h").build();
        assertThat(ConnectionFields.toMap(without, false)).containsEntry("password", null)
                .containsEntry("extra", null).containsEntry("port", null).containsEntry("login", null);
    }

    @Test
    void multiHostPortStaysTextAndNonJsonExtraStaysText() {
        ConnectionConfig c = ConnectionConfig.builder().host("h1,h2").port("5432,5433").extra("not json").build();
        LinkedHashMap<String, Object> map = ConnectionFields.toMap(c, false);
        assertThat(map.get("port")).isEqualTo("5432,5433");
        assertThat(map.get("extra")).isEqualTo("not json");
    }

    @Test
    void airflowRestShapeHasNoPasswordNorSensitiveExtra() {
        ConnectionConfig c = ConnectionConfig.builder().connId("pg_main").host("h").port("5432").database("db")
                .login("u").password("secret").description("d")
                .extra("{\"sslmode\": \"require\", \"sslpassword\": \"keypass\"}").build();
        LinkedHashMap<String, Object> map = ConnectionFields.airflowRest(c);
        assertThat(map.keySet()).containsExactly("connection_id", "conn_type", "description", "host", "login", "schema",
                "port", "extra");
        assertThat(map.get("port")).isEqualTo(5432);
        assertThat(map.get("schema")).isEqualTo("db");
        assertThat(map.get("extra")).isEqualTo("{\"sslmode\": \"require\"}");
        assertThat(map.values()).doesNotContain("secret").noneMatch(v -> String.valueOf(v).contains("keypass"));
        // per-host ports go into extra port, as Airflow's JSON carries them
        ConnectionConfig multi = ConnectionConfig.builder().connId("m").host("h1,h2").port("5432,5433").build();
        assertThat(ConnectionFields.airflowRest(multi)).containsEntry("port", null)
                .containsEntry("extra", "{\"port\": \"5432,5433\"}");
        assertThat(ConnectionFields.airflowRest(ConnectionConfig.builder().connId("e").build()))
                .containsEntry("extra", null).containsEntry("host", null);
    }

    @Test
    void sensitiveExtraKeysAreLeftOutHoweverTheyAreSpelled() {
        for (String extra : new String[] {"{\"SSLPassword\": \"keypass\"}", "{\"\\u0073slpassword\": \"keypass\"}"}) {
            ConnectionConfig c = ConnectionConfig.builder().connId("x").extra(extra).build();
            assertThat(String.valueOf(ConnectionFields.airflowRest(c).get("extra"))).doesNotContain("keypass");
        }
        ConnectionConfig plain = ConnectionConfig.builder().connId("x").extra("{\"sslmode\": \"require\"}").build();
        assertThat(ConnectionExport.withoutSecrets(plain)).isSameAs(plain);
    }
}
