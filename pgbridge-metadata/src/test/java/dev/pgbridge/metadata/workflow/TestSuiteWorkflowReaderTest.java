package dev.pgbridge.metadata.workflow;

import dev.pgbridge.metadata.quality.TestSuiteSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Reading {@code TestSuite} workflows: OpenMetadata's shape, pgbridge's additions, and every problem with a hint. */
class TestSuiteWorkflowReaderTest {
    private static final String HEAD = """
            source:
              type: TestSuite
              serviceName: shop_pg
              serviceConnection: {config: {type: Postgres, connection: shop}}
              sourceConfig:
                config: {type: TestSuite, entityFullyQualifiedName: shop_pg.shop.public.orders}
            processor:
              type: orm-test-runner
              config:
                testCases:
            """;

    private static Workflow read(String yaml) {
        return new WorkflowReader(Map.of()).read(yaml, "quality.yaml");
    }

    private static List<String> problems(String yaml) {
        WorkflowException e = catchThrowableOfType(WorkflowException.class, () -> read(yaml));
        assertThat(e).as("expected problems").isNotNull();
        return e.problems().stream().map(p -> p.describe() + " | " + p.hint()).toList();
    }

    @Test
    void openMetadatasShapeWithTablesOfTheirOwn() {
        Workflow w = read(HEAD + """
                      - name: rows
                        testDefinitionName: tableRowCountToBeBetween
                        parameterValues: [{name: minValue, value: 1}, {name: maxValue, value: 100}]
                      - name: status_set
                        testDefinitionName: columnValuesToBeInSet
                        columnName: status
                        computePassedFailedRowCount: true
                        parameterValues: [{name: allowedValues, value: [new, paid]}]
                      - name: other_table
                        testDefinitionName: columnValuesToBeNotNull
                        columnName: id
                        entityFullyQualifiedName: shop_pg.shop.public.customers
                    forceUpdate: true
                    timeoutSeconds: 30
                """);
        TestSuiteSettings s = w.testSuite();
        assertThat(w.pipelineType()).isEqualTo("TestSuite");
        assertThat(s.tables()).extracting(TestSuiteSettings.TableTests::tableFqn)
                .containsExactly("shop_pg.shop.public.orders", "shop_pg.shop.public.customers");
        TestSuiteSettings.TestCaseSpec set = s.tables().getFirst().testCases().get(1);
        assertThat(set.parameter("allowedValues")).isEqualTo("[\"new\",\"paid\"]");
        assertThat(set.computePassedFailedRowCount()).isTrue();
        assertThat(s.tables().getFirst().testCases().getFirst().parameter("minValue")).isEqualTo("1");
        assertThat(s.forceUpdate()).isTrue();
        assertThat(s.statementTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void unknownDefinitionsAndParametersGetTheNearestName() {
        List<String> problems = problems(HEAD + """
                      - name: a
                        testDefinitionName: columnValuesToBeNotNul
                        columnName: id
                      - name: b
                        testDefinitionName: tableRowCountToBeBetween
                        parameterValues: [{name: minValu, value: 1}]
                      - name: c
                        testDefinitionName: columnValuesToBeBetween
                      - name: d
                        testDefinitionName: tableRowCountToEqual
                        parameterValues: [{name: value, value: ten}]
                      - name: e
                        testDefinitionName: columnValuesToMatchRegex
                        columnName: code
                      - name: f
                        testDefinitionName: tableCustomSQLQuery
                        parameterValues: [{name: sqlExpression, value: SELECT 1}, {name: strategy, value: ALL}]
                """);
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("testCases[0].testDefinitionName")
                .contains("'columnValuesToBeNotNul' is not a test definition").contains("columnValuesToBeNotNull"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("testCases[1].parameterValues[0].name")
                .contains("did you mean minValue"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("testCases[2].columnName").contains("is missing"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("testCases[3].parameterValues[0].value")
                .contains("'ten' is not a whole number"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("testCases[4].parameterValues")
                .contains("has no regex"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("'ALL' is not one of ROWS, COUNT"));
        assertThat(problems).hasSize(6);
    }

    @Test
    void theConnectionAndTheTableAreRequired() {
        List<String> problems = problems("""
                source:
                  type: TestSuite
                  serviceName: shop_pg
                  sourceConfig: {config: {type: TestSuite}}
                processor:
                  type: orm-test-runner
                  config:
                    testCases: [{name: a, testDefinitionName: tableRowCountToEqual, parameterValues: [{name: value, value: 1}]}]
                """);
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("source.serviceConnection")
                .contains("pgbridge runs the tests on the database itself").contains("connection: <conn_id>"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("entityFullyQualifiedName").contains("is missing")
                .contains("service.database.schema.table"));
        assertThat(problems).hasSize(2);
    }

    @Test
    void aTableFqnNeedsFourParts() {
        List<String> problems = problems(HEAD.replace("shop_pg.shop.public.orders", "public.orders") + """
                      - {name: a, testDefinitionName: columnValuesToBeUnique, columnName: id}
                """);
        assertThat(problems).singleElement().asString().contains("'public.orders' is not a table's fully qualified name");
    }

    // the bug: partitionCondition and tableDiff's where reached the server unchecked (a COMMIT; ends the read-only
    // transaction); sqlExpression had a lexer of its own
    @Test
    void theUsersSqlIsOneStatementCheckedBeforeTheRun() {
        List<String> problems = problems(HEAD + """
                      - name: a
                        testDefinitionName: tableCustomSQLQuery
                        parameterValues: [{name: sqlExpression, value: "SELECT 1; COMMIT; DELETE FROM orders"}]
                      - name: b
                        testDefinitionName: tableCustomSQLQuery
                        parameterValues: [{name: sqlExpression, value: SELECT 1}, {name: partitionCondition, value: "true; COMMIT"}]
                      - name: c
                        testDefinitionName: tableDiff
                        parameterValues: [{name: table2, value: shop_pg.shop.public.o2}, {name: where, value: "true) OR (true"}]
                      - name: d
                        testDefinitionName: tableCustomSQLQuery
                        parameterValues: [{name: sqlExpression, value: "DELETE FROM orders"}, {name: partitionCondition, value: "id > 1"}]
                      - name: fine
                        testDefinitionName: tableDiff
                        parameterValues: [{name: table2, value: shop_pg.shop.public.o2}, {name: where, value: "s <> ';'"}]
                """);
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("testCases[0].parameterValues[0].value")
                .contains("sqlExpression: the SQL text holds 3 statements").contains("| give exactly one statement"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("testCases[1].parameterValues[1].value")
                .contains("partitionCondition: the SQL text holds 2 statements").contains("| give one condition"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("testCases[2].parameterValues[1].value")
                .contains("where: the SQL statement cannot be used as a subquery").contains("| give one condition"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("testCases[3].parameterValues[0].value")
                .contains("sqlExpression must be a query; it starts with DELETE"));
        assertThat(problems).hasSize(4);
    }

    // the bug: rangeInterval was checked as a long and read as an int, so 3000000000 passed the check and threw in the run
    @Test
    void rangeIntervalIsAnInt() {
        List<String> problems = problems(HEAD + """
                      - name: a
                        testDefinitionName: tableRowInsertedCountToBeBetween
                        parameterValues: [{name: columnName, value: created_at}, {name: rangeType, value: DAY},
                                          {name: rangeInterval, value: 3000000000}]
                """);
        assertThat(problems).singleElement().asString().contains("testCases[0].parameterValues[2].value")
                .contains("'3000000000' is larger than 2147483647").contains("at most 2147483647");
    }
}
