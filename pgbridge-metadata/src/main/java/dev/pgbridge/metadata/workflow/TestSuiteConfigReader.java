package dev.pgbridge.metadata.workflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.error.Suggestions;
import dev.pgbridge.metadata.ingest.IgnoredKeys;
import dev.pgbridge.metadata.openmetadata.Fqn;
import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.metadata.quality.TestDefinition;
import dev.pgbridge.metadata.quality.TestSuiteSettings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checked {@code sourceConfig.config} and {@code processor.config} of a TestSuite workflow as its settings, and the
 * checks a schema cannot express: the source type, the connection, each test case's definition (with the nearest name
 * when unknown), its column, and its parameters' names, types and presence.
 */
final class TestSuiteConfigReader {
    private static final String SOURCE_TYPES = "TestSuite";
    private static final String CASES = "processor.config.testCases";

    static TestSuiteSettings read(Map<?, ?> pipeline, Map<?, ?> processor) {
        String defaultTable = WorkflowReader.string(pipeline.get("entityFullyQualifiedName"));
        Map<String, List<TestSuiteSettings.TestCaseSpec>> byTable = new LinkedHashMap<>();
        if (processor.get("testCases") instanceof List<?> cases) {
            for (Object item : cases) {
                Map<?, ?> c = (Map<?, ?>) item;
                String table = c.get("entityFullyQualifiedName") != null
                        ? WorkflowReader.string(c.get("entityFullyQualifiedName")) : defaultTable;
                List<TestSuiteSettings.Parameter> parameters = new ArrayList<>();
                if (c.get("parameterValues") instanceof List<?> values) {
                    for (Object v : values) {
                        Map<?, ?> pv = (Map<?, ?>) v;
                        parameters.add(new TestSuiteSettings.Parameter(String.valueOf(pv.get("name")),
                                text(pv.get("value"))));
                    }
                }
                byTable.computeIfAbsent(table, k -> new ArrayList<>()).add(new TestSuiteSettings.TestCaseSpec(
                        WorkflowReader.string(c.get("name")), WorkflowReader.string(c.get("testDefinitionName")),
                        WorkflowReader.string(c.get("columnName")), parameters,
                        WorkflowReader.string(c.get("description")),
                        c.get("computePassedFailedRowCount") instanceof Boolean b ? b : null));
            }
        }
        List<TestSuiteSettings.TableTests> tables = new ArrayList<>();
        byTable.forEach((table, cases) -> tables.add(new TestSuiteSettings.TableTests(table, cases)));
        int timeout = WorkflowReader.whole(processor, "timeoutSeconds",
                (int) TestSuiteSettings.DEFAULT_TIMEOUT.toSeconds());
        return new TestSuiteSettings(tables, WorkflowReader.flag(processor, "forceUpdate", false),
                Duration.ofSeconds(timeout), IgnoredKeys.present(pipeline, WorkflowSchema.TEST_SUITE_IGNORED));
    }

    /** The checks of a TestSuite workflow beyond its keys' shapes; nothing for other pipelines. */
    static void check(Map<?, ?> root, List<WorkflowProblem> problems) {
        Object pipelineType = WorkflowSchema.pipelineType(root);
        Object sourceType = WorkflowReader.valueAt(root, "source", "type");
        boolean testSuiteSource = "TestSuite".equals(sourceType) || "testsuite".equals(sourceType);
        if (!WorkflowSchema.TEST_SUITE.equals(pipelineType)) {
            if (testSuiteSource && pipelineType instanceof String) {
                problems.add(new WorkflowProblem("source.type", "'" + sourceType + "' runs a TestSuite pipeline, not "
                        + pipelineType, "write sourceConfig.config.type: TestSuite, or the source.type of a "
                        + pipelineType + " pipeline"));
            }
            return;
        }
        if (sourceType instanceof String && !testSuiteSource) {
            problems.add(new WorkflowProblem("source.type", "'" + sourceType + "' does not run a TestSuite pipeline",
                    "write source.type: " + SOURCE_TYPES + " for sourceConfig.config.type: TestSuite"));
        }
        if (WorkflowReader.valueAt(root, "source", "serviceConnection", "config") == null) {
            problems.add(new WorkflowProblem("source.serviceConnection", "is missing: pgbridge runs the tests on the "
                    + "database itself (OpenMetadata's runner would take it from its server)",
                    "add serviceConnection: {config: {connection: <conn_id>}}, or OpenMetadata's fields (hostPort, "
                            + "username, authType.password, database)"));
        }
        Object processorType = WorkflowReader.valueAt(root, "processor", "type");
        if (processorType == null && !(WorkflowReader.valueAt(root, "processor") instanceof Map<?, ?>)) {
            problems.add(new WorkflowProblem("processor", "is missing (it holds the tests)",
                    "add processor: {type: orm-test-runner, config: {testCases: [{name: ..., testDefinitionName: "
                            + "..., parameterValues: [...]}]}}"));
            return;
        }
        Object defaultTable = WorkflowReader.valueAt(root, "source", "sourceConfig", "config",
                "entityFullyQualifiedName");
        String tablePath = "source.sourceConfig.config.entityFullyQualifiedName";
        if (defaultTable instanceof String fqn) {
            checkTableFqn(tablePath, fqn, problems);
        }
        Object cases = WorkflowReader.valueAt(root, "processor", "config", "testCases");
        if (cases == null) {
            problems.add(new WorkflowProblem(CASES, "is missing (no test to run)",
                    "list the tests, e.g. testCases: [{name: id_not_null, testDefinitionName: "
                            + "columnValuesToBeNotNull, columnName: id}]"));
            return;
        }
        if (!(cases instanceof List<?> list) || list.isEmpty()) {
            problems.add(new WorkflowProblem(CASES, cases instanceof List<?> ? "is empty (no test to run)"
                    : "expected a list of test cases", "list the tests, each with name and testDefinitionName"));
            return;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String at = CASES + "[" + i + "]";
            Object item = list.get(i);
            int before = problems.size();
            WorkflowReader.check(item, WorkflowSchema.TEST_CASE, at, problems);
            if (problems.size() > before || !(item instanceof Map<?, ?> c)) {
                continue;
            }
            Object ownTable = c.get("entityFullyQualifiedName");
            if (ownTable instanceof String fqn) {
                checkTableFqn(WorkflowReader.child(at, "entityFullyQualifiedName"), fqn, problems);
            }
            else if (defaultTable == null) {
                problems.add(new WorkflowProblem(tablePath, "is missing (the table " + at + " tests)",
                        "give the table as service.database.schema.table, e.g. entityFullyQualifiedName: "
                                + "my_pg.shop.public.orders"));
                defaultTable = "";
            }
            String table = ownTable instanceof String s ? s : String.valueOf(defaultTable);
            if (!seen.add(table + "\u0000" + c.get("name"))) {
                problems.add(new WorkflowProblem(WorkflowReader.child(at, "name"), "'" + c.get("name")
                        + "' names two test cases of the same table", "give each test case its own name"));
            }
            checkCase(at, c, problems);
        }
    }

    private static void checkTableFqn(String path, String fqn, List<WorkflowProblem> problems) {
        List<String> parts;
        try {
            parts = Fqn.split(fqn);
        }
        catch (IllegalArgumentException e) {
            parts = List.of();
        }
        if (parts.size() != 4) {
            problems.add(new WorkflowProblem(path, "'" + fqn + "' is not a table's fully qualified name",
                    "write service.database.schema.table (a part with a dot in double quotes), e.g. "
                            + "my_pg.shop.public.orders"));
        }
    }

    private static void checkCase(String at, Map<?, ?> c, List<WorkflowProblem> problems) {
        String definitionName = String.valueOf(c.get("testDefinitionName"));
        TestDefinition definition = TestDefinition.named(definitionName).orElse(null);
        if (definition == null) {
            String near = Suggestions.didYouMean(definitionName, TestDefinition.names());
            problems.add(new WorkflowProblem(WorkflowReader.child(at, "testDefinitionName"), "'" + definitionName
                    + "' is not a test definition pgbridge runs", (near == null ? "" : near + " ")
                    + "see docs/quality.md for the " + TestDefinition.ALL.size() + " definitions"));
            return;
        }
        boolean columnTest = definition.entityType() == TestDefinition.EntityType.COLUMN;
        if (columnTest && c.get("columnName") == null) {
            problems.add(new WorkflowProblem(WorkflowReader.child(at, "columnName"), "is missing ("
                    + definitionName + " tests a column)", "name the column: columnName: <column>"));
        }
        if (!columnTest && c.get("columnName") != null) {
            problems.add(new WorkflowProblem(WorkflowReader.child(at, "columnName"), "is for column tests; "
                    + definitionName + " tests the table", "remove it" + (definition.parameter("columnName")
                    .isPresent() ? " and give the column as a parameter: {name: columnName, value: <column>}" : "")));
        }
        Map<String, Object> given = new LinkedHashMap<>();
        Object values = c.get("parameterValues");
        String valuesPath = WorkflowReader.child(at, "parameterValues");
        if (values != null && !(values instanceof List<?>)) {
            problems.add(new WorkflowProblem(valuesPath, "expected a list of {name, value}",
                    "e.g. parameterValues: [{name: minValue, value: 1}]"));
        }
        if (values instanceof List<?> list) {
            for (int j = 0; j < list.size(); j++) {
                String pAt = valuesPath + "[" + j + "]";
                int before = problems.size();
                WorkflowReader.check(list.get(j), WorkflowSchema.TEST_CASE_PARAMETER, pAt, problems);
                if (problems.size() > before) {
                    continue;
                }
                Map<?, ?> pv = (Map<?, ?>) list.get(j);
                String name = String.valueOf(pv.get("name"));
                TestDefinition.Parameter parameter = definition.parameter(name).orElse(null);
                if (parameter == null) {
                    List<String> names = definition.parameters().stream().map(TestDefinition.Parameter::name).toList();
                    String near = Suggestions.didYouMean(name, names);
                    problems.add(new WorkflowProblem(WorkflowReader.child(pAt, "name"), "'" + name
                            + "' is not a parameter of " + definitionName, (near == null ? "" : near + " ")
                            + (names.isEmpty() ? definitionName + " takes no parameters"
                            : "its parameters: " + String.join(", ", names))));
                    continue;
                }
                if (given.containsKey(name)) {
                    problems.add(new WorkflowProblem(WorkflowReader.child(pAt, "name"), "'" + name
                            + "' is given twice", "keep one of them"));
                    continue;
                }
                Object value = pv.get("value");
                given.put(name, value);
                String problem = value == null || value instanceof Map<?, ?> ? "has no single value"
                        : value instanceof List<?> && parameter.type() != TestDefinition.ParameterType.ARRAY
                        ? "is a list" : parameter.problem(text(value));
                if (problem != null) {
                    problems.add(new WorkflowProblem(WorkflowReader.child(pAt, "value"), problem + " (" + name
                            + " of " + definitionName + ")", "write " + parameter.example()));
                }
                else if (parameter.type() == TestDefinition.ParameterType.QUERY
                        || parameter.type() == TestDefinition.ParameterType.CONDITION && !text(value).isBlank()) {
                    try {
                        parameter.sql(text(value));
                    }
                    catch (PgBridgeException e) {
                        problems.add(new WorkflowProblem(WorkflowReader.child(pAt, "value"), e.getMessage() + " ("
                                + definitionName + ")", e.hint()));
                    }
                }
            }
        }
        for (TestDefinition.Parameter p : definition.parameters()) {
            if (p.required() && !given.containsKey(p.name())) {
                problems.add(new WorkflowProblem(valuesPath, "has no " + p.name() + " (" + definitionName
                        + " needs it)", "add {name: " + p.name() + ", value: ...}: " + p.example()));
            }
        }
    }

    /** A parameter value as OpenMetadata keeps it: text; a YAML list as its JSON array. */
    static String text(Object value) {
        if (value instanceof List<?> list) {
            try {
                return Requests.JSON.writeValueAsString(list.stream().map(String::valueOf).toList());
            }
            catch (JsonProcessingException e) {
                throw new IllegalStateException("a list of strings is always JSON", e);
            }
        }
        return value == null ? "" : String.valueOf(value);
    }

    private TestSuiteConfigReader() {
    }
}
