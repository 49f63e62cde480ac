package dev.pgbridge.cdc.pgoutput;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Builds pgoutput messages byte by byte, big-endian, as the server sends them (for decoder tests). */
public final class PgOutputBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public static PgOutputBytes message(char type) {
        return new PgOutputBytes().u8(type);
    }

    public PgOutputBytes u8(int v) {
        out.write(v);
        return this;
    }

    public PgOutputBytes i16(int v) {
        return u8(v >>> 8).u8(v);
    }

    public PgOutputBytes i32(long v) {
        return u8((int) (v >>> 24)).u8((int) (v >>> 16)).u8((int) (v >>> 8)).u8((int) v);
    }

    public PgOutputBytes i64(long v) {
        return i32(v >>> 32).i32(v);
    }

    public PgOutputBytes string(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        return u8(0);
    }

    public PgOutputBytes bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    /** A TupleData: each value is null ('n'), {@link #TOAST} ('u'), a String ('t') or a byte[] ('b'). */
    public PgOutputBytes tuple(Object... values) {
        i16(values.length);
        for (Object v : values) {
            if (v == null) {
                u8('n');
            }
            else if (v == TOAST) {
                u8('u');
            }
            else if (v instanceof byte[] b) {
                u8('b').i32(b.length).bytes(b);
            }
            else {
                byte[] b = v.toString().getBytes(StandardCharsets.UTF_8);
                u8('t').i32(b.length).bytes(b);
            }
        }
        return this;
    }

    /** Marks an unchanged TOAST column in {@link #tuple(Object...)}. */
    public static final Object TOAST = new Object();

    public ByteBuffer buffer() {
        return ByteBuffer.wrap(out.toByteArray());
    }
}
