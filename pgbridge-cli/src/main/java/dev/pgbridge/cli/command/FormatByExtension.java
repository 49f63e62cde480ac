package dev.pgbridge.cli.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code --format} when it is not given: read from the file name's extension ({@code .csv}, {@code .json},
 * {@code .jsonl}/{@code .ndjson}, {@code .tsv}, {@code .yaml}/{@code .yml}, {@code .env}), matched against the
 * formats the command knows. One rule for export, load and conn export.
 */
final class FormatByExtension {
    /** Extensions that name a format by another name. */
    private static final Map<String, String> ALIASES = Map.of("ndjson", "jsonl", "yml", "yaml");

    private FormatByExtension() {
    }

    /**
     * {@code given} when not null; else the format {@code file}'s extension names; else {@code fallback} for standard
     * input or output ({@code -} or no file). A file whose extension names none of {@code formats} is a usage error.
     */
    static <E extends Enum<E>> E choose(E given, String file, Class<E> formats, E fallback) {
        if (given != null) {
            return given;
        }
        if (file == null || file.equals("-")) {
            if (fallback == null) {
                throw new UsageError("--format is missing: standard input has no file extension to tell it by",
                        "give --format " + names(formats));
            }
            return fallback;
        }
        String name = java.nio.file.Path.of(file).getFileName() == null ? file : java.nio.file.Path.of(file).getFileName().toString();
        int dot = name.lastIndexOf('.');
        String extension = dot <= 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        String format = ALIASES.getOrDefault(extension, extension);
        for (E e : formats.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(format)) {
                return e;
            }
        }
        throw new UsageError("cannot tell the format of " + file + " from its name "
                + (extension.isEmpty() ? "(it has no extension)" : "(." + extension + ")"),
                "give --format " + names(formats) + ", or name the file with one of these extensions");
    }

    private static <E extends Enum<E>> String names(Class<E> formats) {
        List<String> names = new ArrayList<>();
        for (E e : formats.getEnumConstants()) {
            names.add(e.name().toLowerCase(Locale.ROOT));
        }
        return String.join("|", names);
    }
}
