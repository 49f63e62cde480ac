package dev.pgbridge.copy;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static java.util.Objects.requireNonNull;

/**
 * Reads RFC 4180 CSV one record at a time, at the byte level (the delimiters are ASCII, so UTF-8 passes through
 * untouched): fields separated by commas, records ended by CRLF, LF or CR, a field in double quotes may hold
 * commas, line breaks and doubled quotes. An unquoted empty field is NULL; a quoted empty field ({@code ""}) is the
 * empty string. A UTF-8 byte order mark at the start is skipped.
 *
 * <p>Strict where RFC 4180 is: a quote inside an unquoted field, text after a closing quote and a quoted field that
 * never closes are errors naming the line where the record starts (the first line is line 1) and the field.
 * Memory holds one input buffer and the current record, whatever the input size.
 */
public final class CsvRecordReader implements Closeable {
    private InputStream in;
    private final byte[] buf;
    private int pos;
    private int limit;
    private boolean eof;
    private boolean started;
    /** The physical line at {@link #pos}. */
    private long nextLine = 1;

    private byte[] data = new byte[1024];
    private int dataLength;
    /** Where each field's bytes start in {@link #data}; -1 for NULL. */
    private int[] starts = new int[16];
    private int[] ends = new int[16];
    private int count;
    private long line;

    public CsvRecordReader(InputStream in) {
        this(in, 1 << 16);
    }

    CsvRecordReader(InputStream in, int bufferSize) {
        this.in = requireNonNull(in, "in is null");
        this.buf = new byte[bufferSize];
    }

    /** Reads the next record; false at the end of the input. */
    public boolean next() throws IOException {
        if (!started) {
            started = true;
            skipByteOrderMark();
        }
        count = 0;
        dataLength = 0;
        if (pos >= limit && !fill()) {
            return false;
        }
        line = nextLine;
        while (true) {
            int fieldStart = dataLength;
            if (pos >= limit && !fill()) {
                // the input ends right after a comma: a last, empty field
                addField(fieldStart, true);
                return true;
            }
            if (buf[pos] == '"') {
                pos++;
                long quoteLine = nextLine;
                while (true) {
                    if (pos >= limit && !fill()) {
                        throw new LoadDataException(line, count, "the quoted field that starts on line " + quoteLine
                                + " is never closed: the input ends inside it");
                    }
                    int i = pos;
                    byte[] b = buf;
                    int end = limit;
                    while (i < end && b[i] != '"') {
                        if (b[i] == '\n') {
                            nextLine++;
                        }
                        i++;
                    }
                    append(pos, i - pos);
                    pos = i;
                    if (i == end) {
                        continue;
                    }
                    pos++; // the quote
                    if (pos >= limit && !fill()) {
                        addField(fieldStart, false);
                        return true;
                    }
                    if (buf[pos] == '"') {
                        append(pos, 1);
                        pos++;
                        continue;
                    }
                    break;
                }
                addField(fieldStart, false);
                byte after = buf[pos];
                if (after == ',') {
                    pos++;
                    continue;
                }
                if (after == '\n' || after == '\r') {
                    endOfLine(after);
                    return true;
                }
                throw new LoadDataException(line, count - 1, "text after the closing quote of a quoted field: a "
                        + "quoted field must end at a comma or at the end of the line");
            }
            while (true) {
                int i = pos;
                byte[] b = buf;
                int end = limit;
                while (i < end) {
                    byte c = b[i];
                    if (c == ',' || c == '\n' || c == '\r' || c == '"') {
                        break;
                    }
                    i++;
                }
                append(pos, i - pos);
                pos = i;
                if (i < end) {
                    break;
                }
                if (!fill()) {
                    addField(fieldStart, dataLength == fieldStart);
                    return true;
                }
            }
            byte stop = buf[pos];
            if (stop == '"') {
                throw new LoadDataException(line, count, "a double quote inside an unquoted field: put the whole "
                        + "field in double quotes and double each quote inside it (\"say \"\"hi\"\"\")");
            }
            addField(fieldStart, dataLength == fieldStart);
            if (stop == ',') {
                pos++;
                continue;
            }
            endOfLine(stop);
            return true;
        }
    }

    private void endOfLine(byte terminator) throws IOException {
        pos++;
        nextLine++;
        if (terminator == '\r') {
            if (pos >= limit) {
                fill();
            }
            if (pos < limit && buf[pos] == '\n') {
                pos++;
            }
        }
    }

    private void skipByteOrderMark() throws IOException {
        PushbackInputStream head = new PushbackInputStream(in, 3);
        byte[] first = new byte[3];
        int n = 0;
        while (n < 3) {
            int r = head.read(first, n, 3 - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        boolean bom = n == 3 && (first[0] & 0xff) == 0xEF && (first[1] & 0xff) == 0xBB && (first[2] & 0xff) == 0xBF;
        if (!bom && n > 0) {
            head.unread(first, 0, n);
        }
        in = head;
    }

    /** Refills the buffer once everything in it was consumed; false at the end of the input. */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        pos = 0;
        limit = 0;
        while (limit == 0) {
            int n = in.read(buf, 0, buf.length);
            if (n < 0) {
                eof = true;
                return false;
            }
            limit = n;
        }
        return true;
    }

    private void append(int from, int length) {
        if (length == 0) {
            return;
        }
        if (dataLength + length > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, dataLength + length));
        }
        System.arraycopy(buf, from, data, dataLength, length);
        dataLength += length;
    }

    private void addField(int start, boolean isNull) {
        if (count == starts.length) {
            starts = Arrays.copyOf(starts, count * 2);
            ends = Arrays.copyOf(ends, count * 2);
        }
        starts[count] = isNull ? -1 : start;
        ends[count] = dataLength;
        count++;
    }

    /** The line on which the current record starts (1-based). */
    public long line() {
        return line;
    }

    public int fieldCount() {
        return count;
    }

    /** Whether the record is an empty line (one NULL field). */
    public boolean blank() {
        return count == 1 && starts[0] < 0;
    }

    public boolean isNull(int field) {
        return starts[field] < 0;
    }

    /** The field as text, null for NULL (invalid UTF-8 becomes U+FFFD; PostgreSQL itself rejects it). */
    public String text(int field) {
        return starts[field] < 0 ? null : new String(data, starts[field], ends[field] - starts[field], StandardCharsets.UTF_8);
    }

    /** The bytes of the current record's fields (unquoted, unescaped): see {@link #starts()} and {@link #ends()}. */
    byte[] data() {
        return data;
    }

    /** Where each field starts in {@link #data()}, -1 for NULL; valid up to {@link #fieldCount()}. */
    int[] starts() {
        return starts;
    }

    int[] ends() {
        return ends;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
