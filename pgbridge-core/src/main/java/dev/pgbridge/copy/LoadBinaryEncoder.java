package dev.pgbridge.copy;

import dev.pgbridge.pgtype.BinaryCopy;

import java.util.List;

/**
 * Rows in COPY's binary format: the field count, then each value as core's {@link BinaryCopy} encodes it (or -1 for
 * NULL). Used when every column's type has a binary form there; the first value without a canonical one throws
 * {@link BinaryCopy.NotBinary} and the load goes on in text format.
 */
final class LoadBinaryEncoder implements LoadRowEncoder {
    private final BinaryCopy.Type[] types;
    private final BinaryCopy binary = new BinaryCopy();

    LoadBinaryEncoder(BinaryCopy.Type... types) {
        this.types = types.clone();
    }

    /** The encoder for these columns, or null when one of them has no binary form here (the load uses text). */
    static LoadBinaryEncoder forColumns(List<LoadColumn> columns) {
        BinaryCopy.Type[] types = new BinaryCopy.Type[columns.size()];
        for (int i = 0; i < types.length; i++) {
            BinaryCopy.Type binary = BinaryCopy.Type.of(columns.get(i).valueType());
            if (binary == null) {
                return null;
            }
            types[i] = binary;
        }
        return new LoadBinaryEncoder(types);
    }

    @Override
    public void row(byte[] d, int[] starts, int[] ends, int count, LoadTextBuffer out) {
        out.int16(count);
        for (int i = 0; i < count; i++) {
            int s = starts[i];
            if (s < 0) {
                out.int32(-1);
                continue;
            }
            binary.value(types[i], d, s, ends[i], out);
        }
    }
}
