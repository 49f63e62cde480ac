package dev.pgbridge.secret;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class StoreMasterKeyTest {
    @Test
    void generatedKeyHas32BytesAndAnIdFromItsSha256() throws Exception {
        MasterKey key = MasterKey.generate();
        byte[] bytes = key.key();
        assertThat(bytes).hasSize(32);
        String expectedId = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 12);
        assertThat(key.id()).isEqualTo(expectedId).matches("[0-9a-f]{12}");
        assertThat(MasterKey.generate().id()).isNotEqualTo(key.id());
    }

    @Test
    void textFormIsStandardBase64AndParsesBack() {
        MasterKey key = MasterKey.generate();
        String text = key.text();
        assertThat(text).hasSize(44).endsWith("=");
        assertThat(Base64.getDecoder().decode(text)).isEqualTo(key.key());
        MasterKey parsed = MasterKey.parse(text);
        assertThat(parsed).isEqualTo(key);
        assertThat(parsed.id()).isEqualTo(key.id());
    }

    @Test
    void parsesWhatOpensslRandPrints() {
        // `openssl rand -base64 32` prints 44 characters and a newline
        byte[] bytes = new byte[32];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 7 + 3);
        }
        String opensslOutput = Base64.getEncoder().encodeToString(bytes) + "\n";
        assertThat(MasterKey.parse(opensslOutput).key()).isEqualTo(bytes);
        assertThat(MasterKey.parse("  " + opensslOutput + "\r\n").key()).isEqualTo(bytes);
    }

    @Test
    void wrongLengthIsRefusedWithoutEchoingTheText() {
        String sixteenBytes = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
        PgBridgeException e = catchThrowableOfType(PgBridgeException.class, () -> MasterKey.parse(sixteenBytes));
        assertThat(e.code()).isEqualTo(ErrorCode.MASTER_KEY);
        assertThat(e.getMessage()).contains("decodes to 16 bytes").doesNotContain(sixteenBytes);
        assertThat(e.hint()).contains("openssl rand -base64 32");
    }

    @Test
    void nonBase64IsRefusedWithoutEchoingTheText() {
        String text = "not-base64!my-secret-passphrase-that-is-long-enough";
        PgBridgeException e = catchThrowableOfType(PgBridgeException.class, () -> MasterKey.parse(text, "PGBRIDGE_MASTER_KEY"));
        assertThat(e.code()).isEqualTo(ErrorCode.MASTER_KEY);
        assertThat(e.getMessage())
                .startsWith("PGBRIDGE_MASTER_KEY is not a valid master key: it is not standard base64")
                .doesNotContain("my-secret")
                .doesNotContain("!");
        assertThat(e.hint()).contains("openssl rand -base64 32");
        assertThat(e.getCause()).isNull();
    }

    @Test
    void emptyTextIsRefused() {
        assertThatThrownBy(() -> MasterKey.parse("  \n"))
                .isInstanceOf(PgBridgeException.class)
                .hasMessageContaining("it is empty");
        assertThatThrownBy(() -> MasterKey.parse(null))
                .isInstanceOf(PgBridgeException.class)
                .hasMessageContaining("it is empty");
    }

    @Test
    void toStringShowsOnlyTheId() {
        MasterKey key = MasterKey.generate();
        assertThat(key.toString()).isEqualTo("MasterKey[id=" + key.id() + "]").doesNotContain(key.text());
    }

    @Test
    void constructorRefusesAnIdThatDoesNotMatchTheBytes() {
        byte[] bytes = MasterKey.generate().key();
        assertThatThrownBy(() -> new MasterKey("000000000000", bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not match");
        assertThatThrownBy(() -> MasterKey.of(new byte[16]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes");
        assertThat(new MasterKey(MasterKey.of(bytes).id(), bytes)).isEqualTo(MasterKey.of(bytes));
    }

    @Test
    void keysAreEqualOnlyWithEqualBytes() {
        MasterKey key = MasterKey.generate();
        assertThat(MasterKey.of(key.key())).isEqualTo(key);
        assertThat(MasterKey.generate()).isNotEqualTo(key);
    }
}
