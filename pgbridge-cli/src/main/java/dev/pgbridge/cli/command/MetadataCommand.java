package dev.pgbridge.cli.command;

import dev.pgbridge.cli.output.Figures;
import dev.pgbridge.cli.output.Progress;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.metadata.ingest.MetadataIngestion;
import dev.pgbridge.metadata.workflow.Workflow;
import dev.pgbridge.metadata.workflow.WorkflowException;
import dev.pgbridge.metadata.workflow.WorkflowProblem;
import dev.pgbridge.metadata.workflow.WorkflowReader;
import dev.pgbridge.metadata.workflow.WorkflowRunner;
import dev.pgbridge.secret.SecretRedactor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "metadata", mixinStandardHelpOptions = true,
        description = {"Metadata for catalogs such as OpenMetadata: run OpenMetadata-style YAML workflows, and read "
                + "the local catalog they fill (see docs/metadata.md)."})
final class MetadataCommand implements Runnable {
    /** The subcommands, in the order picocli lists them (added by {@link TopCommand#addCommands}). */
    static final List<Class<?>> SUBCOMMANDS = List.of(MetadataCommand.Run.class,
            MetadataCatalogCommands.ListTables.class, MetadataCatalogCommands.Show.class,
            MetadataCatalogCommands.Search.class, MetadataCatalogCommands.History.class,
            MetadataCatalogCommands.Lineage.class, MetadataCatalogCommands.Profile.class);

    @CommandLine.Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Run one workflow: an OpenMetadata workflow YAML file (source, sourceConfig, sink, "
                    + "workflowConfig), with pgbridge's serviceConnection.config.connection: <conn_id> and ${VAR}.",
                    "On a terminal a progress line shows on stderr while it runs; OpenMetadata's summary is printed "
                            + "at the end. Exit code 2: the file is wrong (every problem is listed); 1: a step had "
                            + "errors; 0: done."})
    static final class Run implements Callable<Integer> {
        private final CliEnvironment environment;

        @CommandLine.Spec
        CommandSpec spec;

        @Option(names = "--config", paramLabel = "FILE", required = true, description = "The workflow YAML file.")
        Path config;

        @Mixin
        TenantOption tenant;

        Run(CliEnvironment environment) {
            this.environment = environment;
        }

        @Override
        public Integer call() {
            Workflow workflow = read(environment, spec, config);
            if (workflow == null) {
                return 2;
            }
            Progress progress = Progress.on(spec.commandLine().getErr(), false);
            WorkflowRunner.Result result = execute(environment, spec, config, tenant.tenant(), workflow,
                    line(progress), progress);
            if (result == null) {
                return 2;
            }
            WorkflowRunner.printSummary(result, spec.commandLine().getOut());
            return result.failed() ? 1 : 0;
        }

        /**
         * The workflow file read and checked; null when it has problems, each then printed with its hint (exit code
         * 2). The one reading of a workflow file for every command that runs one ({@code metadata run},
         * {@code quality run}).
         */
        static Workflow read(CliEnvironment environment, CommandSpec spec, Path config) {
            try {
                return new WorkflowReader(environment.env()).read(config);
            }
            catch (WorkflowException e) {
                refuse(spec, e);
                return null;
            }
        }

        /**
         * Runs a read workflow in the tenant, telling {@code listener} where it is; null when the run refused its
         * configuration (printed; exit code 2). {@code progress} is cleared before anything else is printed.
         */
        static WorkflowRunner.Result execute(CliEnvironment environment, CommandSpec spec, Path config,
                                             String tenant, Workflow workflow, MetadataIngestion.Progress listener,
                                             Progress progress) {
            try {
                return new WorkflowRunner(environment.resolver(), tenant, environment::storeDatabase)
                        .run(workflow, listener);
            }
            catch (PgBridgeException e) {
                progress.clear(); // before any error line
                if (e.code() == dev.pgbridge.error.ErrorCode.INVALID_CONFIG) {
                    PrintWriter err = spec.commandLine().getErr();
                    err.println("error: " + config + ": " + e.getMessage());
                    if (e.hint() != null) {
                        err.println("hint: " + e.hint());
                    }
                    err.flush();
                    return null;
                }
                throw e;
            }
            finally {
                progress.clear();
            }
        }

        /**
         * {@code ingesting sales: schemas 3/12 · tables 1,204 · 5.2 s}, redrawn on a terminal; at once when the next
         * schema starts (its catalog read is the long wait).
         */
        private static MetadataIngestion.Progress line(Progress progress) {
            return new MetadataIngestion.Progress() {
                private String lastDatabase;
                private int lastSchema = -1;

                @Override
                public void update(String database, int schema, int schemas, long tables) {
                    boolean moved = schema != lastSchema || !database.equals(lastDatabase);
                    lastDatabase = database;
                    lastSchema = schema;
                    progress.update(elapsed -> "ingesting " + database + ": schemas " + schema + "/" + schemas
                            + " · tables " + Figures.count(tables) + " · " + Figures.duration(elapsed), moved);
                }
            };
        }

        /** Every problem of the file, each as an error line with its hint (exit code 2). */
        private static void refuse(CommandSpec spec, WorkflowException e) {
            PrintWriter err = spec.commandLine().getErr();
            SecretRedactor redactor = SecretRedactor.global();
            if (e.problems().size() > 1) {
                err.println("error: " + e.file() + ": " + e.problems().size() + " problems");
            }
            for (WorkflowProblem p : e.problems()) {
                err.println("error: " + redactor.redact(e.file() + ": " + p.describe()));
                if (p.hint() != null) {
                    err.println("hint: " + redactor.redact(p.hint()));
                }
            }
            err.flush();
        }
    }
}
