package dev.pgbridge.connection;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AirflowJsonTest {
    private static final String PASSWORD = "p@ss:w/rd?#%&=+ é日本🔑";

    @Test
    void buildWritesAsJsonByteForByte() {
        ConnectionConfig c = ConnectionConfig.builder().connType("postgres").description("Sample")
                .host("db.example.com").login("user").password(PASSWORD).database("app").port(5432)
                .extra("{\"sslmode\": \"require\", \"connect_timeout\": 10}").build();
        assertThat(AirflowJson.build(c)).isEqualTo("{\"conn_type\": \"postgres\", \"description\": \"Sample\", "
                + "\"host\": \"db.example.com\", \"login\": \"user\", \"password\": \"p@ss:w/rd?#%&=+ "
                + "\\u00e9\\u65e5\\u672c\\ud83d\\udd11\", \"schema\": \"app\", \"port\": 5432, "
                + "\"extra\": {\"sslmode\": \"require\", \"connect_timeout\": 10}}");
    }

    @Test
    void everyFieldRoundTrips() {
        ConnectionConfig c = ConnectionConfig.builder().connType("postgres").description("d").host("/var/run/pg")
                .login("").password(PASSWORD).database("my db").port(6432)
                .extra("{\"options\": \"-c search_path=x\", \"nested\": {\"a\": [1, 2.5, null]}}").build();
        assertThat(AirflowJson.parse(AirflowJson.build(c))).isEqualTo(c);
    }

    @Test
    void multiHostWithDifferentPortsCarriesThePortsInExtra() {
        ConnectionConfig c = ConnectionConfig.builder().host("h1,h2").port("5432,5433").build();
        String json = AirflowJson.build(c);
        assertThat(json).isEqualTo("{\"conn_type\": \"postgres\", \"host\": \"h1,h2\", \"extra\": {\"port\": \"5432,5433\"}}");
        assertThat(AirflowJson.parse(json).extraValue("port")).isEqualTo("5432,5433");
    }

    @Test
    void parseAcceptsAirflowShapes() {
        ConnectionConfig c = AirflowJson.parse("{\"conn_type\": \"postgresql\", \"host\": \"h\", \"port\": \" 5_432 \", "
                + "\"schema\": \"db\", \"password\": \"\", \"extra\": \"{\\\"a\\\": 1}\"}");
        assertThat(c.connType()).isEqualTo("postgres");
        assertThat(c.port()).isEqualTo("5432");
        assertThat(c.database()).isEqualTo("db");
        assertThat(c.password()).isNull();
        assertThat(c.extra()).isEqualTo("{\"a\": 1}");
    }

    @Test
    void databaseIsAcceptedForSchemaAndConnIdSetsTheId() {
        ConnectionConfig c = AirflowJson.parse("{\"database\": \"db\", \"conn_id\": \"PG_Target\"}");
        assertThat(c.database()).isEqualTo("db");
        assertThat(c.connId()).isEqualTo("pg_target");
        assertThat(c.connType()).isNull();
    }

    @Test
    void uriKeyIsParsedAsAnAirflowUri() {
        ConnectionConfig c = AirflowJson.parse("{\"uri\": \"postgresql://u:p%40ss@h:5/db\", \"description\": \"x\"}");
        assertThat(c.password().reveal()).isEqualTo("p@ss");
        assertThat(c.description()).isEqualTo("x");
        assertThatThrownBy(() -> AirflowJson.parse("{\"uri\": \"postgresql://h\", \"host\": \"other\"}"))
                .isInstanceOf(PgBridgeException.class).hasMessageContaining("both \"uri\" and \"host\"");
    }

    @Test
    void falsyPortAndExtraAreAbsent() {
        ConnectionConfig c = AirflowJson.parse("{\"port\": 0, \"extra\": {}}");
        assertThat(c.port()).isNull();
        assertThat(c.extra()).isNull();
        assertThat(AirflowJson.parse("{\"port\": \"0\"}").port()).isEqualTo("0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"port\": \"abc\"}", "{\"port\": 70000}", "{\"port\": -1}", "{\"port\": [1]}",
            "{\"extra\": \"hi\"}", "{\"extra\": [1]}", "{\"extra\": \"[1]\"}", "{\"bogus\": 1}", "[1]", "{",
            "{\"host\": 5}", "{\"schema\": \"a\", \"database\": \"b\"}", "{\"conn_id\": \"bad id!\"}"})
    void invalidObjectsAreRejected(String json) {
        assertThatThrownBy(() -> AirflowJson.parse(json)).isInstanceOfSatisfying(PgBridgeException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_URI));
    }

    @Test
    void emptyConnectionIsAnEmptyObject() {
        assertThat(AirflowJson.build(ConnectionConfig.builder().connType(null).build())).isEqualTo("{}");
    }

    @Test
    void connectionIdIsTheRestApisNameForConnId() {
        assertThat(AirflowJson.parse("{\"connection_id\": \"Pg_Main\", \"host\": \"h\"}").connId()).isEqualTo("pg_main");
        assertThat(AirflowJson.parse("{\"connection_id\": \"a\", \"conn_id\": \"A\"}").connId()).isEqualTo("a");
        assertThatThrownBy(() -> AirflowJson.parse("{\"connection_id\": \"a\", \"conn_id\": \"b\"}"))
                .isInstanceOf(PgBridgeException.class).hasMessageContaining("\"conn_id\" and \"connection_id\" differ");
    }
}
