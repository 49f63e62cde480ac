package dev.pgbridge.cdc.backfill;

/**
 * The transactions already delivered that changed a table still to backfill, until a chunk's snapshot is known to
 * see them. A transaction can reach the stream before it is visible to new snapshots (its commit record is flushed,
 * but its backend has not yet left the proc array — for instance while it waits for a synchronous standby); a chunk
 * read in such a snapshot would miss a change the sink already has, and must be read again.
 *
 * <p>Ids are kept as 32-bit xids, as the stream gives them, and compared modulo 2^32 as PostgreSQL compares normal
 * xids.
 */
final class DeliveredXids {
    /** Kept at most; the oldest are forgotten first (they are long visible to every snapshot). */
    private static final int LIMIT = 1_000_000;

    private final java.util.LinkedHashSet<Long> recent = new java.util.LinkedHashSet<>();

    void add(long txId) {
        recent.add(txId & 0xFFFFFFFFL);
        if (recent.size() > LIMIT) {
            recent.removeFirst();
        }
    }

    /**
     * The first delivered transaction that {@code snapshot} ({@code xmin:xmax:xip,…} as {@code
     * txid_current_snapshot()} prints it, 64-bit txids) does not see, or null; forgets those every later snapshot
     * will see (below xmin).
     */
    Long firstInvisible(String snapshot) {
        String[] parts = snapshot.split(":", -1);
        long xmin = Long.parseLong(parts[0]) & 0xFFFFFFFFL;
        long xmax = Long.parseLong(parts[1]) & 0xFFFFFFFFL;
        java.util.Set<Long> inProgress = new java.util.HashSet<>();
        if (parts.length > 2 && !parts[2].isEmpty()) {
            for (String x : parts[2].split(",")) {
                inProgress.add(Long.parseLong(x) & 0xFFFFFFFFL);
            }
        }
        recent.removeIf(x -> precedes(x, xmin));
        for (long x : recent) {
            if (inProgress.contains(x) || !precedes(x, xmax)) {
                return x;
            }
        }
        return null;
    }

    /** Transaction id order modulo 2^32, as PostgreSQL compares normal xids. */
    private static boolean precedes(long a, long b) {
        return (int) (a - b) < 0;
    }
}
