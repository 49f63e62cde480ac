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

    /** Opens (creating with mode 0600, in a 0700 directory, when missing) the store file. */
    static SqliteBackend open(Path file) {
        Path absolute = requireNonNull(file, "file is null").toAbsolutePath().normalize();
        createOwnerOnly(absolute);
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
        statement.setString(index, value.toString());
    }

    @Override
    public Instant readTimestamp(ResultSet resultSet, String column) throws SQLException {
        return Instant.parse(resultSet.getString(column));
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
