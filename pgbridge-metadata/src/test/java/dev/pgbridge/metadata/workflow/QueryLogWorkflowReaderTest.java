package dev.pgbridge.metadata.workflow;

import dev.pgbridge.metadata.usage.FilterCondition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Reading {@code DatabaseUsage} and {@code DatabaseLineage} workflows: OpenMetadata's keys, defaults and checks. */
class QueryLogWorkflowReaderTest {
    @TempDir
    Path dir;

    @Test
    void usageWorkflowAsOpenMetadataWritesIt() throws IOException {
        Path csv = Files.writeString(dir.resolve("q.csv"), "query_text\nSELECT 1\n");
        Workflow w = new WorkflowReader(Map.of()).read("""
                source:
                  type: postgres-usage
                  serviceName: local_pg
                  serviceConnection: {config: {type: Postgres, hostPort: 'db:5432', username: u, database: shop}}
                  sourceConfig:
                    config:
                      type: DatabaseUsage
                      queryLogDuration: 3
                      resultLimit: 50
                      stageFileLocation: /tmp/query_log
                      queryLogFilePath: '%s'
                processor: {type: query-parser, config: {}}
                stage: {type: table-usage, config: {filename: /tmp/query_log}}
                bulkSink: {type: metadata-usage, config: {filename: /tmp/query_log}}
                workflowConfig:
                  openMetadataServerConfig: {hostPort: 'http://localhost:8585/api', authProvider: openmetadata}
                """.formatted(csv), "usage.yaml");
        assertThat(w.pipelineType()).isEqualTo("DatabaseUsage");
        assertThat(w.usage().queryLogDuration()).isEqualTo(3);
        assertThat(w.usage().resultLimit()).isEqualTo(50);
        assertThat(w.usage().queryLogFile()).isEqualTo(csv);
        assertThat(w.usage().filterCondition()).isNull();
        assertThat(w.metadata()).isNull();
        assertThat(w.lineage()).isNull();
    }

    @Test
    void lineageWorkflowDefaultsAreOpenMetadatas() {
        Workflow w = new WorkflowReader(Map.of()).read("""
                source:
                  type: postgres-lineage
                  serviceName: svc
                  serviceConnection: {config: {connection: wh}}
                  sourceConfig:
                    config: {type: DatabaseLineage, filterCondition: "query_text NOT ILIKE '%%metabase%%'",
                             schemaFilterPattern: {excludes: ['^tmp']}, processViewLineage: false, parsingTimeoutLimit: 30}
                """, "lineage.yaml");
        assertThat(w.lineage().log().queryLogDuration()).isEqualTo(1);
        assertThat(w.lineage().log().resultLimit()).isEqualTo(1000);
        assertThat(w.lineage().log().filterCondition()).isEqualTo("query_text NOT ILIKE '%%metabase%%'");
        assertThat(w.lineage().views()).isFalse();
        assertThat(w.lineage().queries()).isTrue();
        assertThat(w.lineage().schemaFilter().filters("tmp_x")).isTrue();
        assertThat(w.lineage().tableFilter().filters("anything")).isFalse();
    }

    // filterCondition is SQL written into the log's read: pg_sleep, set_config and sub-queries ran; and a ';' inside a
    // literal (query_text NOT ILIKE '%;%') was refused
    @Test
    void filterConditionIsOneExpressionOverTheLogsColumnsOnly() {
        for (String allowed : List.of("query_text NOT ILIKE '%;%'", "usename IN ('a', 'b') AND NOT (calls < 5 OR "
                + "mean_time IS NULL)", "lower(query_text) ~ 'select' AND length(query_text) > -10",
                "query_text SIMILAR TO '%(a|b)%' OR database_name LIKE 'x!_%' ESCAPE '!'", "total_time >= 1.5",
                "upper(usename) IS NOT NULL", "true")) {
            assertThat(FilterCondition.problem(allowed)).as(allowed).isNull();
        }
        assertThat(FilterCondition.problem("pg_sleep(10) IS NULL")).isEqualTo("uses the function pg_sleep, which is not allowed");
        assertThat(FilterCondition.problem("usename = set_config('work_mem', '1GB', false)"))
                .isEqualTo("uses the function set_config, which is not allowed");
        assertThat(FilterCondition.problem("query_text IN (SELECT relname FROM pg_class)")).isEqualTo("uses a sub-query, which is not allowed");
        assertThat(FilterCondition.problem("EXISTS (SELECT 1)")).contains("which is not allowed");
        assertThat(FilterCondition.problem("relname = 'x'")).isEqualTo("uses the column relname, which is not allowed");
        assertThat(FilterCondition.problem("lower(query_text, 1) = 'a'")).isEqualTo("uses the function lower, which is not allowed");
        assertThat(FilterCondition.problem("true; DROP TABLE x")).startsWith("is not one SQL condition");
        WorkflowException e = catchThrowableOfType(WorkflowException.class, () -> new WorkflowReader(Map.of()).read("""
                source:
                  type: postgres-usage
                  serviceName: svc
                  serviceConnection: {config: {connection: wh}}
                  sourceConfig: {config: {type: DatabaseUsage, filterCondition: "calls > (SELECT 1)"}}
                """, "usage.yaml"));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.describe()).isEqualTo("source.sourceConfig.config.filterCondition: uses a sub-query, which is "
                    + "not allowed");
            assertThat(p.hint()).contains("query_text, usename, database_name, calls, mean_time, total_time");
        });
    }

    @Test
    void everyUsageProblemAtOnceWithPathsAndChoices() {
        WorkflowException e = catchThrowableOfType(WorkflowException.class, () -> new WorkflowReader(Map.of()).read("""
                source:
                  type: postgres
                  serviceName: svc
                  serviceConnection: {config: {connection: wh}}
                  sourceConfig:
                    config:
                      type: DatabaseUsage
                      queryLogDurations: 2
                      resultLimit: 0
                      queryLogFilePath: /no/such/queries.csv
                      filterCondition: "pg_sleep(10) IS NULL"
                processor: {type: query-parsr}
                stage: {type: table-usage, config: {filenme: x}}
                bulkSink: {type: metadata-usage, config: {filename: [a]}}
                """, "usage.yaml"));
        List<String> described = e.problems().stream().map(WorkflowProblem::describe).toList();
        assertThat(described).containsExactlyInAnyOrder(
                "source.type: 'postgres' does not run a DatabaseUsage pipeline",
                "source.sourceConfig.config.queryLogDurations: unknown key",
                "source.sourceConfig.config.resultLimit: is 0, must be at least 1",
                "source.sourceConfig.config.queryLogFilePath: '/no/such/queries.csv' is not a readable file",
                "source.sourceConfig.config.filterCondition: applies to the server's query log, not to queryLogFilePath",
                "source.sourceConfig.config.filterCondition: uses the function pg_sleep, which is not allowed",
                "processor.type: 'query-parsr' is not a valid choice",
                "stage.config.filenme: unknown key",
                "bulkSink.config.filename: expected a string, found a list");
        assertThat(hint(e, "source.type")).isEqualTo("write source.type: postgres-usage for sourceConfig.config.type: "
                + "DatabaseUsage");
        assertThat(hint(e, "source.sourceConfig.config.queryLogDurations")).startsWith("did you mean queryLogDuration?");
        assertThat(hint(e, "processor.type")).startsWith("did you mean query-parser?");
        assertThat(hint(e, "stage.config.filenme")).startsWith("did you mean filename?");
    }

    @Test
    void lineageKeysAreCheckedToo() {
        WorkflowException e = catchThrowableOfType(WorkflowException.class, () -> new WorkflowReader(Map.of()).read("""
                source:
                  type: postgres-lineage
                  serviceName: svc
                  serviceConnection: {config: {connection: wh}}
                  sourceConfig:
                    config: {type: DatabaseLineage, stageFileLocation: /tmp/x, tableFilterPattern: {includes: ['(']},
                             processViewLineage: 'no'}
                """, "lineage.yaml"));
        assertThat(e.problems().stream().map(WorkflowProblem::describe).toList()).containsExactlyInAnyOrder(
                "source.sourceConfig.config.stageFileLocation: unknown key",
                "source.sourceConfig.config.tableFilterPattern.includes[0]: invalid regular expression '(': "
                        + "Unclosed group near index 1",
                "source.sourceConfig.config.processViewLineage: expected true or false, found 'no'");
    }

    @Test
    void metadataWorkflowsKeepTheirOwnSteps() {
        Workflow w = new WorkflowReader(Map.of()).read("""
                source:
                  type: postgres
                  serviceName: svc
                  serviceConnection: {config: {connection: wh}}
                  sourceConfig: {config: {type: DatabaseMetadata}}
                processor: {type: orm-profiler, config: {anything: 1}}
                """, "metadata.yaml");
        assertThat(w.usage()).isNull();
        WorkflowException e = catchThrowableOfType(WorkflowException.class, () -> new WorkflowReader(Map.of()).read("""
                source:
                  type: postgres
                  serviceName: svc
                  serviceConnection: {config: {connection: wh}}
                  sourceConfig: {config: {type: DatabaseMetadata}}
                processor: {config: {}}
                """, "metadata.yaml"));
        assertThat(e.problems().stream().map(WorkflowProblem::describe).toList())
                .containsExactly("processor.type: is missing");
    }

    private static String hint(WorkflowException e, String path) {
        return e.problems().stream().filter(p -> p.path().equals(path)).findFirst().orElseThrow().hint();
    }
}
