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

    void startArray() throws IOException;

    void endArray() throws IOException;

    void startObject() throws IOException;

    void endObject() throws IOException;

    void field(String name) throws IOException;

    /** Before every element of an array or field of an object but the first (a generator places commas itself). */
    void comma() throws IOException;
}
