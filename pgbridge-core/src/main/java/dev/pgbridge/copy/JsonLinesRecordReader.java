package dev.pgbridge.copy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamReadException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Reads JSON lines: one JSON object per line, streamed with Jackson (no tree per row), so memory stays flat. Each
 * object must start on a new line and end on the line it started on; blank lines are skipped. Errors name the line
 * (the first line is line 1).
 *
 * <p>Use: {@link #next()} to move to an object, then {@link #nextKey()} until it returns null; after each key the
 * {@link #parser()} stands on its value (the caller reads it or calls {@code skipChildren()}).
 */
final class JsonLinesRecordReader implements Closeable {
    /** Numbers and strings as long as PostgreSQL's own (numeric has up to 147,455 digits; text up to 1 GB). */
    static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNumberLength(200_000)
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNestingDepth(2_000)
                    .build())
            .build();

    private final JsonParser parser;
    private long line;
    private long previousEnd;

    JsonLinesRecordReader(InputStream in) {
        try {
            this.parser = FACTORY.createParser(requireNonNull(in, "in is null"));
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Moves to the next object; false at the end of the input. */
    boolean next() throws IOException {
        JsonToken token = advance();
        if (token == null) {
            return false;
        }
        long start = parser.currentTokenLocation().getLineNr();
        if (start == previousEnd) {
            throw new LoadDataException(start, -1, "a second JSON value on this line: JSON lines has exactly one object per line");
        }
        if (token != JsonToken.START_OBJECT) {
            throw new LoadDataException(start, -1, "expected a JSON object ({\"column\": value, …}) but found "
                    + describe(token));
        }
        line = start;
        return true;
    }

    /** The next key of the current object, with the parser on its value; null at the end of the object. */
    String nextKey() throws IOException {
        JsonToken token = advance();
        if (token == JsonToken.END_OBJECT) {
            long end = parser.currentLocation().getLineNr();
            if (end != line) {
                throw new LoadDataException(line, -1, "the JSON object that starts on this line ends on line " + end
                        + ": JSON lines has one whole object per line");
            }
            previousEnd = end;
            return null;
        }
        String key = parser.currentName();
        advance();
        return key;
    }

    private JsonToken advance() throws IOException {
        try {
            return parser.nextToken();
        }
        catch (StreamReadException e) {
            long at = e.getLocation() == null ? line : e.getLocation().getLineNr();
            throw new LoadDataException(at, -1, "invalid JSON: " + e.getOriginalMessage());
        }
    }

    /** Skips the value the parser stands on (a scalar, or a whole object or array). */
    void skipValue() throws IOException {
        try {
            parser.skipChildren();
        }
        catch (StreamReadException e) {
            long at = e.getLocation() == null ? line : e.getLocation().getLineNr();
            throw new LoadDataException(at, -1, "invalid JSON: " + e.getOriginalMessage());
        }
    }

    JsonParser parser() {
        return parser;
    }

    /** The line of the current object. */
    long line() {
        return line;
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }

    static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            case START_OBJECT -> "an object";
            default -> token.asString() == null ? token.name() : token.asString();
        };
    }

    /** The keys of the first object of {@code in} and a stream that still yields all of {@code in}. */
    record FirstKeys(List<String> keys, InputStream input) {
    }

    /**
     * Reads the first non-blank line to learn its keys (the columns of a JSON-lines load without --columns) and
     * hands back an input that starts again from the beginning. Holds only that line in memory.
     */
    static FirstKeys firstKeys(InputStream in) throws IOException {
        ByteArrayOutputStream prefix = new ByteArrayOutputStream();
        boolean content = false;
        int b;
        while ((b = in.read()) >= 0) {
            prefix.write(b);
            if (b == '\n') {
                if (content) {
                    break;
                }
            }
            else if (b != ' ' && b != '\t' && b != '\r') {
                content = true;
            }
        }
        byte[] head = prefix.toByteArray();
        List<String> keys = new ArrayList<>();
        try (JsonLinesRecordReader reader = new JsonLinesRecordReader(new ByteArrayInputStream(head))) {
            if (reader.next()) {
                String key;
                while ((key = reader.nextKey()) != null) {
                    if (keys.contains(key)) {
                        throw new LoadDataException(reader.line(), key, "the key \"" + key + "\" appears twice in this object", null);
                    }
                    keys.add(key);
                    reader.skipValue();
                }
            }
        }
        return new FirstKeys(keys, new SequenceInputStream(new ByteArrayInputStream(head), in));
    }
}
