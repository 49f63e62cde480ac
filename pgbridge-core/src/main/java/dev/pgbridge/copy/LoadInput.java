package dev.pgbridge.copy;

import java.io.InputStream;
import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * Where a load reads its rows: a file (read twice when {@code --create} must look at every value first) or a stream
 * such as standard input (read once; with {@code --create} it is spooled to a temporary file, never kept in memory).
 */
public sealed interface LoadInput {
    /** How messages name the input. */
    String name();

    static LoadInput file(Path path) {
        return new FromFile(path);
    }

    static LoadInput stream(InputStream in, String name) {
        return new FromStream(in, name);
    }

    record FromFile(Path path) implements LoadInput {
        public FromFile {
            requireNonNull(path, "path is null");
        }

        @Override
        public String name() {
            return path.toString();
        }
    }

    record FromStream(InputStream in, String name) implements LoadInput {
        public FromStream {
            requireNonNull(in, "in is null");
            requireNonNull(name, "name is null");
        }
    }
}
