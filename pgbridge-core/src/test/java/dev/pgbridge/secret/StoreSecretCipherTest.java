package dev.pgbridge.secret;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class StoreSecretCipherTest {
    static final String SPECIAL = "p@ss:w/rd?#%&=+ é日本🔑";
    private static final String LABEL = "default/pg_main/password";

    private final MasterKey key = MasterKey.generate();
    private final SecretCipher cipher = new SecretCipher(key);

    @Test
    void roundTripsUnicodePasswords() {
        for (String password : new String[] {SPECIAL, "", " ", "a", "\u0000x", "ö".repeat(1000), "'\"\\;--"}) {
            String encrypted = cipher.encrypt(password, LABEL);
            assertThat(cipher.decrypt(encrypted, LABEL)).isEqualTo(password);
        }
    }

    @Test
    void formatNamesVersionAndKeyAndHidesThePlaintext() {
        String encrypted = cipher.encrypt(SPECIAL, LABEL);
        assertThat(encrypted).startsWith("v1:" + key.id() + ":").doesNotContain(SPECIAL);
        byte[] payload = Base64.getDecoder().decode(encrypted.substring(("v1:" + key.id() + ":").length()));
        int plaintextBytes = SPECIAL.getBytes(StandardCharsets.UTF_8).length;
        assertThat(payload).hasSize(12 + plaintextBytes + 16);
        assertThat(SecretCipher.keyIdOf(encrypted, LABEL)).isEqualTo(key.id());
    }

    @Test
    void everyEncryptionUsesAFreshNonce() {
        String first = cipher.encrypt(SPECIAL, LABEL);
        String second = cipher.encrypt(SPECIAL, LABEL);
        assertThat(first).isNotEqualTo(second);
        assertThat(Arrays.copyOf(payload(first), 12)).isNotEqualTo(Arrays.copyOf(payload(second), 12));
    }

    @Test
    void tamperedCiphertextFails() {
        String encrypted = cipher.encrypt(SPECIAL, LABEL);
        byte[] payload = payload(encrypted);
        for (int position : new int[] {0, 12, payload.length - 1}) {
            byte[] altered = payload.clone();
            altered[position] ^= 0x01;
            String tampered = "v1:" + key.id() + ":" + Base64.getEncoder().encodeToString(altered);
            PgBridgeException e = catchThrowableOfType(PgBridgeException.class, () -> cipher.decrypt(tampered, LABEL));
            assertThat(e.code()).as("flipped byte %d", position).isEqualTo(ErrorCode.MASTER_KEY);
            assertThat(e.getMessage()).contains("cannot decrypt secret " + LABEL).doesNotContain(SPECIAL);
            assertThat(e.hint()).contains("master key");
        }
    }

    @Test
    void ciphertextMovedToAnotherRowOrFieldFails() {
        String encrypted = cipher.encrypt(SPECIAL, LABEL);
        for (String other : new String[] {"default/pg_other/password", "team_a/pg_main/password", "default/pg_main/extra"}) {
            PgBridgeException e = catchThrowableOfType(PgBridgeException.class, () -> cipher.decrypt(encrypted, other));
            assertThat(e.code()).as(other).isEqualTo(ErrorCode.MASTER_KEY);
            assertThat(e.getMessage()).contains("authentication failed");
        }
    }

    @Test
    void otherKeyIsNamedInTheError() {
        String encrypted = cipher.encrypt(SPECIAL, LABEL);
        MasterKey other = MasterKey.generate();
        PgBridgeException e = catchThrowableOfType(PgBridgeException.class,
                () -> new SecretCipher(other).decrypt(encrypted, LABEL));
        assertThat(e.code()).isEqualTo(ErrorCode.MASTER_KEY);
        assertThat(e.getMessage()).isEqualTo("secret " + LABEL + " is encrypted with key " + key.id()
                + ", current key is " + other.id());
        assertThat(e.hint()).contains(key.id());
    }

    @Test
    void otherKeyWithForgedIdFailsAuthentication() {
        // a value whose header claims the reader's key id still fails: the tag is checked with the reader's key
        MasterKey other = MasterKey.generate();
        String encrypted = new SecretCipher(other).encrypt(SPECIAL, LABEL);
        String forged = "v1:" + key.id() + encrypted.substring(("v1:" + other.id()).length());
        PgBridgeException e = catchThrowableOfType(PgBridgeException.class, () -> cipher.decrypt(forged, LABEL));
        assertThat(e.getMessage()).contains("authentication failed");
    }

    @Test
    void malformedValuesAreReportedAsDamaged() {
        for (String bad : new String[] {"", "plain text", "v2:" + key.id() + ":AAAA", "v1:" + key.id() + ":%%%",
                "v1:" + key.id() + ":" + Base64.getEncoder().encodeToString(new byte[10])}) {
            PgBridgeException e = catchThrowableOfType(PgBridgeException.class, () -> cipher.decrypt(bad, LABEL));
            assertThat(e.code()).as(bad).isEqualTo(ErrorCode.STORE);
            assertThat(e.getMessage()).as(bad).startsWith("encrypted secret " + LABEL + " is damaged");
        }
    }

    private byte[] payload(String encrypted) {
        return Base64.getDecoder().decode(encrypted.substring(encrypted.lastIndexOf(':') + 1));
    }
}
