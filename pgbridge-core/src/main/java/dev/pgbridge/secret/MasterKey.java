package dev.pgbridge.secret;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import static java.util.Objects.requireNonNull;

/**
 * An AES-256 master key: 32 random bytes.
 *
 * <p>Its text form (in {@code PGBRIDGE_MASTER_KEY} and in the {@code master.key} file) is the standard base64 of
 * the 32 bytes, 44 characters with padding: {@code openssl rand -base64 32} makes one. Surrounding white space
 * (a trailing newline) is ignored.
 *
 * <p>Its {@link #id()} is the first 12 hex characters of SHA-256 of the key bytes. Every encrypted value names
 * the id of the key that made it, so a wrong key is reported as such rather than as corrupt data. The id reveals
 * nothing usable about the key; {@link #toString()} shows only the id.
 */
public final class MasterKey {
    /** Key length in bytes (AES-256). */
    public static final int LENGTH = 32;
    static final String HOW_TO_MAKE = "make one with: openssl rand -base64 32";

    private final String id;
    private final byte[] key;

    /**
     * A key from its bytes and id; the id must be the one {@link #of(byte[])} derives. Prefer {@link #of(byte[])},
     * {@link #parse(String)} or {@link #generate()}.
     */
    public MasterKey(String id, byte[] key) {
        requireNonNull(id, "id is null");
        requireNonNull(key, "key is null");
        if (key.length != LENGTH) {
            throw new IllegalArgumentException("a master key has " + LENGTH + " bytes, not " + key.length);
        }
        String derived = idOf(key);
        if (!derived.equals(id)) {
            throw new IllegalArgumentException("master key id " + id + " does not match its bytes (id " + derived + ")");
        }
        this.id = id;
        this.key = key.clone();
    }

    /** A key from its 32 bytes. */
    public static MasterKey of(byte[] key) {
        requireNonNull(key, "key is null");
        if (key.length != LENGTH) {
            throw new IllegalArgumentException("a master key has " + LENGTH + " bytes, not " + key.length);
        }
        return new MasterKey(idOf(key), key);
    }

    /** A new random key from the platform's strong random source. */
    public static MasterKey generate() {
        byte[] bytes = new byte[LENGTH];
        new SecureRandom().nextBytes(bytes);
        return of(bytes);
    }

    /**
     * A key from its text form (standard base64 of 32 bytes). Malformed text fails with {@link ErrorCode#MASTER_KEY};
     * the message never contains the text.
     */
    public static MasterKey parse(String text) {
        return parse(text, "the master key");
    }

    /**
     * As {@link #parse(String)}; {@code source} names where the text came from, for the message (e.g.
     * {@code "PGBRIDGE_MASTER_KEY"}).
     */
    public static MasterKey parse(String text, String source) {
        requireNonNull(source, "source is null");
        String trimmed = text == null ? "" : text.strip();
        if (trimmed.isEmpty()) {
            throw malformed(source, "it is empty");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(trimmed.getBytes(StandardCharsets.US_ASCII));
        }
        catch (IllegalArgumentException e) {
            // the decoder's message quotes the offending character: drop it, keep only the length
            throw malformed(source, "it is not standard base64 (" + trimmed.length() + " characters)");
        }
        if (bytes.length != LENGTH) {
            throw malformed(source, "it decodes to " + bytes.length + " bytes; a master key is the base64 of "
                    + LENGTH + " bytes (44 characters)");
        }
        return of(bytes);
    }

    private static PgBridgeException malformed(String source, String why) {
        return new PgBridgeException(ErrorCode.MASTER_KEY, source + " is not a valid master key: " + why,
                HOW_TO_MAKE);
    }

    public String id() {
        return id;
    }

    /** The raw key bytes (a copy). */
    byte[] key() {
        return key.clone();
    }

    /** The text form: standard base64 of the 32 bytes. Package-private: only key files are written with it. */
    String text() {
        return Base64.getEncoder().encodeToString(key);
    }

    static String idOf(byte[] key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
            return HexFormat.of().formatHex(digest).substring(0, 12);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** Keys are equal when their bytes are (compared in constant time). */
    @Override
    public boolean equals(Object o) {
        return o instanceof MasterKey other && MessageDigest.isEqual(key, other.key);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "MasterKey[id=" + id + "]";
    }
}
