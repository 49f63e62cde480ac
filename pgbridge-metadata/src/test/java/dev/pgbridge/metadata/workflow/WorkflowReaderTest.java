package dev.pgbridge.metadata.workflow;

import dev.pgbridge.error.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class WorkflowReaderTest {
    private static final String VALID = """
            source:
              type: postgres
              serviceName: local_pg
              serviceConnection:
                config:
                  type: Postgres
                  username: ${PG_USER}
                  authType:
                    password: ${PG_PASSWORD}
                  hostPort: db.example.com:5432
                  database: shop
                  sslMode: require
              sourceConfig:
                config:
                  type: DatabaseMetadata
                  includeViews: false
                  useFqnForFiltering: true
                  schemaFilterPattern:
                    includes: ['^sales$', 'inv.*']
                    excludes: ['.*_tmp']
            sink:
              type: file
              config:
                filename: /tmp/out.jsonl
            workflowConfig:
              openMetadataServerConfig:
                hostPort: http://localhost:8585/api
                authProvider: openmetadata
                securityConfig:
                  jwtToken: token
            """;

    private static final Map<String, String> ENV = Map.of("PG_USER", "reader", "PG_PASSWORD", "s3cret");

    @Test
    void readsOpenMetadataShapeWithEnvironmentVariables() {
        Workflow w = new WorkflowReader(ENV).read(VALID, "wf.yaml");
        assertThat(w.sourceType()).isEqualTo("postgres");
        assertThat(w.serviceName()).isEqualTo("local_pg");
        assertThat(w.pipelineType()).isEqualTo("DatabaseMetadata");
        assertThat(w.connection().username()).isEqualTo("reader");
        assertThat(w.connection().password().reveal()).isEqualTo("s3cret");
        assertThat(w.connection().toString()).doesNotContain("s3cret");
        assertThat(w.connection().hostPort()).isEqualTo("db.example.com:5432");
        assertThat(w.connection().sslMode()).isEqualTo("require");
        assertThat(w.metadata().includeViews()).isFalse();
        assertThat(w.metadata().includeTables()).isTrue();
        assertThat(w.metadata().useFqnForFiltering()).isTrue();
        assertThat(w.metadata().schemaFilter().filters("sales")).isFalse();
        assertThat(w.metadata().schemaFilter().filters("inventory")).isFalse();
        assertThat(w.metadata().schemaFilter().filters("inventory_tmp")).as("excludes win").isTrue();
        assertThat(w.metadata().schemaFilter().filters("sales2")).isTrue();
        // the patterns from the file match regardless of case, as OpenMetadata's (re.IGNORECASE)
        assertThat(w.metadata().schemaFilter().filters("Sales")).isFalse();
        assertThat(w.metadata().schemaFilter().filters("Inventory_TMP")).isTrue();
        assertThat(w.sink()).isEqualTo(new Workflow.Sink("file", "/tmp/out.jsonl"));
    }

    @Test
    void connectionIdStandsForHostPortAndUsername() {
        Workflow w = new WorkflowReader(Map.of()).read("""
                source:
                  type: postgres
                  serviceName: svc
                  serviceConnection: {config: {type: Postgres, connection: warehouse}}
                  sourceConfig: {config: {type: DatabaseMetadata}}
                """, "wf.yaml");
        assertThat(w.connection().connId()).isEqualTo("warehouse");
        assertThat(w.connection().password()).isNull();
        assertThat(w.sink().type()).as("the local catalog is the default sink").isEqualTo("pgbridge");
    }

    @Test
    void markDeletedTablesAndItsGuardAsOpenMetadataDefaultsThem() {
        String workflow = """
                source:
                  type: postgres
                  serviceName: svc
                  serviceConnection: {config: {type: Postgres, connection: warehouse}}
                  sourceConfig: {config: {type: DatabaseMetadata%s}}
                """;
        Workflow defaults = new WorkflowReader(Map.of()).read(workflow.formatted(""), "wf.yaml");
        assertThat(defaults.metadata().markDeletedTables()).isTrue();
        assertThat(defaults.metadata().allowEmptyingSchema()).isFalse();
        Workflow allowed = new WorkflowReader(Map.of()).read(
                workflow.formatted(", markDeletedTables: true, allowEmptyingSchema: true"), "wf.yaml");
        assertThat(allowed.metadata().allowEmptyingSchema()).isTrue();
    }

    @Test
    void keysOpenMetadataDefinesButPgbridgeIgnoresAreOneWarningEach() {
        // a DatabaseMetadata file with includeTags or threads ran without a word about them
        Workflow w = new WorkflowReader(Map.of()).read("""
                source:
                  type: postgres
                  serviceName: svc
                  serviceConnection: {config: {type: Postgres, connection: warehouse}}
                  sourceConfig: {config: {type: DatabaseMetadata, threads: 4, includeOwners: true, includeTags: true}}
                """, "wf.yaml");
        assertThat(w.metadata().ignoredKeyWarnings()).containsExactly(
                "source.sourceConfig.config.threads is accepted for OpenMetadata compatibility and has no effect in "
                        + "pgbridge",
                "source.sourceConfig.config.includeTags is accepted for OpenMetadata compatibility and has no effect "
                        + "in pgbridge");
    }

    @Test
    void reportsEveryProblemAtOnceWithPathsAndChoices() {
        WorkflowException e = catchThrowableOfType(WorkflowException.class, () -> new WorkflowReader(Map.of()).read("""
                source:
                  type: postgress
                  serviceName: svc
                  serviceConnection:
                    config:
                      type: Postgres
                      hostPrt: localhost:5432
                      username: u
                      ingestAllDatabases: 'yes'
                  sourceConfig:
                    config:
                      type: DatabaseMetadata
                      includeView: true
                      tableFilterPattern:
                        includes: ['orders(']
                        exclude: ['x']
                sink:
                  type: fiel
                workflowConfig:
                  loggerLevel: LOUD
                """, "wf.yaml"));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
        List<String> described = e.problems().stream().map(WorkflowProblem::describe).toList();
        assertThat(described).containsExactlyInAnyOrder(
                "source.type: 'postgress' is not a valid choice",
                "source.serviceConnection.config.hostPrt: unknown key",
                "source.serviceConnection.config.ingestAllDatabases: expected true or false, found 'yes'",
                "source.sourceConfig.config.includeView: unknown key",
                "source.sourceConfig.config.tableFilterPattern.includes[0]: invalid regular expression 'orders(': "
                        + "Unclosed group near index 7",
                "source.sourceConfig.config.tableFilterPattern.exclude: unknown key",
                "sink.type: 'fiel' is not a valid choice",
                "workflowConfig.loggerLevel: 'LOUD' is not a valid choice");
        assertThat(hint(e, "source.type")).startsWith("did you mean postgres?")
                .contains("valid choices: postgres, postgres-usage, postgres-lineage");
        assertThat(hint(e, "source.serviceConnection.config.hostPrt")).startsWith("did you mean hostPort?");
        assertThat(hint(e, "source.sourceConfig.config.includeView")).startsWith("did you mean includeViews?");
        assertThat(hint(e, "source.sourceConfig.config.tableFilterPattern.exclude"))
                .isEqualTo("did you mean excludes? valid keys: includes, excludes");
        assertThat(hint(e, "sink.type")).startsWith("did you mean file?");
    }

    @Test
    void missingRequiredKeysAndUnsetVariables() {
        WorkflowException e = catchThrowableOfType(WorkflowException.class, () -> new WorkflowReader(Map.of()).read("""
                source:
                  type: postgres
                  serviceConnection: {config: {hostPort: 'h:5432', username: '${NOPE}'}}
                sink: {type: file}
                """, "wf.yaml"));
        assertThat(e.problems().stream().map(WorkflowProblem::describe).toList()).containsExactlyInAnyOrder(
                "source.serviceConnection.config.username: environment variable NOPE is not set",
                "source.serviceName: is missing",
                "source.sourceConfig: is missing",
                "sink.config: is missing");
    }

    @Test
    void fileThatIsNotYamlSaysWhere() {
        WorkflowException e = catchThrowableOfType(WorkflowException.class,
                () -> new WorkflowReader(Map.of()).read("source:\n  type: [postgres\n", "wf.yaml"));
        assertThat(e.getMessage()).startsWith("wf.yaml: not valid YAML at line 3");
    }

    private static String hint(WorkflowException e, String path) {
        return e.problems().stream().filter(p -> p.path().equals(path)).findFirst().orElseThrow().hint();
    }

    // a password YAML reads as a date or a list was echoed in the "wrong type" message
    @Test
    void aPasswordOfTheWrongTypeIsNotEchoed() {
        String yaml = VALID.replace("password: ${PG_PASSWORD}", "password: 2031-07-14");
        WorkflowException e = catchThrowableOfType(WorkflowException.class,
                () -> new WorkflowReader(ENV).read(yaml, "wf.yaml"));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("source.serviceConnection.config.authType.password")
                .contains("found a date").doesNotContain("2031").doesNotContain("Jul");
        assertThat(e.hint()).isNotBlank();
    }
}
