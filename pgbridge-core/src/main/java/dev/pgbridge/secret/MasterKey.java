package dev.pgbridge.secret;

/** An AES-256 master key and its id (stub: the store issue fills this in). */
public final class MasterKey {
    private final String id;
    private final byte[] key;

    public MasterKey(String id, byte[] key) {
        this.id = id;
        this.key = key.clone();
    }

    public String id() {
        return id;
    }

    byte[] key() {
        return key.clone();
    }

    @Override
    public String toString() {
        return "MasterKey[id=" + id + "]";
    }
}
