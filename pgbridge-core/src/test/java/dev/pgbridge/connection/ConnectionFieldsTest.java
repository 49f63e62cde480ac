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
}
