package dev.pgbridge.cdc.pgoutput;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

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

    /** The value in the type's text output format ({@code 't'}). */
    record Text(String text) implements TupleValue {
        public Text {
            requireNonNull(text, "text is null");
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

        @Override
        public String toString() {
            return "Binary[" + HexFormat.of().formatHex(bytes) + "]";
        }
    }

    static TupleValue text(String text) {
        return new Text(text);
    }

    static TupleValue text(byte[] utf8) {
        return new Text(new String(utf8, StandardCharsets.UTF_8));
    }
}
