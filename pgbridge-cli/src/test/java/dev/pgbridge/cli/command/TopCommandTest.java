package dev.pgbridge.cli.command;

import dev.pgbridge.cli.PgBridgeCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A run builds the models of the commands it names only; help, usage errors and completion still see them all. */
class TopCommandTest {
    @TempDir
    Path home;

    @Test
    void aRunBuildsOnlyTheCommandsItNames() {
        CommandLine conn = line("conn", "list").getSubcommands().get("conn");
        assertThat(line("conn", "list").getSubcommands().keySet()).containsExactly("conn");
        assertThat(conn.getSubcommands().keySet()).containsExactly("list");
        assertThat(line("server", "token", "create", "--role", "agent").getSubcommands().get("server")
                .getSubcommands().get("token").getSubcommands().keySet()).containsExactly("create");
        assertThat(line("--version").getSubcommands()).isEmpty();
    }

    @Test
    void helpUsageErrorsAndBareGroupsSeeEverySubcommand() {
        assertThat(line("conn").getSubcommands().get("conn").getSubcommands()).hasSize(ConnCommand.SUBCOMMANDS.size());
        assertThat(line("conn", "lst").getSubcommands().get("conn").getSubcommands()).containsKey("list");
        assertThat(line("conn", "list", "--help").getSubcommands().get("conn").getSubcommands())
                .hasSize(ConnCommand.SUBCOMMANDS.size());
        CommandLine all = line("help");
        assertThat(all.getSubcommands()).containsKeys("conn", "capture", "metadata", "quality", "server", "export");
        assertThat(all.getSubcommands().get("server").getSubcommands().get("user").getSubcommands())
                .containsOnlyKeys("add", "list", "delete");
        assertThat(all.getSubcommands().get("capture").getSubcommands()).containsOnlyKeys("run", "status", "discover", "drop");
    }

    private CommandLine line(String... args) {
        CliEnvironment environment = new CliEnvironment(Map.of("PGBRIDGE_HOME", home.toString()),
                new ByteArrayInputStream(new byte[0]));
        return PgBridgeCli.newCommandLine(environment, args);
    }
}
