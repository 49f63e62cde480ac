package dev.pgbridge.metadata.quality;

import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What a TestSuite workflow was asked to do: the tests of each table.
 *
 * @param tables           the tables with their tests, in the file's order
 * @param forceUpdate      OpenMetadata's switch to update existing test cases; pgbridge always sends each case
 * @param statementTimeout the server-side limit on each test query ({@code SET LOCAL statement_timeout})
 * @param ignored          keys accepted for OpenMetadata compatibility without effect (a warning each)
 */
public record TestSuiteSettings(List<TableTests> tables, boolean forceUpdate, Duration statementTimeout,
                                List<String> ignored) {
    /** The timeout of a test query when the file gives none. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    public TestSuiteSettings {
        tables = List.copyOf(tables);
        requireNonNull(statementTimeout, "statementTimeout is null");
        ignored = List.copyOf(ignored);
    }

    /** One table's tests. @param tableFqn {@code service.database.schema.table} */
    public record TableTests(String tableFqn, List<TestCaseSpec> testCases) {
        public TableTests {
            requireNonNull(tableFqn, "tableFqn is null");
            testCases = List.copyOf(testCases);
        }
    }

    /**
     * One test case as the file gives it ({@code processor.config.testCases[]}).
     *
     * @param columnName null for a table test
     * @param parameters the parameter values as text, in the file's order
     */
    public record TestCaseSpec(String name, String testDefinitionName, String columnName,
                               List<Parameter> parameters, String description, Boolean computePassedFailedRowCount) {
        public TestCaseSpec {
            requireNonNull(name, "name is null");
            requireNonNull(testDefinitionName, "testDefinitionName is null");
            parameters = List.copyOf(parameters);
        }

        /** The value of parameter {@code key}; null when not given. */
        public String parameter(String key) {
            return parameters.stream().filter(p -> p.name().equals(key)).map(Parameter::value).findFirst()
                    .orElse(null);
        }
    }

    /** {@code parameterValues[]}: a name and its value as text (a list as JSON text). */
    public record Parameter(String name, String value) {
        public Parameter {
            requireNonNull(name, "name is null");
            requireNonNull(value, "value is null");
        }
    }
}
