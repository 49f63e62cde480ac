package dev.pgbridge.cdc.event;

import dev.pgbridge.pgtype.Lsn;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Deletes the stream owes: when {@link ToastResolver} reads a row back for its unchanged TOAST values and finds no row
 * (in a snapshot that sees the event's transaction), the row was deleted — or its key changed — by a transaction that
 * committed before that read, so the stream must bring a delete of that key (a {@code d}, also the {@code d} of a key
 * change) or a truncate of the table before any transaction that commits after the read. The event goes on with the
 * columns as null, since the delete supersedes it; {@link #expectDelete} records what must follow.
 *
 * <p>{@link #observe} settles obligations as events flow to the sink; {@link #beforeTransaction} is called before each
 * stream transaction and throws {@link ErrorCode#DATA_INTEGRITY} when the stream has passed the WAL position of the
 * read (the server's WAL insert position, read in the same statement: every transaction the read saw had inserted
 * its commit record below it) with an obligation still open — the capture stops rather than leave a null in place of
 * a value. Obligations live in memory only: after a crash or a reconnect the events after the checkpoint come again and
 * are read back again.
 *
 * <p>One thread (the engine's) calls everything.
 */
public final class ToastObligations {
    /** An open obligation: the delete of {@code key} must come before a commit at or after {@code readAt}. */
    private record Open(TableId table, String shownKey, Lsn readAt, Lsn eventLsn, long xid) {
    }

    private final Map<String, Open> open = new HashMap<>();

    /** Records that a delete of the event's key must come before the stream passes {@code readAt}. */
    void expectDelete(ChangeEvent event, Lsn readAt) {
        open.merge(id(event.table(), CanonicalKey.of(event.key())), new Open(event.table(), event.key().toString(),
                readAt, event.lsn(), event.txId()), (was, now) -> now.readAt().isAfter(was.readAt()) ? now : was);
    }

    /** Settles the obligations a delete or truncate meets; returns the event unchanged. */
    public ChangeEvent observe(ChangeEvent event) {
        if (open.isEmpty()) {
            return event;
        }
        if (event.op() == Op.DELETE && event.key() != null) {
            open.remove(id(event.table(), CanonicalKey.of(event.key())));
        }
        else if (event.op() == Op.TRUNCATE) {
            open.values().removeIf(o -> o.table().equals(event.table()));
        }
        return event;
    }

    /**
     * Called before the events of the stream transaction that commits at {@code commitLsn} (the start of its commit
     * record): every transaction that committed before it has gone through {@link #observe}. Throws when one of them
     * had to bring a delete that did not come.
     */
    public void beforeTransaction(Lsn commitLsn) {
        for (Iterator<Open> it = open.values().iterator(); it.hasNext(); ) {
            Open o = it.next();
            if (!commitLsn.isBefore(o.readAt())) {
                throw new PgBridgeException(ErrorCode.DATA_INTEGRITY, "the row of " + o.table() + " with key "
                        + o.shownKey() + " was gone when its unchanged TOAST values were read back (for the change at "
                        + o.eventLsn() + " of transaction " + o.xid() + ", read at WAL position " + o.readAt()
                        + "), and the stream passed that position (a commit at " + commitLsn + ") without a delete "
                        + "of that key: the event was sent with those columns as null and nothing supersedes it",
                        "the sink's row for that key lacks those values: backfill the table again (capture drop, then "
                        + "capture run) once the cause is known, and keep the capture's log for a report; REPLICA "
                        + "IDENTITY FULL on the table makes the stream carry unchanged TOAST values itself");
            }
        }
    }

    /** Obligations not settled yet. */
    public int openCount() {
        return open.size();
    }

    private static String id(TableId table, String key) {
        return table + "\u0000" + key;
    }
}
