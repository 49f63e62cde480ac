package dev.pgbridge.store;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import org.sqlite.SQLiteConfig;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.concurrent.locks.ReentrantLock;

import static java.util.Objects.requireNonNull;

/**
 * The SQLite file store: one JDBC connection (SQLite serializes writers anyway), guarded by a lock for the threads of
 * this process; {@code busy_timeout} makes other processes' writes wait instead of failing; every write transaction
 * starts with {@code BEGIN IMMEDIATE}, which takes the file's write lock up front, so two processes never both read
 * and then both write. {@code secure_delete} overwrites deleted content, so old ciphertexts do not linger in free
 * pages after an edit or a key rotation.
 */
final class SqliteBackend implements StoreBackend {
    static final int BUSY_TIMEOUT_MILLIS = 10_000;
    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_LOCKED = 6;
    private static final int SQLITE_READONLY = 8;
    private static final int SQLITE_CANTOPEN = 14;
    private static final int SQLITE_NOTADB = 26;

    private final Path file;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();

    private SqliteBackend(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /** See {@link ConnectionStores#preloadDriver(PgBridgeHome)}: for the store file {@code file}. */
    static void preloadDriver(Path file) {
        new SQLiteConfig().setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        SqliteNativeLibrary.preloadFrom(file.toAbsolutePath().normalize().getParent().resolve("cache"));
    }

    /** Opens (creating with mode 0600, in a 0700 directory, when missing) the store file. */
    static SqliteBackend open(Path file) {
        Path absolute = requireNonNull(file, "file is null").toAbsolutePath().normalize();
        createOwnerOnly(absolute);
        SqliteNativeLibrary.useCacheIn(absolute.getParent().resolve("cache")); // the same place as preloadDriver
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        config.setPragma(SQLiteConfig.Pragma.SECURE_DELETE, "true");
        try {
            Connection connection = config.createConnection("jdbc:sqlite:" + absolute);
            return new SqliteBackend(absolute, connection);
        }
        catch (SQLException e) {
            throw new PgBridgeException(ErrorCode.STORE,
                    "cannot open the control store " + absolute + ": " + e.getMessage(),
                    "check that the file is a pgbridge store and that its directory is writable", e);
        }
    }

    private static void createOwnerOnly(Path file) {
        if (Files.exists(file)) {
            return;
        }
        boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
        try {
            Path dir = file.getParent();
            if (!Files.isDirectory(dir)) {
                if (posix) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                }
                else {
                    Files.createDirectories(dir);
                }
            }
            // SQLite gives its journal files the mode of the database file, so they are owner-only too
            if (posix) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            else {
                Files.createFile(file);
            }
        }
        catch (FileAlreadyExistsException e) {
            // another process created it first
        }
        catch (IOException e) {
            throw new PgBridgeException(ErrorCode.STORE, "cannot create the control store " + file + ": " + e,
                    "make " + file.getParent() + " writable, or set PGBRIDGE_HOME to a writable directory", e);
        }
    }

    @Override
    public <T> T inTransaction(SqlWork<T> work) throws SQLException {
        lock.lock();
        try (Statement statement = connection.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            T result;
            try {
                result = work.run(connection);
                statement.execute("COMMIT");
            }
            catch (SQLException | RuntimeException | Error e) {
                try {
                    statement.execute("ROLLBACK");
                }
                catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
            return result;
        }
        finally {
            lock.unlock();
        }
    }

    @Override
    public <T> T read(SqlWork<T> work) throws SQLException {
        lock.lock();
        try {
            return work.run(connection);
        }
        finally {
            lock.unlock();
        }
    }

    @Override
    public String schemaPrefix() {
        return "";
    }

    @Override
    public String timestampType() {
        return "TEXT";
    }

    @Override
    public void prepareMigration(Connection connection) {
        // BEGIN IMMEDIATE already holds the file's write lock
    }

    @Override
    public void lockForRotation(Connection connection) {
        // BEGIN IMMEDIATE already holds the file's write lock
    }

    @Override
    public String forUpdate() {
        return "";
    }

    @Override
    public void bindTimestamp(PreparedStatement statement, int index, Instant value) throws SQLException {
        statement.setString(index, formatInstant(value));
    }

    static String formatInstant(Instant value) {
        return TIMESTAMP.format(value);
    }

    /**
     * {@code 2026-12-07T02:50:01.120000000Z}: always nine fraction digits, so the text sorts as the time does ({@link
     * Instant#toString()} leaves out a zero fraction, and {@code …:01Z} sorts after {@code …:01.500Z}), and nothing is
     * lost.
     */
    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder().appendInstant(9).toFormatter();

    @Override
    public Instant readTimestamp(ResultSet resultSet, String column) throws SQLException {
        return parseInstant(resultSet.getString(column));
    }

    /**
     * The text {@link Instant#toString()} wrote ({@code 2026-12-07T02:50:01.123Z}), read without the general ISO
     * parser, which cost a listing of 1,000 connections a fifth of its time (two timestamps a row); any other form
     * goes to {@link Instant#parse}.
     */
    static Instant parseInstant(String text) {
        int n = text.length();
        if (n >= 20 && n <= 30 && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T'
                && text.charAt(13) == ':' && text.charAt(16) == ':' && text.charAt(n - 1) == 'Z') {
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 7);
            int day = digits(text, 8, 10);
            int hour = digits(text, 11, 13);
            int minute = digits(text, 14, 16);
            int second = digits(text, 17, 19);
            int nanos = 0;
            boolean fractionOk = n == 20;
            if (n > 21 && text.charAt(19) == '.' && n - 21 <= 9) {
                int fraction = digits(text, 20, n - 1);
                if (fraction >= 0) {
                    nanos = fraction;
                    for (int i = n - 21; i < 9; i++) {
                        nanos *= 10;
                    }
                    fractionOk = true;
                }
            }
            if (year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour >= 0 && hour <= 23
                    && minute >= 0 && minute <= 59 && second >= 0 && second <= 59 && fractionOk) {
                try {
                    return java.time.LocalDateTime.of(year, month, day, hour, minute, second, nanos)
                            .toInstant(java.time.ZoneOffset.UTC);
                }
                catch (java.time.DateTimeException e) {
                    // e.g. February 30: let the ISO parser say what is wrong
                }
            }
        }
        return Instant.parse(text);
    }

    /** The decimal number in {@code text[from, to)}, or -1 when a character there is not a digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    @Override
    public String hintFor(SQLException e) {
        return switch (e.getErrorCode() & 0xff) {
            case SQLITE_BUSY, SQLITE_LOCKED -> "another process kept " + file + " locked for more than "
                    + BUSY_TIMEOUT_MILLIS / 1000 + " s; try again";
            case SQLITE_READONLY, SQLITE_CANTOPEN -> "make " + file + " and its directory writable by this user";
            case SQLITE_NOTADB -> file + " is not an SQLite database; move it away or point PGBRIDGE_HOME elsewhere";
            default -> null;
        };
    }

    @Override
    public String describe() {
        return "SQLite file " + file;
    }

    Path file() {
        return file;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            connection.close();
        }
        catch (SQLException e) {
            throw new PgBridgeException(ErrorCode.STORE, "cannot close the control store " + file + ": "
                    + e.getMessage(), null, e);
        }
        finally {
            lock.unlock();
        }
    }
}
