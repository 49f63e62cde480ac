package dev.pgbridge.cdc.sink;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgbridge.cdc.event.CaptureSource;
import dev.pgbridge.cdc.event.ChangeEvent;
import dev.pgbridge.cdc.event.EventJson;
import dev.pgbridge.cdc.event.Op;
import dev.pgbridge.cdc.event.SourceCatalog;
import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.connection.JdbcTarget;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.pgtype.Lsn;
import dev.pgbridge.pgtype.TypeResolver;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The PostgreSQL sink's target tables ({@link TargetTable}) and the schema changes that shape them
 * ({@link SchemaChanges}) without a capture, on a real server: the source tables are in schema {@code public} of a
 * test database, their target tables in its schema {@code mirror}.
 */
@Timeout(60)
class TargetTableIT {
    private static final CaptureSource SOURCE = new CaptureSource("it_capture", "db");

    private final TestingPostgres pg = TestingPostgres.get();
    private TestDatabase db;
    private Connection target;
    private SchemaChanges changes;
    private final TypeResolver types = new TypeResolver(SourceCatalog.NONE);

    @BeforeEach
    void setUp() throws SQLException {
        db = pg.createDatabase(TestingPostgres.uniqueName("pgb_target"), pg.superuser());
        pg.executeIn(db.name(), "CREATE SCHEMA mirror");
        target = pg.connect(db.name());
        target.setAutoCommit(false);
        ConnectionConfig source = ConnectionConfig.builder().host(pg.host()).port(pg.port()).database(db.name())
                .login(pg.superuser()).password(pg.superuserPassword()).extra(Map.of("sslmode", "disable")).build();
        changes = new SchemaChanges(target, "mirror", JdbcTarget.of(source));
    }

    @AfterEach
    void tearDown() throws SQLException {
        changes.close();
        target.close();
        db.close();
    }

    private void sourceSql(String sql) {
        pg.executeIn(db.name(), sql);
    }

    private static ObjectNode row(Object... namesAndValues) {
        ObjectNode row = EventJson.MAPPER.createObjectNode();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            String name = (String) namesAndValues[i];
            switch (namesAndValues[i + 1]) {
                case Integer n -> row.put(name, n);
                case BigDecimal n -> row.put(name, n);
                case String s -> row.put(name, s);
                default -> throw new IllegalArgumentException(String.valueOf(namesAndValues[i + 1]));
            }
        }
        return row;
    }

    private static ChangeEvent event(TableId table, Op op, ObjectNode key, ObjectNode after) {
        return ChangeEvent.pending(SOURCE, table, op, key, null, after, 1, Lsn.valueOf("0/100"), Set.of());
    }

    /** The rows of a query on the target's own session (its open transaction), each as "v1|v2|…". */
    private List<String> rows(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = target.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    sb.append(i == 1 ? "" : "|").append(rs.getString(i));
                }
                rows.add(sb.toString());
            }
        }
        return rows;
    }

    private List<String> targetColumns(String table) throws SQLException {
        return rows("SELECT a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod) "
                + "FROM pg_catalog.pg_attribute a WHERE a.attrelid = 'mirror." + table + "'::regclass AND a.attnum > 0 AND NOT a.attisdropped "
                + "ORDER BY a.attnum");
    }

    @Test
    void aMissingTargetTableIsCreatedFromTheSourceWithItsTypesAndKey() throws Exception {
        sourceSql("CREATE TABLE public.t (a text, id int, n numeric(8,3), PRIMARY KEY (id, a))");

        TableShape shape = changes.table(new TableId("public", "t"));

        assertThat(shape.primaryKey()).containsExactly("id", "a");
        assertThat(targetColumns("t")).containsExactly("a text", "id integer", "n numeric(8,3)");
    }

    @Test
    void anExistingTargetTableWithoutTheSourcesKeyIsRefusedWithTheAlterThatFixesIt() throws Exception {
        sourceSql("CREATE TABLE public.k (id int PRIMARY KEY, v text)");
        sourceSql("CREATE TABLE mirror.k (id int, v text)");

        assertThatThrownBy(() -> changes.table(new TableId("public", "k")))
                .isInstanceOfSatisfying(PgBridgeException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
                    assertThat(e.hint()).isEqualTo("add it: ALTER TABLE \"mirror\".\"k\" ADD PRIMARY KEY (\"id\")");
                })
                .hasMessage("target table mirror.k has no primary key, but its source public.k has [id]");
    }

    @Test
    void theChangesOfOneKeyFoldIntoOneAndColumnsTheEventsCarryAreAdded() throws Exception {
        TableId id = new TableId("public", "t");
        sourceSql("CREATE TABLE public.t (id int PRIMARY KEY, a text, b text)");
        TargetTable table = new TargetTable(target, "mirror", id, changes.table(id), types, changes);
        sourceSql("ALTER TABLE public.t ADD COLUMN c numeric(8,3)");

        table.upsert(event(id, Op.CREATE, row("id", 1), row("id", 1, "a", "x", "b", "y")));
        table.executePending();
        assertThat(rows("SELECT id, a, b FROM mirror.t")).containsExactly("1|x|y");

        table.delete(event(id, Op.DELETE, row("id", 1), null));
        // an upsert after a delete: a new row, nothing left of the deleted one's b (the delete itself is folded away)
        table.upsert(event(id, Op.CREATE, row("id", 1), row("id", 1, "a", "z")));
        table.upsert(event(id, Op.CREATE, row("id", 2), row("id", 2, "a", "p")));
        // an upsert after an upsert: the columns of both
        table.upsert(event(id, Op.UPDATE, row("id", 2), row("id", 2, "b", "q")));
        // c is in the source now: added with its type; gone is not there (dropped again): added as text
        table.upsert(event(id, Op.CREATE, row("id", 3), row("id", 3, "c", new BigDecimal("1.5"), "gone", "g")));
        assertThat(table.pending()).isEqualTo(3);
        assertThat(rows("SELECT id, a, b FROM mirror.t")).as("nothing sent yet").containsExactly("1|x|y");

        table.executePending();

        assertThat(table.pending()).isZero();
        assertThat(targetColumns("t")).containsExactly("id integer", "a text", "b text", "c numeric(8,3)",
                "gone text");
        assertThat(rows("SELECT id, a, b, c, gone FROM mirror.t ORDER BY id"))
                .containsExactly("1|z|null|null|null", "2|p|q|null|null", "3|null|null|1.500|g");

        table.upsert(event(id, Op.CREATE, row("id", 4), row("id", 4)));
        table.truncate();
        assertThat(table.pending()).isZero();
        table.executePending();
        assertThat(rows("SELECT count(*) FROM mirror.t")).containsExactly("0");
        table.closeStatements();
    }

    @Test
    void aTableWithoutPrimaryKeyIsAppliedAsAMultisetDeletingOneEqualRowAtATime() throws Exception {
        TableId id = new TableId("public", "m");
        sourceSql("CREATE TABLE public.m (n int, v text)");
        sourceSql("ALTER TABLE public.m REPLICA IDENTITY FULL");
        TargetTable table = new TargetTable(target, "mirror", id, changes.table(id), types, changes);
        assertThat(table.keyed()).isFalse();

        for (int i = 0; i < 3; i++) {
            table.upsert(event(id, Op.CREATE, null, row("n", 1, "v", "x")));
        }
        // FULL: the event key is the whole old row
        table.upsert(event(id, Op.UPDATE, row("n", 1, "v", "x"), row("n", 1, "v", "y")));
        table.delete(event(id, Op.DELETE, row("n", 1, "v", "y"), null));
        table.upsert(event(id, Op.CREATE, null, row("n", 2, "v", "z")));
        assertThat(table.pending()).isEqualTo(7);

        table.executePending();

        assertThat(rows("SELECT n, v FROM mirror.m ORDER BY n, v")).containsExactly("1|x", "1|x", "2|z");
        table.closeStatements();
    }
}
