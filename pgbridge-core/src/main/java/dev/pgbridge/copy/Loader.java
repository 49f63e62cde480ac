package dev.pgbridge.copy;

import dev.pgbridge.sql.QualifiedName;
import dev.pgbridge.catalog.Catalog;
import com.fasterxml.jackson.core.exc.StreamReadException;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.FileErrors;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.connection.SqlErrors;
import dev.pgbridge.pgtype.PgJson;
import dev.pgbridge.pgtype.PgType;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Loads CSV or JSON lines into a table through {@code COPY … FROM STDIN}, in chunks, in ONE transaction: all rows or
 * none. A bad row anywhere (a malformed line, a value PostgreSQL rejects, a constraint it breaks) fails the load
 * with the input line (the CSV header is line 1) and the column, and the transaction is rolled back, so the table is
 * exactly as before — also after {@code truncate}, which runs in the same transaction, and after {@code create},
 * which then never happened.
 *
 * <p>CSV fields are PostgreSQL's text forms; JSON values are converted to them per the column's type (see
 * {@link PgJson#readText}). They are sent in COPY's binary format where every column has a simple binary form and the
 * conversion is exact ({@link LoadBinaryEncoder}), else re-escaped for COPY's text format, which keeps NULL and the
 * empty string apart. Memory stays flat whatever the input size: one record, one COPY buffer and one line number
 * per row of a chunk. {@code create} needs every value before the first row is sent: a file is read twice, a stream
 * is spooled to a temporary file (never held in memory).
 */
public final class Loader {
    private static final Logger log = LoggerFactory.getLogger(Loader.class);

    private final ConnectionConfig target;

    /** A loader for {@code target}, which also names the server in messages. */
    public Loader(ConnectionConfig target) {
        this.target = requireNonNull(target, "target is null");
    }

    /** Connects to the target, loads, commits and disconnects. */
    public LoadResult load(LoadInput input, LoadOptions options) {
        return load(input, options, CommitGate.create());
    }

    /**
     * Connects to the target, loads, commits through {@code gate} and disconnects; once the gate is interrupted the
     * load rolls back and fails with {@link ErrorCode#CANCELED}.
     */
    public LoadResult load(LoadInput input, LoadOptions options, CommitGate gate) {
        return load(input, options, gate, ProgressListener.NONE);
    }

    /** As {@link #load(LoadInput, LoadOptions, CommitGate)}, telling {@code listener} the rows and bytes read so far. */
    public LoadResult load(LoadInput input, LoadOptions options, CommitGate gate, ProgressListener listener) {
        Connection connection;
        try {
            connection = JdbcTarget.of(target).connect();
        }
        catch (SQLException e) {
            throw SqlErrors.translate(e, target);
        }
        try (connection) {
            return load(connection, input, options, gate, listener);
        }
        catch (SQLException e) {
            throw SqlErrors.translate(e, target);
        }
    }

    /**
     * Loads on an open pgjdbc connection in a transaction of its own (autocommit is switched off for the load and
     * restored after); commits on success, rolls back on any failure.
     */
    public LoadResult load(Connection connection, LoadInput input, LoadOptions options) {
        return load(connection, input, options, CommitGate.create());
    }

    /**
     * As {@link #load(Connection, LoadInput, LoadOptions)}, committing through {@code gate}. Whatever ends the load
     * other than its success (a bad row, an exception, an {@link Error} such as OutOfMemoryError, an interruption)
     * rolls the transaction back before autocommit is restored, so restoring it never commits a half-loaded table;
     * when the rollback itself fails, autocommit is left off (the connection is broken and its transaction dies
     * with it).
     */
    public LoadResult load(Connection connection, LoadInput input, LoadOptions options, CommitGate gate) {
        return load(connection, input, options, gate, ProgressListener.NONE);
    }

    /**
     * As {@link #load(Connection, LoadInput, LoadOptions, CommitGate)}, telling {@code listener} every few thousand
     * rows (on the loading thread) the rows and bytes of input read so far.
     */
    public LoadResult load(Connection connection, LoadInput input, LoadOptions options, CommitGate gate,
                           ProgressListener listener) {
        requireNonNull(connection, "connection is null");
        requireNonNull(input, "input is null");
        requireNonNull(options, "options is null");
        requireNonNull(gate, "gate is null");
        requireNonNull(listener, "listener is null");
        return new Run(connection, input, options, gate, listener).execute();
    }

    /** The message of a load stopped by an interruption (Ctrl-C, SIGTERM) before its COMMIT. */
    public static final String INTERRUPTED = "interrupted: rolled back, nothing loaded";

    private enum Phase { PREPARE, COPY, MERGE, COMMIT }

    /** One load: its state, so failures can say where they happened. */
    private final class Run {
        private final Connection c;
        private final LoadInput input;
        private final LoadOptions o;
        private final CommitGate gate;
        private final ProgressListener listener;
        private final long start = System.nanoTime();
        private Phase phase = Phase.PREPARE;
        private CountingInputStream counted;
        private long rowsRead;
        private String tableName;
        private boolean creating;
        private List<String> names;
        private LoadTarget loadTarget;
        private LoadCopy copy;
        private Path spool;

        Run(Connection c, LoadInput input, LoadOptions o, CommitGate gate, ProgressListener listener) {
            this.c = c;
            this.input = input;
            this.o = o;
            this.gate = gate;
            this.listener = listener;
            this.tableName = o.table();
        }

        LoadResult execute() {
            boolean autoCommit;
            try {
                autoCommit = c.getAutoCommit();
                c.setAutoCommit(false);
            }
            catch (SQLException e) {
                throw SqlErrors.translate(e, target);
            }
            gate.watch(c);
            boolean ended = false; // committed or rolled back: restoring autocommit then commits nothing
            try {
                LoadResult result = inTransaction();
                phase = Phase.COMMIT;
                gate.commit(c, input instanceof LoadInput.FromStream);
                ended = true;
                return new LoadResult(result.table(), result.rows(), result.chunks(), result.bytes(),
                        Duration.ofNanos(System.nanoTime() - start), result.binary(), result.createdTable(), result.merged());
            }
            catch (Throwable t) {
                // roll back first, before anything else can fail: an Error (OutOfMemoryError) included
                SQLException notRolledBack = rollback();
                ended = notRolledBack == null;
                if (t instanceof Error e) {
                    if (notRolledBack != null) {
                        e.addSuppressed(notRolledBack);
                    }
                    throw e;
                }
                RuntimeException failure = failure(t);
                if (notRolledBack != null) {
                    failure.addSuppressed(notRolledBack);
                }
                throw failure;
            }
            finally {
                gate.unwatch(c);
                restoreAutoCommit(autoCommit, ended);
                deleteSpool();
            }
        }

        /** Only after a commit or a rollback: with a transaction open, switching autocommit on would commit it. */
        private void restoreAutoCommit(boolean autoCommit, boolean ended) {
            if (!ended) {
                log.warn("autocommit is left off: the load's transaction could not be rolled back (the connection is broken)");
                return;
            }
            try {
                if (!c.isClosed()) {
                    c.setAutoCommit(autoCommit);
                }
            }
            catch (SQLException e) {
                // the connection is broken; the failure being thrown says why
                log.debug("cannot restore autocommit", e);
            }
        }

        private LoadResult inTransaction() throws SQLException, IOException {
            Optional<LoadTable> existing = LoadTable.find(c, o.table());
            String created = null;
            LoadInput source = input;
            LoadTable table;
            if (existing.isPresent()) {
                table = existing.get();
            }
            else {
                if (!o.create()) {
                    throw notFound();
                }
                creating = true;
                List<TableCreator.Column> columns = withKey(infer());
                if (spool != null) {
                    source = LoadInput.file(spool);
                }
                TableCreator.Created made = TableCreator.create(c, o.table(), columns, o.upsertKey());
                created = made.sql();
                table = LoadTable.find(c, made.qualifiedName()).orElseThrow(() -> new PgBridgeException(
                        ErrorCode.INTERNAL, "the table just created is not found: " + made.qualifiedName(), null));
            }
            tableName = table.qualifiedName();
            CountingInputStream in = new CountingInputStream(open(source));
            counted = in;
            try (in) {
                long rows = o.format() == LoadFormat.CSV ? loadCsv(table, in) : loadJson(table, in, created != null);
                phase = Phase.MERGE;
                long merged = loadTarget.finish(c);
                return new LoadResult(tableName, rows, copy.chunks(), in.count(), Duration.ofNanos(System.nanoTime() - start),
                        copy.binary(), created, merged);
            }
        }

        private void startCopy(LoadTable table, List<String> columnNames) throws SQLException {
            names = List.copyOf(columnNames);
            loadTarget = LoadTarget.prepare(c, table, names, o.truncate(), o.upsertKey());
            copy = new LoadCopy(c.unwrap(PGConnection.class).getCopyAPI(), loadTarget, o.chunkRows(),
                    LoadBinaryEncoder.forColumns(loadTarget.columns()));
            phase = Phase.COPY;
        }

        private long loadCsv(LoadTable table, InputStream in) throws SQLException, IOException {
            try (CsvRecordReader reader = new CsvRecordReader(in)) {
                List<String> columns = o.columns();
                if (o.header()) {
                    List<String> header = header(reader);
                    if (columns.isEmpty()) {
                        columns = header.isEmpty() ? insertable(table) : header;
                    }
                }
                else if (columns.isEmpty()) {
                    columns = insertable(table);
                }
                startCopy(table, columns);
                int n = columns.size();
                while (reader.next()) {
                    if (reader.fieldCount() != n) {
                        if (reader.blank()) {
                            continue; // an empty line holds no row of several columns
                        }
                        throw new LoadDataException(reader.line(), -1, reader.fieldCount() + " fields, but " + n
                                + (n == 1 ? " column is" : " columns are") + " loaded (" + String.join(", ", columns) + ")");
                    }
                    copy.row(reader.data(), reader.starts(), reader.ends(), n, reader.line());
                    rowLoaded();
                }
                return copy.finish();
            }
        }

        /** The header's names; empty for an empty input. */
        private List<String> header(CsvRecordReader reader) throws IOException {
            if (!reader.next()) {
                return List.of();
            }
            List<String> header = new ArrayList<>();
            for (int i = 0; i < reader.fieldCount(); i++) {
                String name = reader.text(i);
                if (name == null || name.isEmpty()) {
                    throw new LoadDataException(reader.line(), -1, "header field " + (i + 1) + " is empty: the header "
                            + "names the column of every field (give --no-header if the input has no header)");
                }
                header.add(name);
            }
            return header;
        }

        private long loadJson(LoadTable table, InputStream raw, boolean createdFromInput) throws SQLException, IOException {
            InputStream in = new BufferedInputStream(raw, 1 << 16);
            List<String> columns;
            String origin = "the table's columns";
            boolean ignoreOtherKeys = !o.columns().isEmpty();
            if (ignoreOtherKeys) {
                columns = o.columns();
            }
            else if (createdFromInput) {
                columns = insertable(table);
            }
            else {
                JsonLinesRecordReader.FirstKeys first = JsonLinesRecordReader.firstKeys(in);
                in = first.input();
                columns = first.keys().isEmpty() ? insertable(table) : first.keys();
                origin = first.keys().isEmpty() ? origin : "the keys of the first object";
            }
            startCopy(table, columns);
            int n = columns.size();
            Map<String, Integer> index = new HashMap<>();
            PgType[] types = new PgType[n];
            for (int i = 0; i < n; i++) {
                index.put(columns.get(i), i);
                types[i] = loadTarget.columns().get(i).valueType();
            }
            LoadTextBuffer row = new LoadTextBuffer(4096);
            int[] starts = new int[n];
            int[] ends = new int[n];
            boolean[] seen = new boolean[n];
            try (JsonLinesRecordReader reader = new JsonLinesRecordReader(in)) {
                while (reader.next()) {
                    long line = reader.line();
                    Arrays.fill(starts, -1);
                    Arrays.fill(seen, false);
                    row.clear();
                    String key;
                    while ((key = reader.nextKey()) != null) {
                        Integer i = index.get(key);
                        if (i == null) {
                            if (ignoreOtherKeys) {
                                reader.skipValue();
                                continue;
                            }
                            throw new LoadDataException(line, key, "the key \"" + key + "\" is not one of the columns "
                                    + "being loaded (" + String.join(", ", columns) + ": " + origin + "); "
                                    + "give --columns to choose the keys to load", null);
                        }
                        if (seen[i]) {
                            throw new LoadDataException(line, key, "the key appears twice in this object", null);
                        }
                        seen[i] = true;
                        int start = row.size();
                        try {
                            if (PgJson.readText(reader.parser(), types[i], row)) {
                                starts[i] = start;
                            }
                        }
                        catch (IllegalArgumentException e) {
                            throw new LoadDataException(line, key, e.getMessage(), e);
                        }
                        catch (StreamReadException e) {
                            throw new LoadDataException(e.getLocation() == null ? line : e.getLocation().getLineNr(),
                                    key, "invalid JSON: " + e.getOriginalMessage(), e);
                        }
                        ends[i] = row.size();
                    }
                    copy.row(row.array(), starts, ends, n, line);
                    rowLoaded();
                }
            }
            return copy.finish();
        }

        /** Counts a row handed to COPY; every 4,096 rows the listener hears of it. */
        private void rowLoaded() {
            if ((++rowsRead & 4095) == 0) {
                listener.progress(rowsRead, counted.count());
            }
        }

        /** With an upsert key, the table is created with it as primary key (its columns NOT NULL). */
        private List<TableCreator.Column> withKey(List<TableCreator.Column> columns) {
            List<String> names = columns.stream().map(TableCreator.Column::name).toList();
            for (String key : o.upsertKey()) {
                if (!names.contains(key)) {
                    throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "upsert key column \"" + key
                            + "\" is not among the columns of the input: " + String.join(", ", names),
                            "the key must name columns the input has, exactly as spelled" + LoadTarget.didYouMean(key, names));
                }
            }
            return columns.stream().map(col -> o.upsertKey().contains(col.name())
                    ? new TableCreator.Column(col.name(), col.type(), true) : col).toList();
        }

        /** The table's columns COPY can write (all but generated ones), in table order. */
        private List<String> insertable(LoadTable table) {
            return table.columns().stream().filter(col -> !col.generated()).map(LoadColumn::name).toList();
        }

        /** Pass one of --create: reads every value (spooling a stream to a temporary file) and picks the types. */
        private List<TableCreator.Column> infer() throws IOException, SQLException {
            InputStream raw;
            OutputStream spoolOut = null;
            if (input instanceof LoadInput.FromStream stream) {
                spool = Files.createTempFile("pgbridge-load-", "." + o.format());
                spoolOut = new BufferedOutputStream(Files.newOutputStream(spool), 1 << 16);
                raw = new TeeInputStream(stream.in(), spoolOut);
            }
            else {
                raw = open(input);
            }
            LoadTypeInference inference;
            try (InputStream in = raw) {
                inference = o.format() == LoadFormat.CSV ? inferCsv(in) : inferJson(in);
            }
            finally {
                if (spoolOut != null) {
                    spoolOut.close();
                }
            }
            return inference.columns(serverVersionNum());
        }

        private LoadTypeInference inferCsv(InputStream in) throws IOException {
            try (CsvRecordReader reader = new CsvRecordReader(in)) {
                List<String> columns = o.columns();
                if (o.header()) {
                    List<String> header = header(reader);
                    if (columns.isEmpty()) {
                        columns = header;
                    }
                }
                if (columns.isEmpty()) {
                    throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "cannot create " + o.table() + ": "
                            + (o.header() ? "the input is empty" : "the input has no header"),
                            "name the columns with --columns a,b,c");
                }
                for (int i = 0; i < columns.size(); i++) {
                    if (columns.indexOf(columns.get(i)) != i) {
                        throw new LoadDataException(1, -1, "the header names column \"" + columns.get(i) + "\" twice");
                    }
                }
                names = columns;
                LoadTypeInference inference = LoadTypeInference.forCsv(columns);
                int n = columns.size();
                while (reader.next()) {
                    if (reader.fieldCount() != n) {
                        if (reader.blank()) {
                            continue;
                        }
                        throw new LoadDataException(reader.line(), -1, reader.fieldCount() + " fields, but the header has " + n);
                    }
                    for (int i = 0; i < n; i++) {
                        inference.csvValue(i, reader.text(i));
                    }
                }
                return inference;
            }
        }

        private LoadTypeInference inferJson(InputStream in) throws IOException {
            LoadTypeInference inference = LoadTypeInference.forJson();
            boolean only = !o.columns().isEmpty();
            o.columns().forEach(inference::column);
            try (JsonLinesRecordReader reader = new JsonLinesRecordReader(new BufferedInputStream(in, 1 << 16))) {
                while (reader.next()) {
                    String key;
                    while ((key = reader.nextKey()) != null) {
                        if (only && !o.columns().contains(key)) {
                            reader.skipValue();
                            continue;
                        }
                        try {
                            inference.jsonValue(inference.column(key), reader.parser());
                        }
                        catch (StreamReadException e) {
                            throw new LoadDataException(e.getLocation() == null ? reader.line() : e.getLocation().getLineNr(),
                                    key, "invalid JSON: " + e.getOriginalMessage(), e);
                        }
                    }
                }
            }
            if (inference.names().isEmpty()) {
                throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "cannot create " + o.table()
                        + ": the input has no keys to make columns of", "load a non-empty input, or give --columns");
            }
            return inference;
        }

        private int serverVersionNum() throws SQLException {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version_num")) {
                rs.next();
                return Integer.parseInt(rs.getString(1));
            }
        }

        private InputStream open(LoadInput source) throws IOException {
            return switch (source) {
                case LoadInput.FromFile file -> Files.newInputStream(file.path());
                case LoadInput.FromStream stream -> stream.in();
            };
        }

        private PgBridgeException notFound() throws SQLException {
            PgBridgeException missing = new Catalog(c).notFound(QualifiedName.parse(o.table()));
            return new PgBridgeException(ErrorCode.NOT_FOUND, missing.getMessage(), missing.hint()
                    + " (or give --create to create it from the input)");
        }

        private RuntimeException failure(Throwable t) {
            if (gate.interrupted()) {
                // whatever the interruption caused (a canceled statement, a closed connection) is not the news
                return new PgBridgeException(ErrorCode.CANCELED, INTERRUPTED, nothingLoaded(), t);
            }
            return switch (t) {
                case PgBridgeException p -> p;
                case LoadDataException d -> dataError(d);
                case SQLException s -> sqlError(s);
                case IOException io -> FileErrors.cannotRead(input.name(), io);
                case UncheckedIOException io -> new PgBridgeException(ErrorCode.IO, "cannot read " + input.name() + ": "
                        + io.getCause().getMessage(), "check that the input is readable and complete", io);
                case RuntimeException r -> r;
                default -> new IllegalStateException(t);
            };
        }

        private String prefix() {
            return "cannot load " + input.name() + " into " + tableName + ": ";
        }

        private String nothingLoaded() {
            return "nothing was loaded: the load is one transaction and it was rolled back, so "
                    + (creating ? "the table was not created" : tableName + " is exactly as it was");
        }

        private PgBridgeException dataError(LoadDataException e) {
            String column = e.column();
            if (column == null && e.field() >= 0 && names != null && e.field() < names.size()) {
                column = names.get(e.field());
            }
            String where = e.line() > 0 ? "line " + e.line() : "the input";
            String what = where + (column != null ? ", column \"" + column + "\"" : e.field() >= 0 ? ", field " + (e.field() + 1) : "");
            return new PgBridgeException(ErrorCode.INVALID_DATA, prefix() + what + ": " + e.getMessage(),
                    nothingLoaded() + "; fix " + where + " of " + input.name() + " and load again", e);
        }

        private PgBridgeException sqlError(SQLException e) {
            if (phase == Phase.COPY && copy != null) {
                Optional<LoadCopyError> row = LoadCopyError.of(e, names);
                if (row.isPresent()) {
                    long line = copy.inputLine(row.get().copyLine());
                    String where = line > 0 ? "line " + line : "row " + row.get().copyLine() + " of the chunk of lines "
                            + copy.firstLineOfChunk() + " to " + copy.lastLineOfChunk();
                    return new PgBridgeException(ErrorCode.INVALID_DATA, prefix() + row.get().describe(where),
                            nothingLoaded() + "; fix " + (line > 0 ? where : "the row") + " of " + input.name()
                                    + " and load again", e);
                }
            }
            PgBridgeException translated = SqlErrors.translate(e, target);
            if (translated.code() != ErrorCode.SQL_ERROR) {
                return translated;
            }
            String where = switch (phase) {
                case PREPARE -> "";
                case COPY -> copy != null && copy.firstLineOfChunk() > 0
                        ? "in the chunk of lines " + copy.firstLineOfChunk() + " to " + copy.lastLineOfChunk() + ": " : "";
                case MERGE -> "merging into the table: ";
                case COMMIT -> "at commit (a deferred constraint?): ";
            };
            return new PgBridgeException(ErrorCode.SQL_ERROR, prefix() + where + translated.getMessage(),
                    nothingLoaded() + (translated.hint() == null ? "" : "; " + translated.hint()), e);
        }

        /** Ends a COPY in flight and rolls back; returns null when rolled back (or the connection is gone), else why not. */
        private SQLException rollback() {
            try {
                if (copy != null) {
                    copy.abort();
                }
            }
            catch (SQLException | RuntimeException e) {
                // the rollback below ends the COPY anyway (or fails, and says so)
                log.debug("cannot cancel the COPY in flight", e);
            }
            try {
                if (!c.isClosed()) {
                    c.rollback();
                }
                return null;
            }
            catch (SQLException e) {
                return e;
            }
        }

        private void deleteSpool() {
            if (spool != null) {
                try {
                    Files.deleteIfExists(spool);
                }
                catch (IOException e) {
                    spool.toFile().deleteOnExit();
                }
            }
        }
    }

    /** Counts the bytes read, for the rate a load reports. */
    private static final class CountingInputStream extends FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        long count() {
            return count;
        }
    }

    /** Copies everything read into a spool file. */
    private static final class TeeInputStream extends FilterInputStream {
        private final OutputStream copy;

        TeeInputStream(InputStream in, OutputStream copy) {
            super(in);
            this.copy = copy;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                copy.write(b);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                copy.write(b, off, n);
            }
            return n;
        }

        @Override
        public void close() {
            // the stream is the caller's (standard input); the spool is closed by the loader
        }
    }
}
