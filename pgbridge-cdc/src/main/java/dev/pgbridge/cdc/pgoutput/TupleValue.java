package dev.pgbridge.cdc.pgoutput;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static java.util.Objects.requireNonNull;

/** One column of a pgoutput TupleData: {@code n} null, {@code u} unchanged TOAST, {@code t} text, {@code b} binary. */
public sealed interface TupleValue {
    /** SQL NULL ({@code 'n'}). */
    Null NULL = new Null();
    /** An unchanged TOASTed value that the server did not send ({@code 'u'}): its value must come from elsewhere. */
    UnchangedToast UNCHANGED_TOAST = new UnchangedToast();

    record Null() implements TupleValue {
    }

    record UnchangedToast() implements TupleValue {
    }

    /**
     * The value in the type's text output format ({@code 't'}), kept as the UTF-8 bytes that came in: a change event
     * writes them to the sink as they are ({@code RowText}); {@link #text()} decodes them.
     */
    record Text(byte[] utf8) implements TupleValue {
        public Text {
            requireNonNull(utf8, "utf8 is null");
        }

        public Text(String text) {
            this(text.getBytes(StandardCharsets.UTF_8));
        }

        /** The bytes themselves, not a copy: never to be changed. */
        @Override
        public byte[] utf8() {
            return utf8;
        }

        public String text() {
            return new String(utf8, StandardCharsets.UTF_8);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Text t && Arrays.equals(utf8, t.utf8);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(utf8);
        }

        /** The size only: a value of the user's data never goes into a log or a message. */
        @Override
        public String toString() {
            return "Text[" + utf8.length + " bytes]";
        }
    }

    /** The value in the type's binary send format ({@code 'b'}; only with the {@code binary} option). */
    record Binary(byte[] bytes) implements TupleValue {
        public Binary {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Binary b && Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        /** The size only, as {@link Text}'s: a value of the user's data never goes into a log or a message. */
        @Override
        public String toString() {
            return "Binary[" + bytes.length + " bytes]";
        }
    }

    static TupleValue text(String text) {
        return new Text(text);
    }

    /** Takes {@code utf8} without copying. */
    static TupleValue text(byte[] utf8) {
        return new Text(utf8);
    }
}
