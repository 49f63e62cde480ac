package dev.pgbridge.metadata.workflow;

import dev.pgbridge.metadata.openmetadata.ServerConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code sink: metadata-rest} with {@code workflowConfig.openMetadataServerConfig}, as the reader checks it. */
class RestSinkWorkflowTest {
    private static final String TOKEN = "eyJhbGciOiJIUzI1NiJ9.reader-test.c2ln";

    private static String workflow(String server) {
        return """
                source:
                  type: postgres
                  serviceName: svc
                  serviceConnection: {config: {connection: warehouse}}
                  sourceConfig: {config: {type: DatabaseMetadata}}
                sink: {type: metadata-rest, config: {}}
                workflowConfig:
                """ + server.indent(2);
    }

    @Test
    void readsTheServerWithTheTokenAsASecret() {
        Workflow w = new WorkflowReader(Map.of("OM_TOKEN", TOKEN)).read(workflow("""
                openMetadataServerConfig:
                  hostPort: https://om.example.com/api
                  authProvider: openmetadata
                  securityConfig: {jwtToken: '${OM_TOKEN}'}
                  verifySSL: validate
                  sslConfig: {caCertificate: /etc/om/ca.pem}
                """), "wf.yaml");
        ServerConfig server = w.sink().server();
        assertThat(w.sink().type()).isEqualTo("metadata-rest");
        assertThat(server.hostPort()).hasToString("https://om.example.com/api");
        assertThat(server.jwtToken().reveal()).isEqualTo(TOKEN);
        assertThat(server.verifySSL()).isEqualTo("validate");
        assertThat(server.caCertificate()).isEqualTo(Path.of("/etc/om/ca.pem"));
        assertThat(w.toString()).doesNotContain(TOKEN);
        assertThat(server.toString()).doesNotContain(TOKEN).contains("jwtToken=****");
    }

    @Test
    void aLoginInHostPortIsRefusedAndNeverPrinted() {
        // http://user:pw@host/api passed the check and then showed in ServerConfig.toString, the log and errors
        WorkflowException e = catchThrowableOfType(WorkflowException.class, () -> new WorkflowReader(Map.of())
                .read(workflow("""
                        openMetadataServerConfig: {hostPort: 'http://admin:s3cret-pw@om.example.com/api',
                                                   authProvider: no-auth}
                        """), "wf.yaml"));
        assertThat(e.problems()).extracting(WorkflowProblem::describe).containsExactly(
                "workflowConfig.openMetadataServerConfig.hostPort: has a login (user:password@) in it");
        assertThat(e.problems().get(0).hint()).startsWith("remove it from hostPort and log in with authProvider and "
                + "securityConfig");
        assertThat(e.getMessage()).doesNotContain("s3cret-pw");
    }

    @Test
    void noAuthNeedsNoToken() {
        Workflow w = new WorkflowReader(Map.of()).read(workflow("""
                openMetadataServerConfig: {hostPort: 'http://localhost:8585/api', authProvider: no-auth}
                """), "wf.yaml");
        assertThat(w.sink().server().jwtToken()).isNull();
        assertThat(w.sink().server().verifySSL()).isEqualTo("no-ssl");
    }

    @Test
    void everyServerProblemAtOnceWithTheSupportedProviders() {
        WorkflowException e = catchThrowableOfType(WorkflowException.class, () -> new WorkflowReader(Map.of())
                .read(workflow("""
                        openMetadataServerConfig: {hostPort: 'localhost:8585', authProvider: google,
                                                   securityConfig: {jwtToken: 12345678}}
                        """), "wf.yaml"));
        assertThat(e.problems()).extracting(WorkflowProblem::describe).containsExactly(
                "workflowConfig.openMetadataServerConfig.hostPort: 'localhost:8585' is not an http:// or https:// URL",
                "workflowConfig.openMetadataServerConfig.authProvider: 'google' is not supported by pgbridge's "
                        + "metadata-rest sink");
        assertThat(e.problems().get(1).hint()).isEqualTo("supported: openmetadata, no-auth (openmetadata: "
                + "securityConfig.jwtToken set to a bot's token)");
        assertThat(e.getMessage()).doesNotContain("12345678");
    }

    @Test
    void theServerAndTheTokenMustBeThere() {
        WorkflowException missing = catchThrowableOfType(WorkflowException.class, () -> new WorkflowReader(Map.of())
                .read(workflow("loggerLevel: INFO\n"), "wf.yaml"));
        assertThat(missing.problems()).extracting(WorkflowProblem::describe).containsExactly(
                "workflowConfig.openMetadataServerConfig: is missing (the metadata-rest sink sends to this server)");
        WorkflowException noToken = catchThrowableOfType(WorkflowException.class, () -> new WorkflowReader(Map.of())
                .read(workflow("""
                        openMetadataServerConfig: {hostPort: 'http://om:8585/api', authProvider: openmetadata}
                        """), "wf.yaml"));
        assertThat(noToken.problems()).extracting(WorkflowProblem::describe).containsExactly(
                "workflowConfig.openMetadataServerConfig.securityConfig.jwtToken: is missing");
        assertThat(noToken.problems().get(0).hint()).contains("a bot's token");
    }

    @Test
    void theFileSinkDoesNotNeedTheServer() {
        Workflow w = new WorkflowReader(Map.of()).read("""
                source:
                  type: postgres
                  serviceName: svc
                  serviceConnection: {config: {connection: warehouse}}
                  sourceConfig: {config: {type: DatabaseMetadata}}
                sink: {type: file, config: {filename: out.jsonl}}
                workflowConfig:
                  openMetadataServerConfig: {hostPort: 'http://om:8585/api', authProvider: google}
                """, "wf.yaml");
        assertThat(w.sink().server()).isNull();
    }
}
