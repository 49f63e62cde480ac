package dev.pgbridge.secret;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.FileErrors;
import dev.pgbridge.error.PgBridgeException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * One file holding a master key in its text form, readable by its owner only (0600).
 *
 * <p>Files are never written in place: the key goes to a temporary file that is created with mode 0600 (so it is
 * never readable by anyone else, not even for a moment), flushed to disk, and then linked or renamed to its name.
 * A reader therefore sees either no file or a complete one. On file systems without POSIX permissions the
 * permission checks are skipped.
 */
public final class MasterKeyFile {
    static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> GROUP_OR_OTHER = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private final Path path;

    public MasterKeyFile(Path path) {
        this.path = requireNonNull(path, "path is null").toAbsolutePath();
    }

    public Path path() {
        return path;
    }

    public boolean exists() {
        return Files.exists(path);
    }

    /**
     * The key in the file. Fails with {@link ErrorCode#MASTER_KEY} when the file is missing, unreadable, readable
     * or writable by group or others, or does not hold a valid key (the message never shows the file's content).
     */
    public MasterKey read() {
        if (!Files.isRegularFile(path)) {
            throw new PgBridgeException(ErrorCode.MASTER_KEY,
                    "master key file " + path + (Files.exists(path) ? " is not a regular file" : " does not exist"),
                    "set PGBRIDGE_MASTER_KEY or restore the file (" + MasterKey.HOW_TO_MAKE + ")");
        }
        checkPermissions();
        String text;
        try {
            text = Files.readString(path, StandardCharsets.US_ASCII);
        }
        catch (IOException e) {
            throw new PgBridgeException(ErrorCode.MASTER_KEY,
                    "cannot read master key file " + path + ": " + FileErrors.reason(e),
                    "check that the file belongs to the user running pgbridge (chmod 600 " + path + ")", e);
        }
        return MasterKey.parse(text, "master key file " + path);
    }

    private void checkPermissions() {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        Set<PosixFilePermission> permissions;
        try {
            permissions = view.readAttributes().permissions();
        }
        catch (IOException e) {
            throw new PgBridgeException(ErrorCode.MASTER_KEY,
                    "cannot read the permissions of master key file " + path + ": " + FileErrors.reason(e), null, e);
        }
        Set<PosixFilePermission> loose = EnumSet.noneOf(PosixFilePermission.class);
        loose.addAll(permissions);
        loose.retainAll(GROUP_OR_OTHER);
        if (!loose.isEmpty()) {
            throw new PgBridgeException(ErrorCode.MASTER_KEY,
                    "master key file " + path + " has permissions " + PosixFilePermissions.toString(permissions)
                            + ": group or others may use it; refusing to use the key until only its owner can (0600)",
                    "chmod 600 " + path + " (and consider the key leaked: then run `pgbridge store rotate-key`)");
        }
    }

    /**
     * Writes {@code key} to this file unless the file already exists. Returns false, leaving the file alone, when it
     * exists (also when another process created it first: exactly one creator wins).
     */
    public boolean createIfAbsent(MasterKey key) {
        requireNonNull(key, "key is null");
        if (Files.exists(path)) {
            return false;
        }
        Path temp = writeTemp(key);
        try {
            try {
                // link(2) fails if the name exists: an atomic "create if absent" for a file already written
                Files.createLink(path, temp);
            }
            catch (FileAlreadyExistsException e) {
                return false;
            }
            catch (UnsupportedOperationException | FileSystemException e) {
                // no hard links here (some network or FUSE file systems): a rename that refuses to replace
                try {
                    Files.move(temp, path);
                }
                catch (FileAlreadyExistsException exists) {
                    return false;
                }
            }
            syncDirectory();
            return true;
        }
        catch (IOException e) {
            throw cannotWrite(e);
        }
        finally {
            deleteQuietly(temp);
        }
    }

    /** Writes {@code key} to this file, atomically replacing what was there. */
    public void write(MasterKey key) {
        requireNonNull(key, "key is null");
        Path temp = writeTemp(key);
        try {
            moveReplacing(temp, path);
        }
        catch (IOException e) {
            deleteQuietly(temp);
            throw cannotWrite(e);
        }
    }

    /** Atomically renames this file to {@code target}, replacing it; afterwards this file no longer exists. */
    public void moveTo(MasterKeyFile target) {
        requireNonNull(target, "target is null");
        try {
            moveReplacing(path, target.path);
        }
        catch (IOException e) {
            throw new PgBridgeException(ErrorCode.MASTER_KEY,
                    "cannot move master key file " + path + " to " + target.path + ": " + FileErrors.reason(e),
                    "check the permissions of " + path.getParent(), e);
        }
    }

    public void delete() {
        try {
            Files.deleteIfExists(path);
        }
        catch (IOException e) {
            throw new PgBridgeException(ErrorCode.MASTER_KEY,
                    "cannot delete master key file " + path + ": " + FileErrors.reason(e), "delete it by hand", e);
        }
    }

    private void moveReplacing(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory();
    }

    /** A complete, flushed temporary file holding the key, next to this file, created 0600. */
    private Path writeTemp(MasterKey key) {
        Path dir = path.getParent();
        Path temp = dir.resolve("." + path.getFileName() + ".tmp-" + HexFormat.of().formatHex(randomBytes()));
        boolean posix;
        try {
            createDirectories(dir);
            posix = Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class);
        }
        catch (IOException e) {
            throw cannotWrite(e);
        }
        // O_CREAT|O_EXCL with mode 0600: the umask can only take bits away, so the file is never readable by others
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        byte[] content = (key.text() + "\n").getBytes(StandardCharsets.US_ASCII);
        try (FileChannel channel = FileChannel.open(temp,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attributes)) {
            if (posix) {
                Files.setPosixFilePermissions(temp, OWNER_ONLY);
            }
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
            return temp;
        }
        catch (IOException e) {
            deleteQuietly(temp);
            throw cannotWrite(e);
        }
        finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /** Creates missing directories with mode 0700. */
    static void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.getParent();
        if (parent != null && Files.notExists(parent)) {
            createDirectories(parent);
        }
        try {
            if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            }
            else {
                Files.createDirectory(dir);
            }
        }
        catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
    }

    private void syncDirectory() {
        // makes the new name durable; not every platform can open a directory, and then there is nothing to do
        try (FileChannel dir = FileChannel.open(path.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
        catch (IOException | UnsupportedOperationException e) {
            // best effort only
        }
    }

    private PgBridgeException cannotWrite(IOException e) {
        return new PgBridgeException(ErrorCode.MASTER_KEY,
                "cannot create master key file " + path + ": " + FileErrors.reason(e),
                "make " + path.getParent() + " writable by the user running pgbridge, or set PGBRIDGE_MASTER_KEY ("
                        + MasterKey.HOW_TO_MAKE + ")", e);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        }
        catch (IOException e) {
            // a leftover temporary file is 0600 and harmless; the error that matters is already being reported
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[8];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    @Override
    public String toString() {
        return "MasterKeyFile[" + path + "]";
    }
}
