package dev.pgbridge.metadata.quality;

import dev.pgbridge.catalog.TableShape;
import dev.pgbridge.catalog.TableShapes;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.metadata.ingest.IgnoredKeys;
import dev.pgbridge.metadata.ingest.MetadataIngestion;
import dev.pgbridge.metadata.ingest.StepStatus;
import dev.pgbridge.metadata.openmetadata.Fqn;
import dev.pgbridge.metadata.openmetadata.RequestSink;
import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.metadata.openmetadata.TestCaseNames;
import dev.pgbridge.metadata.profile.pii.PiiTag;
import dev.pgbridge.sql.QualifiedName;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Runs a TestSuite workflow: for each table, OpenMetadata's requests in its order: the table's executable suite
 * ({@code <tableFqn>.testSuite}), then per test its case and its result ({@code Success}, {@code Failed} or
 * {@code Aborted}, measured values, passed and failed rows, failing rows PII masked). A test that errors is Aborted
 * with the server's message and the run goes on; a table that cannot be reached aborts its tests (and is an error of
 * the source step).
 */
public final class TestSuiteRunner {
    /** Told each test's outcome as it is known (the CLI's table of results). */
    @FunctionalInterface
    public interface Results {
        Results NONE = outcome -> {
        };

        void outcome(TestOutcome outcome);
    }

    /** The progress of a run that also wants each test's outcome: what {@code pgbridge quality run} passes. */
    public interface ResultsProgress extends MetadataIngestion.Progress, Results {
        @Override
        default void update(String database, int schema, int schemas, long tables) {
        }
    }

    private final String serviceName;
    private final TestSuiteSettings settings;
    private final StepStatus source;
    private final StepStatus sink;
    private final Results results;
    private final SensitiveColumns pii;
    private final ColumnTags tags;
    private final Clock clock;

    /** The tags on a table's columns in the local catalog (those tagged {@code PII.Sensitive} are masked). */
    @FunctionalInterface
    public interface ColumnTags {
        /** A run without the local catalog: the classification alone decides. */
        ColumnTags NONE = tableFqn -> List.of();

        List<Requests.ColumnTag> of(String tableFqn);
    }

    public TestSuiteRunner(String serviceName, TestSuiteSettings settings, StepStatus source, StepStatus sink,
                           Results results) {
        this(serviceName, settings, source, sink, results, SensitiveColumns.PII_CLASSIFIER, Clock.systemUTC());
    }

    /** @param pii which failing-row columns to mask (the PII classifier's {@code PII.Sensitive} by default) */
    public TestSuiteRunner(String serviceName, TestSuiteSettings settings, StepStatus source, StepStatus sink,
                           Results results, SensitiveColumns pii, Clock clock) {
        this(serviceName, settings, source, sink, results, pii, ColumnTags.NONE, clock);
    }

    /**
     * @param pii  which failing-row columns to mask (the PII classifier's {@code PII.Sensitive} by default)
     * @param tags the local catalog's column tags when the run has it: a column tagged {@code PII.Sensitive} there
     *             is masked too
     */
    public TestSuiteRunner(String serviceName, TestSuiteSettings settings, StepStatus source, StepStatus sink,
                           Results results, SensitiveColumns pii, ColumnTags tags, Clock clock) {
        this.tags = requireNonNull(tags, "tags is null");
        this.serviceName = requireNonNull(serviceName, "serviceName is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.source = requireNonNull(source, "source is null");
        this.sink = requireNonNull(sink, "sink is null");
        this.results = requireNonNull(results, "results is null");
        this.pii = requireNonNull(pii, "pii is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The name of a table's executable suite. */
    public static String suiteName(String tableFqn) {
        return TestCaseNames.suite(tableFqn);
    }

    /** OpenMetadata's entity link of a test's target: {@code <#E::table::fqn>} or {@code …::columns::col>}. */
    public static String entityLink(String tableFqn, String column) {
        return TestCaseNames.entityLink(tableFqn, column);
    }

    public void run(MetadataIngestion.Connector connector, RequestSink out) {
        IgnoredKeys.warnings(settings.ignored()).forEach(source::warning);
        long timestamp = clock.millis();
        for (TestSuiteSettings.TableTests tableTests : settings.tables()) {
            String tableFqn = tableTests.tableFqn();
            List<String> parts = Fqn.split(tableFqn);
            if (!parts.getFirst().equals(serviceName)) {
                source.warning(tableFqn + ": its service " + parts.getFirst() + " is not source.serviceName "
                        + serviceName + "; tested on the connection of this workflow");
            }
            QualifiedName table = QualifiedName.of(parts.get(2), parts.get(3));
            List<TestOutcome> outcomes;
            try {
                outcomes = test(connector, parts.get(1), tableFqn, table, tableTests, timestamp);
            }
            catch (PgBridgeException e) {
                source.error(tableFqn + ": " + e.oneLine());
                outcomes = abortAll(tableFqn, tableTests, e.getMessage(), timestamp);
            }
            catch (RuntimeException e) {
                String why = TableTestRun.failure(e);
                source.error(tableFqn + ": " + why);
                outcomes = abortAll(tableFqn, tableTests, why, timestamp);
            }
            send(out, tableFqn, outcomes);
        }
    }

    private List<TestOutcome> test(MetadataIngestion.Connector connector, String database, String tableFqn,
                                   QualifiedName table, TestSuiteSettings.TableTests tableTests, long timestamp) {
        Connection c = null;
        try {
            c = connector.connect(database);
            c.setReadOnly(true);
            TableShape shape = TableShapes.read(c, table).orElse(null);
            if (c.getAutoCommit()) {
                c.setAutoCommit(false);
            }
            c.rollback();
            return new TableTestRun(tableFqn, table, shape, tableTests.testCases(), settings.statementTimeout(),
                    sensitive(tableFqn), timestamp).run(c);
        }
        catch (SQLException e) {
            throw connector.translate(e);
        }
        finally {
            if (c != null) {
                try {
                    c.close();
                }
                catch (SQLException e) {
                    source.warning(tableFqn + ": closing its connection failed: " + e.getMessage());
                }
            }
        }
    }

    /** The classification, and the columns the local catalog tags {@code PII.Sensitive}. */
    private SensitiveColumns sensitive(String tableFqn) {
        Set<String> tagged = new HashSet<>();
        try {
            for (Requests.ColumnTag t : tags.of(tableFqn)) {
                if (PiiTag.SENSITIVE.equals(t.tag().tagFQN())) {
                    tagged.add(t.column());
                }
            }
        }
        catch (RuntimeException e) {
            source.warning(tableFqn + ": its column tags could not be read (failing rows masked by classification "
                    + "only): " + TableTestRun.failure(e));
        }
        return SensitiveColumns.taggedOr(tagged, pii);
    }

    private static List<TestOutcome> abortAll(String tableFqn, TestSuiteSettings.TableTests tableTests, String why,
                                              long timestamp) {
        List<TestOutcome> out = new ArrayList<>();
        for (TestSuiteSettings.TestCaseSpec spec : tableTests.testCases()) {
            out.add(new TestOutcome(tableFqn, spec, TableTestRun.testCaseFqn(tableFqn, spec),
                    new Requests.TestCaseResult(timestamp, TableTestRun.ABORTED, why, null, null, null, null, null),
                    null));
        }
        return out;
    }

    private void send(RequestSink out, String tableFqn, List<TestOutcome> outcomes) {
        String suite = suiteName(tableFqn);
        sent(out, Requests.Request.put(new Requests.CreateTestSuite(suite, null, tableFqn)));
        for (TestOutcome o : outcomes) {
            TestSuiteSettings.TestCaseSpec spec = o.testCase();
            List<Requests.TestCaseParameterValue> parameters = spec.parameters().stream()
                    .map(p -> new Requests.TestCaseParameterValue(p.name(), p.value())).toList();
            sent(out, Requests.Request.put(new Requests.CreateTestCase(spec.name(), spec.description(),
                    spec.testDefinitionName(), entityLink(tableFqn, spec.columnName()), suite, parameters,
                    spec.computePassedFailedRowCount())));
            sent(out, Requests.Request.testCaseResult(o.testCaseFqn(), o.result()));
            source.processed();
            if (TableTestRun.ABORTED.equals(o.result().testCaseStatus())) {
                source.warning(o.testCaseFqn() + " aborted: " + o.result().result());
            }
            results.outcome(o);
        }
    }

    /** Sends one request; one the sink failed is its error, not also processed. */
    private void sent(RequestSink out, Requests.Request request) {
        int errors = sink.errorCount();
        out.send(request);
        if (sink.errorCount() == errors) {
            sink.processed();
        }
    }
}
