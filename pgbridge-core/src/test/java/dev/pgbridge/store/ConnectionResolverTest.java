package dev.pgbridge.store;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.secret.MasterKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Resolution order of DESIGN.md: explicit URL, then AIRFLOW_CONN_&lt;ID&gt; (JSON or URI), then the store. */
class ConnectionResolverTest {
    @TempDir
    Path dir;

    @Test
    void environmentWinsOverTheStoreAndJsonIsReadAsJson() {
        MasterKey key = MasterKey.generate();
        try (ConnectionStore store = SqlConnectionStore.sqlite(dir.resolve("s.db"), () -> key)) {
            store.add(ConnectionConfig.builder().connId("pg").host("from-store").build());
            ConnectionResolver none = new ConnectionResolver(Map.of(), () -> store);
            assertThat(none.resolve("PG", "default").config().host()).isEqualTo("from-store");
            assertThat(none.resolve("pg", "default").source()).isEqualTo(ConnectionResolver.Source.STORE);

            ConnectionResolver uri = new ConnectionResolver(Map.of("AIRFLOW_CONN_PG", "postgres://u:p%40w@from-env:6543/db"), () -> store);
            ConnectionResolver.Resolved fromEnv = uri.resolve("pg", "default");
            assertThat(fromEnv.source()).isEqualTo(ConnectionResolver.Source.ENVIRONMENT);
            assertThat(fromEnv.config().host()).isEqualTo("from-env");
            assertThat(fromEnv.config().password().reveal()).isEqualTo("p@w");
            assertThat(fromEnv.config().connId()).isEqualTo("pg");

            ConnectionResolver json = new ConnectionResolver(Map.of("AIRFLOW_CONN_PG", " {\"conn_type\": \"postgres\", \"host\": \"from-json\"}"), () -> store);
            assertThat(json.resolve("pg", "default").config().host()).isEqualTo("from-json");

            assertThat(none.resolveUrl("postgresql://from-url/db").source()).isEqualTo(ConnectionResolver.Source.URL);
        }
    }

    @Test
    void aMissingConnectionSaysWhereItLooked() {
        MasterKey key = MasterKey.generate();
        try (ConnectionStore store = SqlConnectionStore.sqlite(dir.resolve("s.db"), () -> key)) {
            ConnectionResolver resolver = new ConnectionResolver(Map.of(), () -> store);
            assertThatThrownBy(() -> resolver.resolve("nope", "team_a"))
                    .isInstanceOfSatisfying(PgBridgeException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION_NOT_FOUND);
                        assertThat(e.getMessage()).contains("'nope'").contains("team_a").contains("AIRFLOW_CONN_NOPE");
                        assertThat(e.hint()).contains("pgbridge conn list");
                    });
        }
    }
}
