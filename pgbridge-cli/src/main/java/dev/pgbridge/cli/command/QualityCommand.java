package dev.pgbridge.cli.command;

import dev.pgbridge.cli.output.OutputFormat;
import dev.pgbridge.cli.output.Progress;
import dev.pgbridge.cli.output.Rows;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.metadata.catalogstore.CatalogStore;
import dev.pgbridge.metadata.catalogstore.QualityStore;
import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.metadata.quality.TestOutcome;
import dev.pgbridge.metadata.quality.TestSuiteRunner;
import dev.pgbridge.metadata.workflow.Workflow;
import dev.pgbridge.metadata.workflow.WorkflowRunner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "quality", mixinStandardHelpOptions = true,
        description = {"Data-quality tests with OpenMetadata's test definitions: run a TestSuite workflow, and read "
                + "the results the local catalog keeps (see docs/quality.md)."})
final class QualityCommand implements Runnable {
    /** The subcommands, in the order picocli lists them (added by {@link TopCommand#addCommands}). */
    static final List<Class<?>> SUBCOMMANDS = List.of(QualityCommand.Run.class, QualityCommand.Results.class);

    @CommandLine.Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A table of results: one row per test. */
    private static Rows table(List<Object[]> lines) {
        Rows rows = Rows.of(List.of("table", "test", "column", "status", "measured", "failedRows", "passedRows"));
        for (Object[] line : lines) {
            rows = rows.with(line);
        }
        return rows;
    }

    private static String measured(List<Requests.TestResultValue> values, String result, String status) {
        if ("Aborted".equals(status) || values == null || values.isEmpty()) {
            return result;
        }
        return String.join(", ", values.stream().map(v -> v.name() + "=" + v.value()).toList());
    }

    private static Map<String, Object> json(String tableFqn, String testCaseFqn, String name, String definition,
                                            String column, Requests.TestCaseResult r, Requests.TableData sample) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("table", tableFqn);
        m.put("testCase", testCaseFqn);
        m.put("name", name);
        m.put("testDefinition", definition);
        m.put("column", column);
        m.put("status", r.testCaseStatus());
        m.put("result", r.result());
        m.put("testResultValue", r.testResultValue());
        m.put("passedRows", r.passedRows());
        m.put("failedRows", r.failedRows());
        m.put("timestamp", Instant.ofEpochMilli(r.timestamp()).toString());
        m.put("failedRowsSample", sample);
        return m;
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Run a TestSuite workflow (OpenMetadata's testSuitePipeline with the orm-test-runner "
                    + "processor) and print a table of results, then the workflow summary.",
                    "Exit code 1 when any test Failed or was Aborted, or a step had errors (for CI); 2 when the file "
                            + "is wrong (every problem is listed); 0 when every test passed.",
                    "--format json prints the results as JSON on stdout and the summary on stderr."})
    static final class Run implements Callable<Integer> {
        private final CliEnvironment environment;

        @CommandLine.Spec
        CommandSpec spec;

        @Option(names = "--config", paramLabel = "FILE", required = true, description = "The workflow YAML file.")
        Path config;

        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
                description = "Output: table (default) or json.")
        OutputFormat format;

        @Mixin
        TenantOption tenant;

        Run(CliEnvironment environment) {
            this.environment = environment;
        }

        @Override
        public Integer call() {
            if (format == OutputFormat.CSV) {
                throw new UsageError("quality run prints --format table or json", "use --format json for machines");
            }
            Workflow workflow = MetadataCommand.Run.read(environment, spec, config);
            if (workflow == null) {
                return 2;
            }
            if (!"TestSuite".equals(workflow.pipelineType())) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("error: " + config + ": sourceConfig.config.type is " + workflow.pipelineType()
                        + ", not TestSuite");
                err.println("hint: run it with pgbridge metadata run --config " + config);
                err.flush();
                return 2;
            }
            List<TestOutcome> outcomes = new ArrayList<>();
            TestSuiteRunner.ResultsProgress listener = outcomes::add;
            Progress progress = Progress.on(spec.commandLine().getErr(), false);
            WorkflowRunner.Result result = MetadataCommand.Run.execute(environment, spec, config, tenant.tenant(),
                    workflow, listener, progress);
            if (result == null) {
                return 2;
            }
            PrintWriter out = spec.commandLine().getOut();
            if (format == OutputFormat.JSON) {
                out.println(Rows.json(outcomes.stream().map(o -> json(o.tableFqn(), o.testCaseFqn(),
                        o.testCase().name(), o.testCase().testDefinitionName(), o.testCase().columnName(),
                        o.result(), o.failedRows())).toList()));
                out.flush();
                WorkflowRunner.printSummary(result, spec.commandLine().getErr());
            }
            else {
                List<Object[]> lines = new ArrayList<>();
                for (TestOutcome o : outcomes) {
                    Requests.TestCaseResult r = o.result();
                    lines.add(new Object[]{o.tableFqn(), o.testCase().name(), o.testCase().columnName(),
                            r.testCaseStatus(), measured(r.testResultValue(), r.result(), r.testCaseStatus()),
                            r.failedRows(), r.passedRows()});
                }
                table(lines).print(out, OutputFormat.TABLE);
                long failed = outcomes.stream().filter(o -> o.result().testCaseStatus().equals("Failed")).count();
                long aborted = outcomes.stream().filter(o -> o.result().testCaseStatus().equals("Aborted")).count();
                out.println();
                out.println(outcomes.size() + " tests: " + (outcomes.size() - failed - aborted) + " passed, " + failed
                        + " failed, " + aborted + " aborted");
                out.println();
                WorkflowRunner.printSummary(result, out);
            }
            boolean notPassed = outcomes.stream().anyMatch(TestOutcome::notPassed);
            return notPassed || result.failed() ? 1 : 0;
        }
    }

    @Command(name = "results", mixinStandardHelpOptions = true,
            description = "Show a table's data-quality results from the local catalog: each test's latest result "
                    + "and its last runs (newest first).")
    static final class Results implements Callable<Integer> {
        private final CliEnvironment environment;

        @CommandLine.Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "TABLE", description = MetadataCatalogCommands.NAME_HELP)
        String name;

        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
                description = "Output: table (default) or json.")
        OutputFormat format;

        @Mixin
        TenantOption tenant;

        Results(CliEnvironment environment) {
            this.environment = environment;
        }

        @Override
        public Integer call() {
            if (format == OutputFormat.CSV) {
                throw new UsageError("quality results prints --format table or json", "use --format json for machines");
            }
            CatalogStore catalog = CatalogStore.open(environment.storeDatabase(), tenant.tenant());
            QualityStore quality = QualityStore.open(environment.storeDatabase(), tenant.tenant());
            String fqn;
            List<QualityStore.CaseResults> cases;
            try {
                fqn = catalog.resolve(name);
                cases = quality.table(fqn);
            }
            catch (PgBridgeException e) {
                // a table tested but never ingested: its full name finds its results all the same
                cases = e.code() == ErrorCode.NOT_FOUND ? quality.table(name.strip()) : List.of();
                if (cases.isEmpty()) {
                    throw e;
                }
                fqn = name.strip();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (format == OutputFormat.JSON) {
                List<Map<String, Object>> list = new ArrayList<>();
                for (QualityStore.CaseResults c : cases) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("testCase", c.fqn());
                    m.put("name", c.name());
                    m.put("testDefinition", c.definition());
                    m.put("column", c.column());
                    m.put("parameterValues", c.parameters());
                    m.put("latest", c.latest());
                    m.put("history", c.history());
                    list.add(m);
                }
                out.println(Rows.json(list));
                out.flush();
                return 0;
            }
            if (cases.isEmpty()) {
                out.println("No data-quality results for " + fqn + ". Run a TestSuite workflow: pgbridge quality run "
                        + "--config FILE (sink pgbridge, the default).");
                out.flush();
                return 0;
            }
            Rows latest = Rows.of(List.of("test", "definition", "column", "status", "measured", "failedRows",
                    "passedRows", "ranAt", "lastRuns"));
            for (QualityStore.CaseResults c : cases) {
                QualityStore.Result r = c.latest();
                String history = String.join(" ", c.history().stream().map(h -> h.status().substring(0, 1)).toList());
                latest = r == null ? latest.with(c.name(), c.definition(), c.column(), null, null, null, null, null, "")
                        : latest.with(c.name(), c.definition(), c.column(), r.status(),
                        "Aborted".equals(r.status()) || r.values().isEmpty() ? r.result() : r.measured(),
                        r.failedRows(), r.passedRows(), Instant.ofEpochMilli(r.timestamp()).toString(), history);
            }
            out.println("Data quality of " + fqn + " (lastRuns newest first: S success, F failed, A aborted):");
            latest.print(out, OutputFormat.TABLE);
            for (QualityStore.CaseResults c : cases) {
                if (c.latest() != null && c.latest().failedSample() != null) {
                    out.println();
                    out.println("Failing rows of " + c.name() + " (sample):");
                    Rows sample = Rows.of(c.latest().failedSample().columns());
                    for (List<Object> row : c.latest().failedSample().rows()) {
                        sample = sample.with(row.toArray());
                    }
                    sample.print(out, OutputFormat.TABLE);
                }
            }
            out.flush();
            return 0;
        }
    }
}
