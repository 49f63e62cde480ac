package dev.pgbridge.cli;

import dev.pgbridge.cli.command.CliEnvironment;
import picocli.CommandLine;

import java.lang.reflect.Constructor;

import static java.util.Objects.requireNonNull;

/** Hands the {@link CliEnvironment} to every command and mixin that takes one in its constructor. */
final class CommandFactory implements CommandLine.IFactory {
    private final CliEnvironment environment;

    CommandFactory(CliEnvironment environment) {
        this.environment = requireNonNull(environment, "environment is null");
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        for (Constructor<?> constructor : type.getDeclaredConstructors()) {
            Class<?>[] parameters = constructor.getParameterTypes();
            if (parameters.length == 1 && parameters[0] == CliEnvironment.class) {
                constructor.setAccessible(true);
                return type.cast(constructor.newInstance(environment));
            }
        }
        return CommandLine.defaultFactory().create(type);
    }
}
