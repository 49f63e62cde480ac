package dev.pgbridge.pgtype;

import java.io.IOException;

/**
 * What {@link PgJson} writes a value to: a Jackson generator ({@link PgJson#write(com.fasterxml.jackson.core.JsonGenerator,
 * PgType, String)}) or raw UTF-8 bytes ({@link JsonBytes}). One writer of the mapping, two destinations, so both get the
 * same bytes.
 */
interface JsonOut {
    void writeNull() throws IOException;

    void writeBoolean(boolean value) throws IOException;

    /** A number whose text is valid JSON as it is (PostgreSQL's output of an integer, numeric or float). */
    void writeNumber(String text) throws IOException;

    void writeString(String text) throws IOException;

    /** Text that is one valid JSON value on one line (jsonb's output), copied as it is. */
    void writeRaw(String json) throws IOException;

    void writeBinary(byte[] bytes) throws IOException;

    /** Whether {@link #writeRawUtf8} and {@link #writeUtf8String} take bytes as they are (else text is decoded). */
    boolean takesUtf8();

    /** UTF-8 bytes that are one valid JSON value on one line (an integer's or jsonb's output), copied as they are. */
    void writeRawUtf8(byte[] json) throws IOException;

    /** A JSON string given as UTF-8; {@code plain}: it needs no escape ({@link PgJson#needsNoEscape}). */
    void writeUtf8String(byte[] utf8, boolean plain) throws IOException;

    void startArray() throws IOException;

    void endArray() throws IOException;

    void startObject() throws IOException;

    void endObject() throws IOException;

    void field(String name) throws IOException;

    /** Before every element of an array or field of an object but the first (a generator places commas itself). */
    void comma() throws IOException;
}
