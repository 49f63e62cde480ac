package dev.pgbridge.secret;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

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

    // issue 8: register() cleared the list and then refilled it, so a redact() in between printed a known secret
    @Test
    @Timeout(60)
    void aRegisteredSecretStaysMaskedWhileOtherSecretsAreRegistered() throws Exception {
        SecretRedactor redactor = new SecretRedactor();
        String secret = "known-secret-" + PASSWORD;
        redactor.register(secret);
        String text = "connecting with " + secret + " now";
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<String> leaked = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            readers.add(Thread.ofPlatform().name("redact-" + r).start(() -> {
                awaitQuietly(start);
                while (writing.get() && leaked.get() == null) {
                    String out = redactor.redact(text);
                    if (out.contains("known-secret")) {
                        leaked.compareAndSet(null, out);
                    }
                }
            }));
        }
        start.countDown();
        try {
            for (int i = 0; i < 2_000 && leaked.get() == null; i++) {
                redactor.register("other-secret-" + i);
            }
        }
        finally {
            writing.set(false);
            for (Thread reader : readers) {
                reader.join();
            }
        }
        assertThat(leaked.get()).as("a redact() that ran during register()").isNull();
        assertThat(redactor.redact(text)).isEqualTo("connecting with **** now");
        assertThat(redactor.redact("other-secret-1999")).isEqualTo("****");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
