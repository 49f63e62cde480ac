package dev.pgbridge.connection;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Airflow URI rules beyond the shared vectors (checked against CPython 3.11's urllib while writing them). */
class AirflowUriTest {
    @Test
    void schemeBecomesConnType() {
        assertThat(AirflowUri.parse("postgresql://h/db").connType()).isEqualTo("postgres");
        assertThat(AirflowUri.parse("Postgres://h/db").connType()).isEqualTo("postgres");
        assertThat(AirflowUri.parse("google-cloud-platform://").connType()).isEqualTo("google_cloud_platform");
        assertThat(AirflowUri.parse("POSTGRESQL://h/db").connType()).isEqualTo("postgres");
    }

    @Test
    void hostIsLowerCasedUpToItsFirstPercentSign() {
        assertThat(AirflowUri.parse("postgres://u:p@DB.Example.COM:5432/DB").host()).isEqualTo("db.example.com");
        assertThat(AirflowUri.parse("postgres://u:p@DB.Example.COM:5432/DB").database()).isEqualTo("DB");
        // urllib lower-cases only before the first '%' (IPv6 zone rule); the rest is decoded as it is
        assertThat(AirflowUri.parse("x://My%20Host.EXAMPLE:5").host()).isEqualTo("my Host.EXAMPLE");
        assertThat(AirflowUri.parse("x://[FE80::1%25EtH0]:5/db").host()).isEqualTo("fe80::1%EtH0");
    }

    @Test
    void hostWithSlashKeepsItsCase() {
        ConnectionConfig c = AirflowUri.parse("postgresql://user:pa%2Fss@%2Fvar%2Frun%2FPG:5432/db");
        assertThat(c.host()).isEqualTo("/var/run/PG");
        assertThat(c.password().reveal()).isEqualTo("pa/ss");
        assertThat(c.port()).isEqualTo("5432");
    }

    @Test
    void bracketedIpv6HostLosesItsBrackets() {
        ConnectionConfig c = AirflowUri.parse("postgresql://u@[::1]:5433/db");
        assertThat(c.host()).isEqualTo("::1");
        assertThat(c.port()).isEqualTo("5433");
    }

    @ParameterizedTest
    @ValueSource(strings = {"x://[::1/db", "x://[1.2.3.4]/db", "x://[zz]/db", "x://h℀x/db"})
    void invalidNetlocsAreRejected(String uri) {
        assertThatThrownBy(() -> AirflowUri.parse(uri)).isInstanceOfSatisfying(PgBridgeException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_URI));
    }

    @Test
    void queryPlusIsSpaceAndJsonValuesAreParsed() {
        ConnectionConfig c = AirflowUri.parse("x://h/db?a=1&b=true&c=null&d=%22q%22&e=%5B1%2C2%5D&f=x+y&g=&h=1.50");
        assertThat(c.extra()).isEqualTo(
                "{\"a\": 1, \"b\": true, \"c\": null, \"d\": \"q\", \"e\": [1, 2], \"f\": \"x y\", \"g\": \"\", \"h\": 1.5}");
    }

    @Test
    void repeatedQueryKeyKeepsTheLastValue() {
        assertThat(AirflowUri.parse("x://h?a=1&b=2&a=x").extra()).isEqualTo("{\"a\": \"x\", \"b\": 2}");
    }

    @Test
    void leadingControlCharactersAndTabsAreIgnoredAsUrllibDoes() {
        ConnectionConfig c = AirflowUri.parse("  postgres://u:p@h/d\tb");
        assertThat(c.database()).isEqualTo("db");
        assertThat(c.connType()).isEqualTo("postgres");
    }

    @Test
    void emptyPasswordIsNoPasswordAndEmptyLoginStays() {
        assertThat(AirflowUri.parse("x://u:@h").password()).isNull();
        assertThat(AirflowUri.parse("x://:p@h").login()).isEqualTo("");
        assertThat(AirflowUri.parse("x://h").login()).isNull();
    }

    @Test
    void innerProtocolStaysInTheHost() {
        ConnectionConfig c = AirflowUri.parse("type://protocol://user:pass@host:123/s?param=value");
        assertThat(c.host()).isEqualTo("protocol://host");
        assertThat(c.login()).isEqualTo("user");
        assertThat(c.port()).isEqualTo("123");
        assertThat(AirflowUri.build(c)).isEqualTo("type://protocol://user:pass@host:123/s?param=value");
    }

    // Airflow's test_connection_uri_recovery: a host whose protocol equals the conn_type survives get_uri
    @Test
    void hostWithTheConnTypeAsProtocolRoundTrips() {
        ConnectionConfig http = ConnectionConfig.builder().connType("http").host("http://host").build();
        assertThat(AirflowUri.build(http)).isEqualTo("http://http%3A%2F%2Fhost");
        assertThat(AirflowUri.parse(AirflowUri.build(http)).host()).isEqualTo("http://host");
    }

    @Test
    void moreThanTwoSchemesAreRejected() {
        assertThatThrownBy(() -> AirflowUri.parse("a://b://c://d")).isInstanceOf(PgBridgeException.class)
                .hasMessageContaining("'://' 3 times");
    }

    @Test
    void extraMustBeAJsonObject() {
        assertThatThrownBy(() -> AirflowUri.parse("x://h?__extra__=%5B1%5D")).isInstanceOf(PgBridgeException.class)
                .hasMessageContaining("not an object");
        assertThatThrownBy(() -> AirflowUri.parse("x://h?__extra__=%7Bbad")).isInstanceOf(PgBridgeException.class)
                .hasMessageContaining("not JSON");
        assertThat(AirflowUri.parse("x://h?__extra__=").extra()).isNull();
    }

    @Test
    void portMustBeDigitsFromZeroTo65535() {
        assertThat(AirflowUri.parse("x://h:00080").port()).isEqualTo("80");
        assertThat(AirflowUri.parse("x://h:0").port()).isEqualTo("0");
        assertThat(AirflowUri.parse("x://h:").port()).isNull();
        assertThatThrownBy(() -> AirflowUri.parse("x://h:65536")).isInstanceOf(PgBridgeException.class)
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> AirflowUri.parse("x://h:+5")).isInstanceOf(PgBridgeException.class)
                .hasMessageContaining("the port is not a number");
    }

    @Test
    void buildWritesFlatStringExtrasAsQuery() {
        ConnectionConfig c = ConnectionConfig.builder().connType("postgres").host("db.example.com").port(5432)
                .database("my db").login("u ser").password("p@ss w/rd").extra(Map.of("sslmode", "require")).build();
        assertThat(AirflowUri.build(c))
                .isEqualTo("postgres://u%20ser:p%40ss%20w%2Frd@db.example.com:5432/my%20db?sslmode=require");
    }

    @Test
    void buildWritesNonStringExtrasAsExtraJson() {
        ConnectionConfig c = ConnectionConfig.builder().connType("postgres").host("h")
                .extra("{\"connect_timeout\": 10}").build();
        String uri = AirflowUri.build(c);
        assertThat(uri).isEqualTo("postgres://h/?__extra__=%7B%22connect_timeout%22%3A+10%7D");
        assertThat(AirflowUri.parse(uri).extra()).isEqualTo("{\"connect_timeout\": 10}");
    }

    @Test
    void buildWithOnlyAPortWritesAnEmptyAuthority() {
        assertThat(AirflowUri.build(ConnectionConfig.builder().connType("x").port(1234).build()))
                .isEqualTo("x://@:1234");
        assertThat(AirflowUri.build(ConnectionConfig.builder().connType("x").port(0).host("h").build()))
                .isEqualTo("x://h");
    }

    @Test
    void buildMovesDifferentPerHostPortsIntoExtra() {
        ConnectionConfig c = ConnectionConfig.builder().host("h1,h2").port("5432,5433").database("db").build();
        String uri = AirflowUri.build(c);
        assertThat(uri).isEqualTo("postgres://h1%2Ch2/db?port=5432%2C5433");
        ConnectionConfig back = AirflowUri.parse(uri);
        assertThat(back.host()).isEqualTo("h1,h2");
        assertThat(back.port()).isNull();
        assertThat(back.extraValue("port")).isEqualTo("5432,5433");
        ConnectionConfig same = ConnectionConfig.builder().host("h1,h2").port("5432,5432").build();
        assertThat(AirflowUri.build(same)).isEqualTo("postgres://h1%2Ch2:5432");
    }

    @Test
    void buildRejectsExtraThatIsNotAnObject() {
        ConnectionConfig c = ConnectionConfig.builder().host("h").extra("[1]").build();
        assertThatThrownBy(() -> AirflowUri.build(c)).isInstanceOfSatisfying(PgBridgeException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG));
    }

    @Test
    void emptyUriIsRejected() {
        assertThatThrownBy(() -> AirflowUri.parse("")).isInstanceOf(PgBridgeException.class)
                .hasMessageContaining("empty");
    }
}
