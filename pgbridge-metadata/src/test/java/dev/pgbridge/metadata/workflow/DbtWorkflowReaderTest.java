package dev.pgbridge.metadata.workflow;

import dev.pgbridge.metadata.dbt.DbtSettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code dbtPipeline.json}'s keys: defaults, every option read, a misspelled or missing path reported before a run. */
class DbtWorkflowReaderTest {
    private static Workflow read(String config) {
        return new WorkflowReader(Map.of()).read("""
                source:
                  type: dbt
                  serviceName: shop
                  sourceConfig:
                    config:
                %s
                """.formatted(config.indent(6)), "dbt.yaml");
    }

    @Test
    void onlyTheManifestIsNeededAndTheRestHasOpenMetadatasDefaults() {
        DbtSettings s = read("""
                type: DBT
                dbtConfigSource: {dbtConfigType: local, dbtManifestFilePath: target/manifest.json}
                """).dbt();
        assertThat(s.manifest()).isEqualTo(Path.of("target/manifest.json"));
        assertThat(s.catalog()).isNull();
        assertThat(s.runResults()).isNull();
        assertThat(s.updateDescriptions()).isFalse();
        assertThat(s.includeTags()).isTrue();
        assertThat(s.classificationName()).isEqualTo("dbtTags");
    }

    @Test
    void everyOptionIsRead() {
        DbtSettings s = read("""
                type: DBT
                dbtConfigSource:
                  dbtConfigType: local
                  dbtManifestFilePath: m.json
                  dbtCatalogFilePath: c.json
                  dbtRunResultsFilePath: r.json
                dbtUpdateDescriptions: true
                includeTags: false
                dbtClassificationName: jaffle
                schemaFilterPattern: {excludes: ['^audit$']}
                parsingTimeoutLimit: 300
                """).dbt();
        assertThat(s.catalog()).isEqualTo(Path.of("c.json"));
        assertThat(s.runResults()).isEqualTo(Path.of("r.json"));
        assertThat(s.updateDescriptions()).isTrue();
        assertThat(s.includeTags()).isFalse();
        assertThat(s.classificationName()).isEqualTo("jaffle");
        assertThat(s.schemaFilter().filters("audit")).isTrue();
        assertThat(s.schemaFilter().filters("analytics")).isFalse();
    }

    @Test
    void aMissingManifestAndAMisspelledKeyAreReportedTogether() {
        assertThatThrownBy(() -> read("""
                type: DBT
                dbtConfigSource: {dbtConfigType: local, dbtCatalogFilePath: c.json}
                dbtUpdateDescription: true
                """)).isInstanceOfSatisfying(WorkflowException.class, e -> assertThat(e.problems())
                .extracting(WorkflowProblem::path).containsExactlyInAnyOrder(
                        "source.sourceConfig.config.dbtConfigSource.dbtManifestFilePath",
                        "source.sourceConfig.config.dbtUpdateDescription"));
    }
}
