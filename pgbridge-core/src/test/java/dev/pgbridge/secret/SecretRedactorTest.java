package dev.pgbridge.secret;

import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class SecretRedactorTest {
    private static final String PASSWORD = "p@ss:w/rd?#%&=+ é日本🔑";

    @Test
    void masksARegisteredValueInEveryEncoding() {
        SecretRedactor redactor = new SecretRedactor();
        redactor.register(PASSWORD);
        String encoded = SecretRedactor.percentEncodeAll(PASSWORD, false);
        String text = "plain " + PASSWORD + " upper " + encoded + " lower " + SecretRedactor.percentEncodeAll(PASSWORD, true)
                + " form " + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8);
        String out = redactor.redact(text);
        assertThat(out).doesNotContain(PASSWORD).doesNotContain(encoded).doesNotContain("p%40ss").doesNotContain("é日本");
        assertThat(out).isEqualTo("plain **** upper **** lower **** form ****");
    }

    @Test
    void masksUnknownSecretsByShape() {
        SecretRedactor redactor = new SecretRedactor();
        assertThat(redactor.redact("connecting to postgresql://etl:s3cr3t%21@db:5432/x"))
                .isEqualTo("connecting to postgresql://etl:****@db:5432/x");
        assertThat(redactor.redact("host=db password=hunter2 dbname=x")).isEqualTo("host=db password=**** dbname=x");
        assertThat(redactor.redact("host=db password='a b' dbname=x")).isEqualTo("host=db password=**** dbname=x");
        assertThat(redactor.redact("{\"login\": \"u\", \"password\": \"x\\\"y\"}")).isEqualTo("{\"login\": \"u\", \"password\": \"****\"}");
    }

    @Test
    void leavesOrdinaryTextAlone() {
        SecretRedactor redactor = new SecretRedactor();
        redactor.register("ab"); // too short to mask by value: it would mangle ordinary text
        String text = "password set, login etl, https://example.com/path, percent-encode the password (/ as %2F)";
        assertThat(redactor.redact(text)).isEqualTo(text);
    }
}
