package dev.pgbridge.cdc.sink;

import dev.pgbridge.cdc.event.ChangeEvent;
import dev.pgbridge.cdc.event.CommittedTransaction;
import dev.pgbridge.cdc.event.EventEncoder;
import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.error.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Events as JSON lines, one file series per table: {@code <dir>/<schema>.<table>.<seq>.jsonl}, {@code seq} ten
 * digits, zero-padded, so the names sort in event order. A file is closed and the next {@code seq} started once it
 * reaches {@code maxFileBytes}. Each line is {@code {"key": …, "value": …}}.
 *
 * <p>In the schema and table parts of a name, a character other than a letter, a digit, {@code _} or {@code -} is
 * written as {@code %XX} per UTF-8 byte (so {@code .} inside a name cannot be mistaken for the separator).
 *
 * <p>{@link #flush()} writes out the buffers and fsyncs every file written since the last flush (and the directory
 * when files were created) before it returns. A crash can leave a torn last line (a write that did not finish); on
 * open, the last file of each table is cut back to its last complete line.
 */
public final class JsonLinesSink implements ChangeSink {
    private static final Logger LOG = LoggerFactory.getLogger(JsonLinesSink.class);
    private static final Pattern FILE = Pattern.compile("(.+)\\.(\\d{10})\\.jsonl");
    public static final long DEFAULT_MAX_FILE_BYTES = 128L << 20;

    private final Path directory;
    private final long maxFileBytes;
    private final Map<String, Long> lastSeq = new HashMap<>();
    private final Map<TableId, Writer> writers = new HashMap<>();
    private final List<Path> repaired = new ArrayList<>();
    private final EventEncoder encoder = new EventEncoder();
    private boolean directoryDirty;

    /** Opens (creates) {@code directory}; fails with a {@link SinkFailure} when it cannot be created or read. */
    public JsonLinesSink(Path directory, long maxFileBytes) {
        this.directory = requireNonNull(directory, "directory is null");
        if (maxFileBytes < 1) {
            throw new IllegalArgumentException("maxFileBytes must be positive");
        }
        this.maxFileBytes = maxFileBytes;
        try {
            open();
        }
        catch (IOException e) {
            throw failure("opening", e);
        }
    }

    private void open() throws IOException {
        Files.createDirectories(directory);
        Map<String, Path> last = new HashMap<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Matcher m = FILE.matcher(p.getFileName().toString());
                if (m.matches()) {
                    long seq = Long.parseLong(m.group(2));
                    if (seq >= lastSeq.getOrDefault(m.group(1), -1L)) {
                        lastSeq.put(m.group(1), seq);
                        last.put(m.group(1), p);
                    }
                }
            }
        }
        for (Path p : last.values()) {
            repairTornLine(p);
        }
    }

    /** Files whose torn last line was cut off when this sink was opened. */
    public List<Path> repairedFiles() {
        return List.copyOf(repaired);
    }

    private void repairTornLine(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size == 0) {
                return;
            }
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, size - 1);
            if (one.get(0) == '\n') {
                return;
            }
            long keep = 0;
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            for (long end = size; end > 0 && keep == 0; ) {
                long start = Math.max(0, end - chunk.capacity());
                chunk.clear().limit((int) (end - start));
                ch.read(chunk, start);
                for (int i = (int) (end - start) - 1; i >= 0; i--) {
                    if (chunk.get(i) == '\n') {
                        keep = start + i + 1;
                        break;
                    }
                }
                end = start;
            }
            ch.truncate(keep);
            ch.force(true);
            repaired.add(file);
            LOG.warn("{}: cut a torn last line ({} bytes) left by an interrupted write", file, size - keep);
        }
    }

    /** The file-name prefix of a table: {@code schema.table} with unsafe characters percent-encoded. */
    public static String prefix(TableId table) {
        return encode(table.schema()) + "." + encode(table.table());
    }

    /** The file of a table with this sequence number. */
    public static String fileName(TableId table, long seq) {
        return prefix(table) + "." + String.format(Locale.ROOT, "%010d", seq) + ".jsonl";
    }

    private static String encode(String name) {
        StringBuilder sb = new StringBuilder();
        name.codePoints().forEach(cp -> {
            if (Character.isLetterOrDigit(cp) || cp == '_' || cp == '-') {
                sb.appendCodePoint(cp);
            }
            else {
                for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    sb.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
                }
            }
        });
        return sb.toString();
    }

    @Override
    public void accept(CommittedTransaction transaction) {
        try {
            for (Iterator<ChangeEvent> it = transaction.events(); it.hasNext(); ) {
                ChangeEvent event = it.next();
                encoder.line(event);
                writer(event.table()).write(encoder.array(), encoder.length());
            }
        }
        catch (IOException e) {
            throw failure("writing " + transaction + " to", e);
        }
    }

    /** A file failure: the disk is full, the directory not writable, the file system gone. */
    private SinkFailure failure(String what, IOException e) {
        return new SinkFailure(ErrorCode.IO, "jsonl sink: " + what + " " + directory + " failed: " + e,
                "check the free space (df -h " + directory + ") and the permissions of " + directory + "; nothing "
                        + "after the last checkpoint is confirmed to PostgreSQL, and the capture resumes from its "
                        + "checkpoint when started again", e);
    }

    private Writer writer(TableId table) throws IOException {
        Writer w = writers.get(table);
        if (w != null && w.size < maxFileBytes) {
            return w;
        }
        String prefix = prefix(table);
        if (w != null) {
            w.close(true);
            writers.remove(table);
            lastSeq.put(prefix, lastSeq.get(prefix) + 1);
        }
        long seq = lastSeq.getOrDefault(prefix, 0L);
        lastSeq.put(prefix, seq);
        Path file = directory.resolve(fileName(table, seq));
        if (Files.exists(file) && Files.size(file) >= maxFileBytes) {
            seq++;
            lastSeq.put(prefix, seq);
            file = directory.resolve(fileName(table, seq));
        }
        if (!Files.exists(file)) {
            directoryDirty = true;
        }
        w = new Writer(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND));
        writers.put(table, w);
        return w;
    }

    @Override
    public void flush() {
        try {
            sync();
        }
        catch (IOException e) {
            throw failure("flushing", e);
        }
    }

    private void sync() throws IOException {
        for (Writer w : writers.values()) {
            w.flush(true);
        }
        if (directoryDirty) {
            try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
                dir.force(true);
            }
            directoryDirty = false;
        }
    }

    @Override
    public void close() {
        flush();
        try {
            for (Writer w : writers.values()) {
                w.close(false);
            }
        }
        catch (IOException e) {
            throw failure("closing the files in", e);
        }
        finally {
            writers.clear();
        }
    }

    /** One open file: a write buffer in front of the channel, fsynced on flush. */
    private static final class Writer {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        private long size;
        private boolean unsynced;

        Writer(FileChannel channel) throws IOException {
            this.channel = channel;
            this.size = channel.size();
        }

        void write(byte[] bytes, int length) throws IOException {
            if (length > buffer.remaining()) {
                drain();
            }
            if (length > buffer.capacity()) {
                ByteBuffer big = ByteBuffer.wrap(bytes, 0, length);
                while (big.hasRemaining()) {
                    channel.write(big);
                }
            }
            else {
                buffer.put(bytes, 0, length);
            }
            size += length;
            unsynced = true;
        }

        private void drain() throws IOException {
            buffer.flip();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            buffer.clear();
        }

        void flush(boolean sync) throws IOException {
            drain();
            if (sync && unsynced) {
                channel.force(false);
                unsynced = false;
            }
        }

        void close(boolean sync) throws IOException {
            flush(sync);
            channel.close();
        }
    }
}
