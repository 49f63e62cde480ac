package dev.pgbridge.error;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * Why a file could not be read, in words a user acts on ("no such file or directory", "permission denied"), never an
 * exception's class name: Java's {@code NoSuchFileException} carries only the path as its message.
 */
public final class FileErrors {
    private FileErrors() {
    }

    /** The reason of {@code e} in a few words. */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getMessage() == null || e.getMessage().isBlank() ? "an input/output error" : e.getMessage();
    }

    /** {@code cannot read <what>: <reason>}, with a hint that fits the reason. */
    public static PgBridgeException cannotRead(String what, IOException e) {
        String hint = e instanceof NoSuchFileException ? "check the path (relative paths start in the current directory)"
                : e instanceof AccessDeniedException ? "make the file readable by the user running pgbridge"
                : "check that the file is readable and complete";
        return new PgBridgeException(ErrorCode.IO, "cannot read " + what + ": " + reason(e), hint, e);
    }
}
