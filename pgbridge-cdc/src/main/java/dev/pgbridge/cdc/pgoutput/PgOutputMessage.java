package dev.pgbridge.cdc.pgoutput;

import dev.pgbridge.catalog.ReplicaIdentity;
import dev.pgbridge.pgtype.Lsn;

import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Every message of the pgoutput plugin, protocol versions 1 and 2 (PostgreSQL's "Logical Replication Message
 * Formats"). Consume with an exhaustive {@code switch}.
 *
 * <p>Transaction ids are unsigned 32-bit values held in a {@code long}. Messages that protocol 2 sends inside a
 * streamed transaction (between {@link StreamStart} and {@link StreamStop}) carry the id of the (sub)transaction
 * they belong to in {@code xid}; outside a stream that field is {@link #NO_XID}.
 */
public sealed interface PgOutputMessage {
    /** {@code xid} of a message that was not sent inside a streamed transaction (PostgreSQL's InvalidTransactionId). */
    long NO_XID = 0;

    /** 'B': a transaction begins; {@code finalLsn} is the LSN of its commit record. */
    record Begin(Lsn finalLsn, Instant commitTime, long xid) implements PgOutputMessage {
        public Begin {
            requireNonNull(finalLsn, "finalLsn is null");
            requireNonNull(commitTime, "commitTime is null");
        }
    }

    /** 'C': the transaction commits; {@code endLsn} is the end of its commit record (the LSN to confirm). */
    record Commit(int flags, Lsn commitLsn, Lsn endLsn, Instant commitTime) implements PgOutputMessage {
        public Commit {
            requireNonNull(commitLsn, "commitLsn is null");
            requireNonNull(endLsn, "endLsn is null");
            requireNonNull(commitTime, "commitTime is null");
        }
    }

    /** 'O': the transaction was replicated from another node, {@code name} at {@code originLsn}. */
    record Origin(Lsn originLsn, String name) implements PgOutputMessage {
        public Origin {
            requireNonNull(originLsn, "originLsn is null");
            requireNonNull(name, "name is null");
        }
    }

    /** 'R': the shape of a table, sent before its first change and again whenever it changed. */
    record Relation(long xid, int relationId, String namespace, String name, ReplicaIdentity replicaIdentity,
                    List<Column> columns) implements PgOutputMessage {
        public Relation {
            requireNonNull(namespace, "namespace is null");
            requireNonNull(name, "name is null");
            requireNonNull(replicaIdentity, "replicaIdentity is null");
            columns = List.copyOf(columns);
        }

        /** A column; {@code key} when it is part of the replica identity (every column under FULL). */
        public record Column(int flags, String name, int typeOid, int typeModifier) {
            public static final int KEY_FLAG = 1;

            public Column {
                requireNonNull(name, "name is null");
            }

            public boolean key() {
                return (flags & KEY_FLAG) != 0;
            }
        }
    }

    /** 'Y': a data type that is not built in (its oid is at least 16384), e.g. an enum or a domain. */
    record Type(long xid, int typeOid, String namespace, String name) implements PgOutputMessage {
        public Type {
            requireNonNull(namespace, "namespace is null");
            requireNonNull(name, "name is null");
        }
    }

    /** 'I': a new row. */
    record Insert(long xid, int relationId, TupleData newTuple) implements PgOutputMessage {
        public Insert {
            requireNonNull(newTuple, "newTuple is null");
        }
    }

    /** Which old row image an update or delete carries: the replica-identity key ('K') or the whole row ('O'). */
    enum OldTupleKind {
        KEY('K'), OLD('O');

        private final char code;

        OldTupleKind(char code) {
            this.code = code;
        }

        public char code() {
            return code;
        }
    }

    /**
     * 'U': a changed row. {@code oldTuple} is present with {@code KEY} when the replica-identity key changed
     * (REPLICA IDENTITY DEFAULT or USING INDEX), always with {@code OLD} under REPLICA IDENTITY FULL, else absent.
     */
    record Update(long xid, int relationId, OldTupleKind oldKind, TupleData oldTuple, TupleData newTuple)
            implements PgOutputMessage {
        public Update {
            requireNonNull(newTuple, "newTuple is null");
            if ((oldKind == null) != (oldTuple == null)) {
                throw new IllegalArgumentException("oldKind and oldTuple go together");
            }
        }

        public Optional<TupleData> old() {
            return Optional.ofNullable(oldTuple);
        }
    }

    /** 'D': a deleted row, identified by its key ('K') or, under REPLICA IDENTITY FULL, its whole old row ('O'). */
    record Delete(long xid, int relationId, OldTupleKind oldKind, TupleData oldTuple) implements PgOutputMessage {
        public Delete {
            requireNonNull(oldKind, "oldKind is null");
            requireNonNull(oldTuple, "oldTuple is null");
        }
    }

    /** 'T': tables truncated together. */
    record Truncate(long xid, int options, List<Integer> relationIds) implements PgOutputMessage {
        public static final int CASCADE = 1;
        public static final int RESTART_IDENTITY = 2;

        public Truncate {
            relationIds = List.copyOf(relationIds);
        }

        public boolean cascade() {
            return (options & CASCADE) != 0;
        }

        public boolean restartIdentity() {
            return (options & RESTART_IDENTITY) != 0;
        }
    }

    /** 'M': a logical decoding message ({@code pg_logical_emit_message}); only with the {@code messages} option. */
    record Message(long xid, boolean transactional, Lsn lsn, String prefix, byte[] content) implements PgOutputMessage {
        public Message {
            requireNonNull(lsn, "lsn is null");
            requireNonNull(prefix, "prefix is null");
            content = content.clone();
        }

        @Override
        public byte[] content() {
            return content.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Message m && xid == m.xid && transactional == m.transactional && lsn.equals(m.lsn)
                    && prefix.equals(m.prefix) && Arrays.equals(content, m.content);
        }

        @Override
        public int hashCode() {
            return (prefix.hashCode() * 31 + lsn.hashCode()) * 31 + Arrays.hashCode(content);
        }

        @Override
        public String toString() {
            return "Message[xid=" + xid + ", transactional=" + transactional + ", lsn=" + lsn + ", prefix=" + prefix
                    + ", content=" + HexFormat.of().formatHex(content) + "]";
        }
    }

    /** 'S' (protocol 2): a chunk of the in-progress transaction {@code xid} follows. */
    record StreamStart(long xid, boolean firstSegment) implements PgOutputMessage {
    }

    /** 'E' (protocol 2): the current chunk ends. */
    record StreamStop() implements PgOutputMessage {
    }

    /** 'c' (protocol 2): the streamed transaction {@code xid} committed. */
    record StreamCommit(long xid, int flags, Lsn commitLsn, Lsn endLsn, Instant commitTime) implements PgOutputMessage {
        public StreamCommit {
            requireNonNull(commitLsn, "commitLsn is null");
            requireNonNull(endLsn, "endLsn is null");
            requireNonNull(commitTime, "commitTime is null");
        }
    }

    /**
     * 'A' (protocol 2): {@code subXid} of the streamed transaction {@code xid} rolled back; when both are equal the
     * whole transaction did.
     */
    record StreamAbort(long xid, long subXid) implements PgOutputMessage {
        public boolean wholeTransaction() {
            return xid == subXid;
        }
    }
}
