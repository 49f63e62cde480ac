package dev.pgbridge.copy;

import dev.pgbridge.error.PgBridgeException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadTableCreatorTest {
    @Test
    void namesFoldLikePostgresUnlessQuoted() {
        assertThat(TableCreator.parseName("Orders")).isEqualTo(new TableCreator.Name(null, "orders"));
        assertThat(TableCreator.parseName("Sales.Orders")).isEqualTo(new TableCreator.Name("sales", "orders"));
        assertThat(TableCreator.parseName("\"Sales\".\"Orders\"")).isEqualTo(new TableCreator.Name("Sales", "Orders"));
        assertThat(TableCreator.parseName("\"a.b\".\"say \"\"hi\"\"\"")).isEqualTo(new TableCreator.Name("a.b", "say \"hi\""));
        assertThat(TableCreator.parseName(" sales . \"Orders\" ")).isEqualTo(new TableCreator.Name("sales", "Orders"));
        assertThat(TableCreator.parseName("ÉtÉ")).as("only ASCII folds, as in a UTF-8 database").isEqualTo(new TableCreator.Name(null, "ÉtÉ"));
    }

    @Test
    void badNamesAreRejectedWithTheReason() {
        assertThatThrownBy(() -> TableCreator.parseName("a.b.c")).isInstanceOf(PgBridgeException.class).hasMessageContaining("too many");
        assertThatThrownBy(() -> TableCreator.parseName("\"open")).isInstanceOf(PgBridgeException.class).hasMessageContaining("not closed");
        assertThatThrownBy(() -> TableCreator.parseName("a.")).isInstanceOf(PgBridgeException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> TableCreator.parseName("\"\"")).isInstanceOf(PgBridgeException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> TableCreator.parseName("a b")).isInstanceOf(PgBridgeException.class).hasMessageContaining("unexpected 'b'");
    }

    @Test
    void createTableQuotesEveryNameAndKeepsNotNullAndThePrimaryKey() {
        String sql = TableCreator.createTableSql("Sales", "Orders", List.of(
                new TableCreator.Column("Id", "bigint", true),
                new TableCreator.Column("say \"hi\"", "numeric(10,2)", false)), List.of("Id"));
        assertThat(sql).isEqualTo("CREATE TABLE \"Sales\".\"Orders\" (\n"
                + "    \"Id\" bigint NOT NULL,\n"
                + "    \"say \"\"hi\"\"\" numeric(10,2),\n"
                + "    PRIMARY KEY (\"Id\")\n"
                + ")");
    }
}
