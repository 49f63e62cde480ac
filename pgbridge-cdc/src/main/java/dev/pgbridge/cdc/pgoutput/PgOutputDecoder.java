package dev.pgbridge.cdc.pgoutput;

import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Begin;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Commit;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Delete;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Insert;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Message;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.OldTupleKind;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Origin;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Relation;
import dev.pgbridge.catalog.ReplicaIdentity;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.StreamAbort;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.StreamCommit;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.StreamStart;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.StreamStop;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Truncate;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Type;
import dev.pgbridge.cdc.pgoutput.PgOutputMessage.Update;
import dev.pgbridge.pgtype.Lsn;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads pgoutput messages (protocol versions 1 and 2) from the payload of XLogData messages.
 *
 * <p>An instance follows the stream state: after a {@link StreamStart} the messages that protocol 2 prefixes with a
 * transaction id inside a stream are read with it, until {@link StreamStop}. {@link #decode(ByteBuffer, boolean)}
 * is the stateless form. Malformed input fails with {@link MalformedMessageException} naming the message type and
 * the offset; nothing is guessed.
 */
public final class PgOutputDecoder {
    /** Commit timestamps count microseconds from 2000-01-01 00:00 UTC. */
    private static final Instant POSTGRES_EPOCH = Instant.parse("2000-01-01T00:00:00Z");

    private final int protocolVersion;
    private boolean inStream;

    public PgOutputDecoder(int protocolVersion) {
        if (protocolVersion < 1 || protocolVersion > 2) {
            throw new IllegalArgumentException("pgoutput protocol version " + protocolVersion + " is not supported (1 or 2)");
        }
        this.protocolVersion = protocolVersion;
    }

    public int protocolVersion() {
        return protocolVersion;
    }

    /** Whether the last message opened a stream chunk that has not been closed yet. */
    public boolean inStream() {
        return inStream;
    }

    /** Forgets the stream state, e.g. after a reconnect. */
    public void reset() {
        inStream = false;
    }

    /** Decodes one message and follows StreamStart/StreamStop. */
    public PgOutputMessage decode(ByteBuffer buffer) {
        PgOutputMessage message = decode(buffer, inStream);
        if (message instanceof StreamStart) {
            if (protocolVersion < 2) {
                throw new MalformedMessageException("Stream Start under protocol version 1", 0);
            }
            inStream = true;
        }
        else if (message instanceof StreamStop) {
            inStream = false;
        }
        return message;
    }

    /**
     * Decodes one message; {@code inStream} says whether it arrived between Stream Start and Stream Stop (then
     * Relation, Type, Insert, Update, Delete, Truncate and Message start with a transaction id).
     */
    public static PgOutputMessage decode(ByteBuffer buffer, boolean inStream) {
        if (!buffer.hasRemaining()) {
            throw new MalformedMessageException("empty message", 0);
        }
        Reader r = new Reader(buffer.slice());
        char type = (char) r.u8();
        try {
            PgOutputMessage message = switch (type) {
                case 'B' -> new Begin(r.lsn(), r.timestamp(), r.u32());
                case 'C' -> new Commit(r.u8(), r.lsn(), r.lsn(), r.timestamp());
                case 'O' -> new Origin(r.lsn(), r.string());
                case 'R' -> relation(r, inStream);
                case 'Y' -> new Type(xid(r, inStream), r.i32(), r.string(), r.string());
                case 'I' -> insert(r, inStream);
                case 'U' -> update(r, inStream);
                case 'D' -> delete(r, inStream);
                case 'T' -> truncate(r, inStream);
                case 'M' -> message(r, inStream);
                case 'S' -> new StreamStart(r.u32(), r.u8() == 1);
                case 'E' -> new StreamStop();
                case 'c' -> new StreamCommit(r.u32(), r.u8(), r.lsn(), r.lsn(), r.timestamp());
                case 'A' -> new StreamAbort(r.u32(), r.u32());
                default -> throw new MalformedMessageException("unknown pgoutput message type '" + printable(type)
                        + "' (a newer protocol version than requested?)", 0);
            };
            if (r.buffer.hasRemaining()) {
                throw new MalformedMessageException("message '" + type + "' has " + r.buffer.remaining()
                        + " bytes left over", r.buffer.position());
            }
            return message;
        }
        catch (BufferUnderflowException e) {
            throw new MalformedMessageException("message '" + printable(type) + "' ends early", r.buffer.position());
        }
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c);
    }

    private static long xid(Reader r, boolean inStream) {
        return inStream ? r.u32() : PgOutputMessage.NO_XID;
    }

    private static Relation relation(Reader r, boolean inStream) {
        long xid = xid(r, inStream);
        int oid = r.i32();
        String namespace = r.string();
        String name = r.string();
        ReplicaIdentity identity;
        char code = (char) r.u8();
        try {
            identity = ReplicaIdentity.of(code);
        }
        catch (IllegalArgumentException e) {
            throw new MalformedMessageException("relation " + namespace + "." + name + " has unknown replica identity '"
                    + printable(code) + "'", r.buffer.position() - 1);
        }
        int count = r.u16();
        List<Relation.Column> columns = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            columns.add(new Relation.Column(r.u8(), r.string(), r.i32(), r.i32()));
        }
        return new Relation(xid, oid, namespace, name, identity, columns);
    }

    private static Insert insert(Reader r, boolean inStream) {
        long xid = xid(r, inStream);
        int oid = r.i32();
        r.expect('N', "Insert");
        return new Insert(xid, oid, tuple(r));
    }

    private static Update update(Reader r, boolean inStream) {
        long xid = xid(r, inStream);
        int oid = r.i32();
        char next = (char) r.u8();
        OldTupleKind kind = null;
        TupleData old = null;
        if (next == 'K' || next == 'O') {
            kind = next == 'K' ? OldTupleKind.KEY : OldTupleKind.OLD;
            old = tuple(r);
            next = (char) r.u8();
        }
        if (next != 'N') {
            throw new MalformedMessageException("Update: expected 'N' before the new tuple, found '" + printable(next)
                    + "'", r.buffer.position() - 1);
        }
        return new Update(xid, oid, kind, old, tuple(r));
    }

    private static Delete delete(Reader r, boolean inStream) {
        long xid = xid(r, inStream);
        int oid = r.i32();
        char kind = (char) r.u8();
        if (kind != 'K' && kind != 'O') {
            throw new MalformedMessageException("Delete: expected 'K' or 'O', found '" + printable(kind) + "'",
                    r.buffer.position() - 1);
        }
        return new Delete(xid, oid, kind == 'K' ? OldTupleKind.KEY : OldTupleKind.OLD, tuple(r));
    }

    private static Truncate truncate(Reader r, boolean inStream) {
        long xid = xid(r, inStream);
        int count = r.i32();
        int options = r.u8();
        if (count < 0) {
            throw new MalformedMessageException("Truncate: negative relation count " + count, r.buffer.position());
        }
        List<Integer> ids = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            ids.add(r.i32());
        }
        return new Truncate(xid, options, ids);
    }

    private static Message message(Reader r, boolean inStream) {
        long xid = xid(r, inStream);
        int flags = r.u8();
        Lsn lsn = r.lsn();
        String prefix = r.string();
        int length = r.i32();
        return new Message(xid, (flags & 1) != 0, lsn, prefix, r.bytes(length));
    }

    private static TupleData tuple(Reader r) {
        int count = r.u16();
        TupleValue[] values = new TupleValue[count];
        for (int i = 0; i < count; i++) {
            char kind = (char) r.u8();
            values[i] = switch (kind) {
                case 'n' -> TupleValue.NULL;
                case 'u' -> TupleValue.UNCHANGED_TOAST;
                case 't' -> TupleValue.text(r.bytes(r.i32())); // kept as bytes: the sink writes them as they are
                case 'b' -> new TupleValue.Binary(r.bytes(r.i32()));
                default -> throw new MalformedMessageException("tuple column " + (i + 1) + " has unknown kind '"
                        + printable(kind) + "'", r.buffer.position() - 1);
            };
        }
        return TupleData.of(values); // an immutable list already: not copied again
    }

    /** Big-endian reads, as the protocol sends them. */
    private static final class Reader {
        private final ByteBuffer buffer;

        Reader(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        int u8() {
            return buffer.get() & 0xff;
        }

        int u16() {
            return buffer.getShort() & 0xffff;
        }

        int i32() {
            return buffer.getInt();
        }

        long u32() {
            return buffer.getInt() & 0xFFFFFFFFL;
        }

        Lsn lsn() {
            return Lsn.of(buffer.getLong());
        }

        Instant timestamp() {
            return POSTGRES_EPOCH.plus(buffer.getLong(), ChronoUnit.MICROS);
        }

        void expect(char c, String what) {
            char found = (char) u8();
            if (found != c) {
                throw new MalformedMessageException(what + ": expected '" + c + "', found '" + printable(found) + "'",
                        buffer.position() - 1);
            }
        }

        byte[] bytes(int length) {
            if (length < 0 || length > buffer.remaining()) {
                throw new MalformedMessageException("length " + length + " exceeds the " + buffer.remaining()
                        + " bytes left", buffer.position());
            }
            byte[] bytes = new byte[length];
            buffer.get(bytes);
            return bytes;
        }

        /** A NUL-terminated UTF-8 string. */
        String string() {
            int start = buffer.position();
            int end = start;
            while (end < buffer.limit() && buffer.get(end) != 0) {
                end++;
            }
            if (end == buffer.limit()) {
                throw new MalformedMessageException("string without its terminating NUL", start);
            }
            byte[] bytes = new byte[end - start];
            buffer.get(bytes);
            buffer.get(); // the NUL
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
