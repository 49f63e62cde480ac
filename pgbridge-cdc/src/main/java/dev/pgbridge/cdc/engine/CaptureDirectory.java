package dev.pgbridge.cdc.engine;

import dev.pgbridge.cdc.checkpoint.CaptureResources;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Where a capture keeps its state: {@code PGBRIDGE_HOME/captures/<name>/} with {@code checkpoint.json},
 * {@code resources.json} (what pgbridge created on the source) and {@code spill/} (transactions too large for
 * memory). A name is used as it is when it is made of letters, digits, {@code _ . -}; other characters are written
 * {@code %XX} per UTF-8 byte.
 */
public record CaptureDirectory(Path dir) {
    public CaptureDirectory {
        requireNonNull(dir, "dir is null");
    }

    public static CaptureDirectory of(Path capturesRoot, String captureName) {
        return new CaptureDirectory(capturesRoot.resolve(encode(captureName)));
    }

    static String encode(String name) {
        StringBuilder sb = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            boolean plain = c < 0x80 && (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.');
            if (plain && !(sb.isEmpty() && c == '.')) {
                sb.append(c);
            }
            else {
                sb.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return sb.toString();
    }

    public Path checkpoint() {
        return dir.resolve("checkpoint.json");
    }

    public Path resources() {
        return dir.resolve(CaptureResources.FILE_NAME);
    }

    public Path spill() {
        return dir.resolve("spill");
    }

    /** Creates the directories and deletes spill files a killed process left behind. */
    public void prepare() throws IOException {
        Files.createDirectories(spill());
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(spill(), "*.spill")) {
            for (Path p : leftovers) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Removes the whole state directory. */
    public void delete() throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
