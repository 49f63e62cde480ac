package dev.pgbridge.cli.command;

import dev.pgbridge.cdc.replication.SetupProblem;
import dev.pgbridge.cdc.replication.TableDiscovery;
import dev.pgbridge.cli.output.Rows;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.connection.SqlErrors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "discover", mixinStandardHelpOptions = true,
        description = {"List the tables a capture can cover, with the key their events carry, their replica identity "
                + "and how their existing rows would be backfilled.",
                "Tables that cannot be captured as they are (no primary key under REPLICA IDENTITY DEFAULT, REPLICA "
                        + "IDENTITY NOTHING) are flagged with the SQL that fixes them; so are server settings "
                        + "(wal_level, the REPLICATION right) that stop any capture."})
final class CaptureDiscoverCommand implements Callable<Integer> {
    private final CliEnvironment environment;

    @Spec
    CommandSpec spec;

    @Mixin
    ConnOption conn;

    @Mixin
    FormatOption format;

    CaptureDiscoverCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        ConnectionConfig config = conn.resolve(environment, err).config();
        List<TableDiscovery.Discovered> tables;
        List<SetupProblem> server;
        try (Connection c = JdbcTarget.of(config).connect()) {
            TableDiscovery discovery = new TableDiscovery(c);
            tables = discovery.tables();
            server = discovery.serverProblems();
        }
        catch (SQLException e) {
            throw SqlErrors.translate(e, config);
        }
        List<List<Object>> rows = new ArrayList<>();
        for (TableDiscovery.Discovered t : tables) {
            rows.add(Arrays.asList(t.table().schema(), t.table().table(), t.partitioned() ? "partitioned" : "table",
                    String.join(", ", t.primaryKey()), t.replicaIdentity().name().toLowerCase(Locale.ROOT)
                            .replace("index", "using index " + String.join(", ", t.identityIndex())),
                    t.eventKey(), t.backfill(), t.problem().isEmpty() ? "yes" : "no",
                    t.problem().map(SetupProblem::problem).orElse(null), t.problem().map(SetupProblem::fix).orElse(null)));
        }
        new Rows(List.of("schema", "table", "kind", "primary_key", "replica_identity", "event_key", "backfill",
                "capturable", "problem", "fix"), rows).print(spec.commandLine().getOut(), format.format());
        long blocked = tables.stream().filter(t -> t.problem().isPresent()).count();
        if (blocked > 0) {
            err.println(blocked + (blocked == 1 ? " table needs" : " tables need") + " a fix before it can be captured "
                    + "(see the fix column)");
        }
        for (SetupProblem p : server) {
            err.println("warning: " + p.problem());
            err.println("  fix: " + p.fix());
        }
        err.flush();
        return 0;
    }
}
