package dev.pgbridge.metadata.workflow;

import dev.pgbridge.metadata.profile.ProfilerSettings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The Profiler pipeline's keys: OpenMetadata's names and defaults, and every bad value reported with a hint. */
class ProfilerWorkflowReaderTest {
    private static String workflow(String pipeline, String processor) {
        return """
                source:
                  type: postgres
                  serviceName: local_pg
                  serviceConnection:
                    config:
                      connection: shop
                  sourceConfig:
                    config:
                      type: Profiler
                %s
                %s
                sink:
                  type: file
                  config:
                    filename: /tmp/out.jsonl
                """.formatted(pipeline.stripTrailing(), processor.stripTrailing());
    }

    private static List<String> problems(String pipeline, String processor) {
        WorkflowException e = catchThrowableOfType(WorkflowException.class,
                () -> new WorkflowReader(Map.of()).read(workflow(pipeline, processor), "wf.yaml"));
        assertThat(e).as("expected problems").isNotNull();
        return e.problems().stream().map(p -> p.describe() + " (hint: " + p.hint() + ")").toList();
    }

    @Test
    void defaultsAreOpenMetadatas() {
        ProfilerSettings s = new WorkflowReader(Map.of()).read(workflow("", ""), "wf.yaml").profiler();
        assertThat(s.generateSampleData()).isTrue();
        assertThat(s.sampleDataCount()).isEqualTo(50);
        assertThat(s.threadCount()).isEqualTo(5);
        assertThat(s.timeoutSeconds()).isEqualTo(43200);
        assertThat(s.confidence()).isEqualTo(80);
        assertThat(s.profileSample()).isNull();
        assertThat(s.profileSampleType()).isEqualTo(ProfilerSettings.SampleType.PERCENTAGE);
        assertThat(s.samplingMethodType()).isEqualTo(ProfilerSettings.SamplingMethod.BERNOULLI);
        assertThat(s.processPiiSensitive()).isFalse();
        assertThat(s.includeViews()).isTrue();
        assertThat(s.tableConfig()).isEmpty();
    }

    @Test
    void readsEveryKey() {
        ProfilerSettings s = new WorkflowReader(Map.of()).read(workflow("""
                      generateSampleData: false
                      sampleDataCount: 20
                      profileSample: 12.5
                      profileSampleType: PERCENTAGE
                      samplingMethodType: SYSTEM
                      threadCount: 3
                      timeoutSeconds: 60
                      processPiiSensitive: true
                      confidence: 90
                      includeViews: false
                      computeMetrics: true
                      useStatistics: false
                      tableFilterPattern: {excludes: ['^tmp_']}
                """, """
                processor:
                  type: orm-profiler
                  config:
                    tableConfig:
                      - fullyQualifiedName: local_pg.shop.public.orders
                        profileSample: 1000
                        profileSampleType: ROWS
                        profileQuery: SELECT * FROM public.orders WHERE id > 10
                        columnConfig:
                          excludeColumns: [secret]
                          includeColumns:
                            - columnName: amount
                              metrics: [mean, median]
                        partitionConfig:
                          enablePartitioning: true
                          partitionColumnName: created_at
                          partitionIntervalType: TIME-UNIT
                          partitionInterval: 7
                          partitionIntervalUnit: DAY
                """), "wf.yaml").profiler();
        assertThat(s.generateSampleData()).isFalse();
        assertThat(s.sampleDataCount()).isEqualTo(20);
        assertThat(s.profileSample()).isEqualTo(12.5);
        assertThat(s.samplingMethodType()).isEqualTo(ProfilerSettings.SamplingMethod.SYSTEM);
        assertThat(s.threadCount()).isEqualTo(3);
        assertThat(s.timeoutSeconds()).isEqualTo(60);
        assertThat(s.processPiiSensitive()).isTrue();
        assertThat(s.confidence()).isEqualTo(90);
        assertThat(s.includeViews()).isFalse();
        assertThat(s.tableFilter().filters("tmp_x")).isTrue();
        assertThat(s.ignoredKeyWarnings()).singleElement().asString().contains("useStatistics");
        ProfilerSettings.TableConfig t = s.tableConfigOf("local_pg.shop.public.orders");
        assertThat(t.profileSample()).isEqualTo(1000);
        assertThat(t.profileSampleType()).isEqualTo(ProfilerSettings.SampleType.ROWS);
        assertThat(t.profileQuery()).startsWith("SELECT");
        assertThat(t.columnConfig().excludeColumns()).containsExactly("secret");
        assertThat(t.columnConfig().includeColumns()).singleElement()
                .isEqualTo(new ProfilerSettings.IncludeColumn("amount", List.of("mean", "median")));
        assertThat(t.partitionConfig().partitionIntervalType())
                .isEqualTo(ProfilerSettings.PartitionIntervalType.TIME_UNIT);
        assertThat(t.partitionConfig().partitionInterval()).isEqualTo(7);
    }

    @Test
    void badValuesAreReportedWithHints() {
        List<String> problems = problems("""
                      profileSample: 150
                      profileSampleType: PERCENT
                      samplingMethodType: RANDOM
                      threadCount: 0
                      confidence: high
                      timeoutSecs: 10
                """, """
                processor:
                  type: orm-profiler
                  config:
                    tableConfig:
                      - fullyQualifiedName: a.b.c.d
                        profileSample: -1
                        profileSampleType: ROWS
                        columnConfig:
                          includeColumns:
                            - columnName: x
                              metrics: [meen]
                        partitionConfig:
                          enablePartitioning: true
                          partitionColumnName: id
                          partitionIntervalType: INTEGER-RANGE
                          partitionIntegerRangeStart: 10
                      - profileSample: 5
                        partitionConfig:
                          partitionIntervalUnit: WEEK
                """);
        assertThat(String.join("\n", problems)).contains(
                "source.sourceConfig.config.profileSampleType: 'PERCENT' is not a valid choice",
                "valid choices: PERCENTAGE, ROWS",
                "source.sourceConfig.config.samplingMethodType: 'RANDOM' is not a valid choice",
                "source.sourceConfig.config.timeoutSecs: unknown key",
                "did you mean timeoutSeconds",
                "source.sourceConfig.config.threadCount: is 0, out of range",
                "source.sourceConfig.config.confidence: expected a number, found 'high'",
                "processor.config.tableConfig[0].profileSample: is -1, out of range",
                "processor.config.tableConfig[0].columnConfig.includeColumns[0].metrics[0]: 'meen' is not a metric",
                "did you mean mean",
                "processor.config.tableConfig[0].partitionConfig.partitionIntegerRangeEnd: is missing",
                "processor.config.tableConfig[1].fullyQualifiedName: is missing",
                "processor.config.tableConfig[1].partitionConfig.partitionIntervalUnit: 'WEEK' is not a valid choice");
    }

    // a profileQuery with "; COMMIT; DROP …" ran its other statements outside the read-only transaction
    @Test
    void aProfileQueryIsOneQuery() {
        assertThat(String.join("\n", problems("", """
                processor:
                  type: orm-profiler
                  config:
                    tableConfig:
                      - fullyQualifiedName: a.b.c.d
                        profileQuery: "SELECT 1) AS q; COMMIT; DROP TABLE t; SELECT * FROM ((SELECT 1"
                      - fullyQualifiedName: a.b.c.e
                        profileQuery: "COPY (SELECT 1) TO PROGRAM 'id'"
                """))).contains("processor.config.tableConfig[0].profileQuery: profileQuery: the SQL text holds",
                "processor.config.tableConfig[1].profileQuery: profileQuery must be a query; it starts with COPY");
    }

    @Test
    void aPercentageOverAHundredIsOutOfRange() {
        assertThat(problems("      profileSample: 150\n", "")).singleElement().asString()
                .contains("profileSample: is 150, out of range").contains("at most 100");
    }

    @Test
    void tableConfigMustBeAList() {
        assertThat(problems("", """
                processor:
                  type: orm-profiler
                  config:
                    tableConfig:
                      fullyQualifiedName: a.b.c.d
                """)).singleElement().asString().contains("processor.config.tableConfig: expected a list of tables");
    }
}
