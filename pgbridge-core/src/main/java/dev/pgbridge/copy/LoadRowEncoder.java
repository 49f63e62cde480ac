package dev.pgbridge.copy;

/**
 * Writes one row of values as COPY data. A value is bytes {@code [starts[i], ends[i])} of {@code data} (PostgreSQL's
 * text input for the column, UTF-8), or NULL when {@code starts[i] < 0}.
 */
sealed interface LoadRowEncoder permits LoadRowEncoder.Text, LoadBinaryEncoder {
    void row(byte[] data, int[] starts, int[] ends, int count, LoadTextBuffer out);

    /** COPY's text format: every value escaped, tab-separated, NULL as {@code \N}. Takes any value. */
    final class Text implements LoadRowEncoder {
        static final Text INSTANCE = new Text();

        private Text() {
        }

        @Override
        public void row(byte[] data, int[] starts, int[] ends, int count, LoadTextBuffer out) {
            for (int i = 0; i < count; i++) {
                if (i > 0) {
                    out.fieldSeparator();
                }
                if (starts[i] < 0) {
                    out.nullValue();
                }
                else {
                    out.escaped(data, starts[i], ends[i] - starts[i]);
                }
            }
            out.rowEnd();
        }
    }
}
