package dev.pgbridge.secret;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Encrypts secret values under one {@link MasterKey}: AES-256-GCM, a random 12-byte nonce per value, a 128-bit tag.
 *
 * <p>A value is written as {@code v1:<keyId>:<base64(nonce | ciphertext | tag)>}. The caller passes a label that
 * names where the value lives (e.g. {@code default/pg_main/password}); it is authenticated as associated data
 * together with the version and key id, so a ciphertext copied to another row or field does not decrypt. Labels
 * carry no secret: they appear in error messages.
 */
public final class SecretCipher {
    private static final String VERSION = "v1";
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{12}");

    private final MasterKey key;
    private final SecureRandom random;
    /**
     * The decrypting cipher, made once and re-initialised per value (a listing decrypts a thousand values; looking up
     * the provider for each was most of the cost). Used only under this object's lock.
     */
    private Cipher decryptor;

    public SecretCipher(MasterKey key) {
        this.key = requireNonNull(key, "key is null");
        this.random = new SecureRandom();
    }

    public MasterKey key() {
        return key;
    }

    /** The encrypted form of {@code plaintext}, bound to {@code label}. */
    public String encrypt(String plaintext, String label) {
        requireNonNull(plaintext, "plaintext is null");
        requireNonNull(label, "label is null");
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] plain = plaintext.getBytes(StandardCharsets.UTF_8);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce);
            cipher.updateAAD(associatedData(key.id(), label));
            byte[] sealed = cipher.doFinal(plain);
            byte[] out = ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
            return VERSION + ":" + key.id() + ":" + Base64.getEncoder().encodeToString(out);
        }
        catch (GeneralSecurityException e) {
            throw new PgBridgeException(ErrorCode.INTERNAL, "cannot encrypt secret " + label + ": " + e.getMessage(),
                    "this JDK must provide AES/GCM/NoPadding", e);
        }
        finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /** The key id an encrypted value names, without decrypting it. */
    public static String keyIdOf(String encrypted, String label) {
        return parse(encrypted, label).keyId();
    }

    /** The plaintext of a value made by {@link #encrypt} with the same key and label. */
    public String decrypt(String encrypted, String label) {
        requireNonNull(label, "label is null");
        Parsed parsed = parse(encrypted, label);
        if (!parsed.keyId().equals(key.id())) {
            throw new PgBridgeException(ErrorCode.MASTER_KEY,
                    "secret " + label + " is encrypted with key " + parsed.keyId() + ", current key is " + key.id(),
                    "use the master key with id " + parsed.keyId()
                            + " (PGBRIDGE_MASTER_KEY or PGBRIDGE_HOME/master.key)");
        }
        byte[] data = parsed.data();
        if (data.length < NONCE_BYTES + TAG_BITS / 8) {
            throw corrupt(label, "it is too short", null);
        }
        byte[] plain;
        try {
            plain = open(data, associatedData(parsed.keyId(), label));
        }
        catch (AEADBadTagException e) {
            throw new PgBridgeException(ErrorCode.MASTER_KEY,
                    "cannot decrypt secret " + label + ": authentication failed (wrong key, altered value, "
                            + "or a value copied from another connection)",
                    "check that the master key is the one the store was written with (key id " + key.id()
                            + "); otherwise save the secret again with `pgbridge conn edit`", e);
        }
        catch (GeneralSecurityException e) {
            throw corrupt(label, e.getMessage(), e);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(plain))
                    .toString();
        }
        catch (CharacterCodingException e) {
            throw corrupt(label, "the plaintext is not UTF-8", e);
        }
        finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    private synchronized byte[] open(byte[] data, byte[] associatedData) throws GeneralSecurityException {
        if (decryptor == null) {
            decryptor = Cipher.getInstance(TRANSFORMATION);
        }
        decryptor.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key.key(), "AES"),
                new GCMParameterSpec(TAG_BITS, data, 0, NONCE_BYTES));
        decryptor.updateAAD(associatedData);
        return decryptor.doFinal(data, NONCE_BYTES, data.length - NONCE_BYTES);
    }

    private Cipher cipher(int mode, byte[] nonce) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance(TRANSFORMATION);
        cipher.init(mode, new SecretKeySpec(key.key(), "AES"), new GCMParameterSpec(TAG_BITS, nonce));
        return cipher;
    }

    private static byte[] associatedData(String keyId, String label) {
        return ("pgbridge:" + VERSION + ":" + keyId + ":" + label).getBytes(StandardCharsets.UTF_8);
    }

    private record Parsed(String keyId, byte[] data) {}

    private static Parsed parse(String encrypted, String label) {
        requireNonNull(encrypted, "encrypted is null");
        String[] parts = encrypted.split(":", -1);
        if (parts.length != 3 || !parts[0].equals(VERSION) || !KEY_ID.matcher(parts[1]).matches()) {
            throw corrupt(label, "it is not in the form " + VERSION + ":<key id>:<base64>", null);
        }
        try {
            return new Parsed(parts[1], Base64.getDecoder().decode(parts[2]));
        }
        catch (IllegalArgumentException e) {
            throw corrupt(label, "its payload is not base64", null);
        }
    }

    private static PgBridgeException corrupt(String label, String why, Throwable cause) {
        return new PgBridgeException(ErrorCode.STORE, "encrypted secret " + label + " is damaged: " + why,
                "save the secret again with `pgbridge conn edit`", cause);
    }
}
