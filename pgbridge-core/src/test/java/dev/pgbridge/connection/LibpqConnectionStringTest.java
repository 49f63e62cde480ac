package dev.pgbridge.connection;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** libpq's rules (each expectation was checked against libpq 15's PQconninfoParse while writing it). */
class LibpqConnectionStringTest {
    @Test
    void fullUri() {
        ConnectionConfig c = LibpqConnectionString.parse(
                "postgresql://u%40x:p%2Fss%20w@db.example.com:6432/my%20db?sslmode=verify-full&application_name=a+b");
        assertThat(c.connType()).isEqualTo("postgres");
        assertThat(c.login()).isEqualTo("u@x");
        assertThat(c.password().reveal()).isEqualTo("p/ss w");
        assertThat(c.host()).isEqualTo("db.example.com");
        assertThat(c.port()).isEqualTo("6432");
        assertThat(c.database()).isEqualTo("my db");
        // '+' is a plus for libpq, not a space
        assertThat(c.extraMap()).isEqualTo(Map.of("sslmode", "verify-full", "application_name", "a+b"));
    }

    @Test
    void shortSchemeIsAccepted() {
        assertThat(LibpqConnectionString.parse("postgres://h/db").database()).isEqualTo("db");
    }

    @Test
    void queryKeywordsFillAndOverrideTheFields() {
        ConnectionConfig c = LibpqConnectionString.parse(
                "postgresql://h/db?dbname=other&user=u2&password=secret%21&host=%2Ftmp&port=5433");
        assertThat(c.database()).isEqualTo("other");
        assertThat(c.login()).isEqualTo("u2");
        assertThat(c.password().reveal()).isEqualTo("secret!");
        assertThat(c.host()).isEqualTo("/tmp");
        assertThat(c.port()).isEqualTo("5433");
        assertThat(c.extra()).isNull();
    }

    @Test
    void otherKeywordsGoToExtra() {
        ConnectionConfig c = LibpqConnectionString.parse("postgresql://h/db?hostaddr=10.0.0.1&connect_timeout=5"
                + "&options=-c%20statement_timeout%3D5min&target_session_attrs=read-write");
        assertThat(c.extra()).isEqualTo("{\"hostaddr\": \"10.0.0.1\", \"connect_timeout\": \"5\", "
                + "\"options\": \"-c statement_timeout=5min\", \"target_session_attrs\": \"read-write\"}");
    }

    @Test
    void sslTrueMeansSslmodeRequire() {
        assertThat(LibpqConnectionString.parse("postgresql://h?ssl=true").extraValue("sslmode")).isEqualTo("require");
        assertThatThrownBy(() -> LibpqConnectionString.parse("postgresql://h?ssl=1"))
                .isInstanceOf(PgBridgeException.class).hasMessageContaining("unknown keyword \"ssl\"");
    }

    @Test
    void severalHostsAreCommaJoinedAndMissingPortsFilled() {
        ConnectionConfig c = LibpqConnectionString.parse("postgresql://h1:5432,h2,[::1]:5434/db");
        assertThat(c.host()).isEqualTo("h1,h2,::1");
        assertThat(c.port()).isEqualTo("5432,5432,5434");
        ConnectionConfig noPorts = LibpqConnectionString.parse("postgresql://h1,h2/db");
        assertThat(noPorts.host()).isEqualTo("h1,h2");
        assertThat(noPorts.port()).isNull();
    }

    @Test
    void ipv6HostLosesItsBracketsAndKeepsItsZone() {
        ConnectionConfig c = LibpqConnectionString.parse("postgresql://[fe80::1%25eth0]:5432/db");
        assertThat(c.host()).isEqualTo("fe80::1%eth0");
        assertThat(c.port()).isEqualTo("5432");
    }

    @Test
    void unixSocketDirectories() {
        assertThat(LibpqConnectionString.parse("postgresql://%2Fvar%2Frun%2Fpostgresql/db").host())
                .isEqualTo("/var/run/postgresql");
        assertThat(LibpqConnectionString.parse("postgresql:///db?host=/var/lib/postgresql").host())
                .isEqualTo("/var/lib/postgresql");
        // an empty host is libpq's default socket directory: no host
        ConnectionConfig empty = LibpqConnectionString.parse("postgresql://u@/db");
        assertThat(empty.host()).isNull();
        assertThat(empty.login()).isEqualTo("u");
        assertThat(empty.database()).isEqualTo("db");
    }

    @Test
    void emptyPartsAreAbsent() {
        ConnectionConfig c = LibpqConnectionString.parse("postgresql://");
        assertThat(c.host()).isNull();
        assertThat(c.port()).isNull();
        assertThat(c.database()).isNull();
        assertThat(c.login()).isNull();
        assertThat(c.password()).isNull();
        assertThat(LibpqConnectionString.parse("postgresql://u:@h").password()).isNull();
        assertThat(LibpqConnectionString.parse("postgresql://:p@h").login()).isNull();
    }

    @Test
    void userInfoEndsAtTheFirstAtSignBeforeAnySlash() {
        // libpq takes the first '@', so an unencoded '@' in the password lands in the host
        ConnectionConfig c = LibpqConnectionString.parse("postgresql://u:p@ss@host/db");
        assertThat(c.password().reveal()).isEqualTo("p");
        assertThat(c.host()).isEqualTo("ss@host");
    }

    @Test
    void hashIsPartOfTheDatabaseName() {
        assertThat(LibpqConnectionString.parse("postgresql://h/db#x").database()).isEqualTo("db#x");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "postgresql://h/db?foo=1|unknown keyword \"foo\"",
            "postgresql://h/db?a|query parameter 1 has no '='",
            "postgresql://h/db?sslmode=a=b|query parameter 1 has a second '='",
            "postgresql://h/db?sslmode=require&&|query parameter 2 has no '='",
            "postgresql://h/db?sslmode=%zz|not followed by two hex digits",
            "postgresql://h/d%00b|%00",
            "postgresql://h/db?sslmode=%FF|not valid UTF-8",
            "postgresql://[::1|no ']'",
            "postgresql://[]|is empty",
            "postgresql://[::1]x|unexpected character at position 19",
            "postgresql://h:abc/db|the port is not a number",
            "postgresql://h:0/db|out of range",
            "postgresql://h:70000/db|out of range",
            "postgresql://h1,h2/db?port=1,2,3|3 ports for 2 host(s)",
            "host|is not followed by '='",
            "host=a b|the word at position 8 is not followed by '='",
            "password='open|has no closing quote",
            "bogus=1|unknown keyword \"bogus\" at position 1",
            "SSLMODE=require|did you mean sslmode?"})
    void invalidInputIsRejectedWithTheReason(String text, String reason) {
        assertThatThrownBy(() -> LibpqConnectionString.parse(text))
                .isInstanceOfSatisfying(PgBridgeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_URI);
                    assertThat(e.hint()).isNotBlank();
                })
                .hasMessageContaining(reason);
    }

    @Test
    void keywordValueStrings() {
        ConnectionConfig c = LibpqConnectionString.parse(
                " host = localhost port=5432\tdbname='my db' user=u password='a b\\'c\\\\d' sslmode=require ");
        assertThat(c.host()).isEqualTo("localhost");
        assertThat(c.port()).isEqualTo("5432");
        assertThat(c.database()).isEqualTo("my db");
        assertThat(c.login()).isEqualTo("u");
        assertThat(c.password().reveal()).isEqualTo("a b'c\\d");
        assertThat(c.extraMap()).isEqualTo(Map.of("sslmode", "require"));
    }

    @Test
    void keywordValueQuirksFollowLibpq() {
        // an unquoted value may use \ to escape a space
        assertThat(LibpqConnectionString.parse("dbname=x\\ y").database()).isEqualTo("x y");
        // after '=', blanks are skipped, so the value of host is the next word
        assertThat(LibpqConnectionString.parse("host= port=5").host()).isEqualTo("port=5");
        // the last of a repeated keyword wins
        assertThat(LibpqConnectionString.parse("user=a user=b").login()).isEqualTo("b");
        // ssl=true is a URI-only compatibility rule
        assertThatThrownBy(() -> LibpqConnectionString.parse("ssl=true")).isInstanceOf(PgBridgeException.class);
    }

    @Test
    void unknownKeywordThatLooksLikeAPasswordPieceIsNotShown() {
        assertThatThrownBy(() -> LibpqConnectionString.parse("postgresql://h/db?p%40ss=1"))
                .isInstanceOf(PgBridgeException.class)
                .hasMessageContaining("not shown")
                .message().doesNotContain("p@ss");
    }

    @Test
    void everyLibpqExtraOptionIsALibpqKeyword() {
        for (ExtraOption option : ExtraOption.values()) {
            assertThat(LibpqConnectionString.isKeyword(option.key())).as(option.key()).isEqualTo(option.libpqKeyword());
        }
    }
}
