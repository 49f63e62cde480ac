package dev.pgbridge.connection;

import dev.pgbridge.error.PgBridgeException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UriDialectTest {
    @Test
    void namesAreCaseInsensitive() {
        assertThat(UriDialect.fromName("airflow")).isEqualTo(UriDialect.AIRFLOW);
        assertThat(UriDialect.fromName("LibPQ")).isEqualTo(UriDialect.LIBPQ);
        assertThat(UriDialect.LIBPQ.cliName()).isEqualTo("libpq");
    }

    @Test
    void unknownNameListsTheChoices() {
        assertThatThrownBy(() -> UriDialect.fromName("jdbc")).isInstanceOf(PgBridgeException.class)
                .hasMessageContaining("'jdbc'").hasMessageContaining("airflow, libpq");
    }

    // Airflow's env backend: strip, then JSON when the value starts with '{'
    @Test
    void airflowDialectReadsJsonOrUriAsTheEnvironmentBackendDoes() {
        assertThat(UriDialect.AIRFLOW.parse("  {\"conn_type\": \"postgres\", \"host\": \"h\"}\n").host()).isEqualTo("h");
        assertThat(UriDialect.AIRFLOW.parse(" postgresql://H/db \n").database()).isEqualTo("db");
    }

    @Test
    void theDialectsDisagreeWhereAirflowAndLibpqDisagree() {
        String uri = "postgresql://u@DB/db?application_name=a+b";
        assertThat(UriDialect.AIRFLOW.parse(uri).extraValue("application_name")).isEqualTo("a b");
        assertThat(UriDialect.LIBPQ.parse(uri).extraValue("application_name")).isEqualTo("a+b");
        assertThat(UriDialect.AIRFLOW.parse(uri).host()).isEqualTo("db");
        assertThat(UriDialect.LIBPQ.parse(uri).host()).isEqualTo("DB");
        assertThat(UriDialect.AIRFLOW.parse("postgresql://h/db?anything=1").extra()).isEqualTo("{\"anything\": 1}");
        assertThatThrownBy(() -> UriDialect.LIBPQ.parse("postgresql://h/db?anything=1"))
                .isInstanceOf(PgBridgeException.class);
        assertThat(UriDialect.LIBPQ.parse("host=h dbname=db").database()).isEqualTo("db");
    }
}
