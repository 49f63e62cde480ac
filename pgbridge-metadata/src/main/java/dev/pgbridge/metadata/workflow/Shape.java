package dev.pgbridge.metadata.workflow;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * What a value in a workflow file may be: the keys of a workflow declared once, as data, from which the checks and
 * the "valid keys" / "valid choices" hints are derived.
 */
sealed interface Shape {
    /** A string (numbers and booleans written where a string goes are taken as their text). */
    record Text() implements Shape {
    }

    record Flag() implements Shape {
    }

    record Whole() implements Shape {
    }

    /** One of {@code choices}, exactly as written. */
    record Choice(List<String> choices) implements Shape {
        public Choice {
            choices = List.copyOf(choices);
        }
    }

    /** A list of regular expressions, each compiled when the file is read. */
    record Regexes() implements Shape {
    }

    /** A map of names to scalar values (connectionOptions, connectionArguments). */
    record Pairs() implements Shape {
    }

    /** Any value: a part of the file pgbridge passes by without reading (another tool's settings). */
    record Anything() implements Shape {
    }

    /**
     * A mapping with these keys, in the order they are offered in hints. {@code variants} picks a different shape by
     * the value of a sibling key (e.g. a sink's {@code config} by the sink's {@code type}).
     */
    record Keys(Map<String, Key> keys) implements Shape {
        public Keys {
            keys = new LinkedHashMap<>(keys);
        }

        static Keys of(Key... keys) {
            Map<String, Key> map = new LinkedHashMap<>();
            for (Key key : keys) {
                map.put(key.name(), key);
            }
            return new Keys(map);
        }
    }

    /**
     * A mapping whose shape depends on the value of key {@code selector} inside it (sourceConfig.config's {@code type}).
     */
    record ByType(String selector, Map<String, Keys> variants) implements Shape {
        public ByType {
            requireNonNull(selector, "selector is null");
            variants = new LinkedHashMap<>(variants);
        }
    }

    /**
     * A key.
     *
     * @param shape      its value's shape; {@code shapeOf}, when set, picks it from the parent mapping instead (the
     *                   config of a sink depends on the sink's type)
     * @param required   whether it must be present
     */
    record Key(String name, Shape shape, boolean required, Function<Map<?, ?>, Shape> shapeOf) {
        public Key {
            requireNonNull(name, "name is null");
        }

        static Key required(String name, Shape shape) {
            return new Key(name, shape, true, null);
        }

        static Key optional(String name, Shape shape) {
            return new Key(name, shape, false, null);
        }

        static Key dependent(String name, Function<Map<?, ?>, Shape> shapeOf) {
            return new Key(name, null, false, shapeOf);
        }
    }

    static Text text() {
        return new Text();
    }

    static Flag flag() {
        return new Flag();
    }

    static Whole whole() {
        return new Whole();
    }

    static Choice choice(String... choices) {
        return new Choice(List.of(choices));
    }
}
