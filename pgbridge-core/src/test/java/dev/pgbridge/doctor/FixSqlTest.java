package dev.pgbridge.doctor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FixSqlTest {
    @Test
    void identifiersAreAlwaysQuotedWithEmbeddedQuotesDoubled() {
        assertThat(FixSql.identifier("public")).isEqualTo("\"public\"");
        assertThat(FixSql.identifier("we\"ird; DROP")).isEqualTo("\"we\"\"ird; DROP\"");
        assertThatThrownBy(() -> FixSql.identifier("a\0b")).hasMessageContaining("NUL");
    }

    @Test
    void literalsDoubleSingleQuotes() {
        assertThat(FixSql.literal("pg_stat_statements, it's")).isEqualTo("'pg_stat_statements, it''s'");
    }
}
