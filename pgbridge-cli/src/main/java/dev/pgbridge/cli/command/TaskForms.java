package dev.pgbridge.cli.command;

import dev.pgbridge.connection.AirflowJson;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.TaskUri;
import dev.pgbridge.secret.SecretRedactor;

import java.io.PrintWriter;

/** The two forms a connection is handed to a task in: the common-ground URI, or Airflow's JSON. */
final class TaskForms {
    private TaskForms() {}

    /** The value of AIRFLOW_CONN_&lt;ID&gt;; warnings (extras left out of the URI) go to {@code err}. */
    static String value(ConnectionConfig config, boolean json, PrintWriter err) {
        if (json) {
            return AirflowJson.build(config);
        }
        TaskUri.Result result = TaskUri.build(config);
        for (String warning : result.warnings()) {
            err.println("warning: " + warning);
        }
        err.flush();
        return result.uri();
    }

    /** The same with every secret masked, for showing without --reveal. */
    static String masked(String value) {
        return SecretRedactor.global().redact(value);
    }
}
