package dev.pgbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgbridge.metadata.catalogstore.CatalogSink;
import dev.pgbridge.metadata.catalogstore.CatalogStore;
import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.store.SqlConnectionStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pgbridge metadata profile} as a user runs it, the built launcher on a local catalog (SQLite under
 * PGBRIDGE_HOME) holding two tables and the requests a Profiler run sends, built by hand: two runs of
 * {@code sales.orders} (the second left {@code email} out), its sample rows and a PII tag.
 */
@Timeout(120)
class MetadataProfileCommandIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORDERS = "cli_pg.shop.sales.orders";
    private static final long FIRST = 1_765_000_000_000L;
    private static final long SECOND = 1_765_086_400_000L;

    @TempDir
    static Path home;

    @BeforeAll
    static void fillTheCatalog() {
        try (SqlConnectionStore store = SqlConnectionStore.sqlite(home.resolve("pgbridge.db"), () -> {
            throw new IllegalStateException("no key needed");
        }); CatalogSink sink = new CatalogSink(CatalogStore.open(store.database(), "default"), w -> { })) {
            sink.send(Requests.Request.put(new Requests.CreateDatabaseService("cli_pg", "Postgres", null)));
            sink.send(Requests.Request.put(new Requests.CreateDatabase("shop", null, "cli_pg")));
            sink.send(Requests.Request.put(new Requests.CreateDatabaseSchema("sales", null, "cli_pg.shop")));
            for (String table : List.of("orders", "customers")) {
                sink.send(Requests.Request.put(new Requests.CreateTable(table, null, "Regular", List.of(
                        new Requests.Column("id", "INT", null, 1, null, null, "integer", null, null, 1),
                        new Requests.Column("email", "TEXT", null, 1, null, null, "text", null, null, 2)), null,
                        "cli_pg.shop.sales", null)));
            }
            sink.send(run(FIRST, 1000.0, column("id", FIRST, "valuesCount", 1000.0, "min", 1, "max", 1000,
                    "mean", 500.5), column("email", FIRST, "valuesCount", 990.0, "nullProportion", 0.01)));
            sink.send(run(SECOND, 1010.0, column("id", SECOND, "valuesCount", 1010.0, "min", 1, "max", 1010,
                    "mean", 505.5, "stddev", 291.5)));
            sink.send(Requests.Request.sampleData(ORDERS, new Requests.TableData(List.of("id", "email"),
                    List.of(List.of(1, "********")))));
            sink.send(Requests.Request.columnTags(ORDERS, new Requests.ColumnTags(List.of(new Requests.ColumnTag(
                    "email", new Requests.TagLabel("PII.Sensitive", "Classification", "Automated", "Suggested"))))));
        }
    }

    static Requests.ColumnProfile column(String name, long timestamp, Object... metrics) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", name);
        fields.put("timestamp", timestamp);
        for (int i = 0; i < metrics.length; i += 2) {
            fields.put((String) metrics[i], metrics[i + 1]);
        }
        return Requests.JSON.convertValue(fields, Requests.ColumnProfile.class);
    }

    static Requests.Request run(long timestamp, double rows, Requests.ColumnProfile... columns) {
        return Requests.Request.tableProfile(ORDERS, new Requests.CreateTableProfile(new Requests.TableProfile(
                timestamp, rows, 2, 65536.0, null, 100.0, "PERCENTAGE"), List.of(columns)));
    }

    private static Cli.Result run(String... args) {
        return new Cli(home).run(args);
    }

    private static Cli.Result ok(String... args) {
        Cli.Result r = run(args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    @Test
    void showsTheLatestRunWithAColumnsProfileAndTags() throws Exception {
        String table = ok("metadata", "profile", "sales.orders").out();
        assertThat(table).contains(ORDERS, "2025-12-07T05:46:40Z", "rowCount          | 1010\n", "65.5 kB", "Columns:",
                "valuesCount", "505.5", "291.5", "PII.Sensitive", "(2 rows)",
                // email was profiled by the first run only, and says so
                "2025-12-06T05:46:40Z", "a column the latest run left out");
        JsonNode json = JSON.readTree(ok("metadata", "profile", "shop.sales.orders", "--format", "json").out());
        assertThat(json.get("fqn").asText()).isEqualTo(ORDERS);
        assertThat(json.get("rowCount").asDouble()).isEqualTo(1010.0);
        assertThat(json.get("runs").asInt()).isEqualTo(2);
        List<String> columns = new ArrayList<>();
        json.get("columns").forEach(c -> columns.add(c.get("name").asText() + " " + c.get("tags")));
        assertThat(columns).containsExactly("id []", "email [\"PII.Sensitive\"]");
        assertThat(json.get("columns").get(1).get("timestamp").asLong()).isEqualTo(FIRST);
    }

    @Test
    void historyListsTheRunsOfTheTableAndOfAColumn() throws Exception {
        JsonNode runs = JSON.readTree(ok("metadata", "profile", "sales.orders", "--history", "--format", "json").out());
        List<String> lines = new ArrayList<>();
        runs.forEach(r -> lines.add(r.get("timestamp").asLong() + " " + r.get("rowCount").asDouble() + " "
                + r.get("columnsProfiled").asInt()));
        assertThat(lines).containsExactly(SECOND + " 1010.0 1", FIRST + " 1000.0 2");
        String id = ok("metadata", "profile", "sales.orders", "--history", "--column", "id").out();
        assertThat(id).contains("profiledAt", "valuesCount", "1010", "1000", "(2 rows)");
    }

    @Test
    void anUnknownTableAndATableWithoutAProfileSayWhatToDo() {
        Cli.Result unknown = run("metadata", "profile", "sales.nope");
        assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(1);
        assertThat(unknown.err().lines().toList()).containsExactly("error: no table 'sales.nope' in the local catalog",
                "hint: find the table with `pgbridge metadata search nope`");
        Cli.Result none = run("metadata", "profile", "sales.customers");
        assertThat(none.exitCode()).as(none.toString()).isEqualTo(1);
        assertThat(none.err().lines().toList()).containsExactly(
                "error: no profile of cli_pg.shop.sales.customers in the local catalog yet",
                "hint: run a Profiler workflow on it: `pgbridge metadata run --config FILE` with "
                        + "sourceConfig.config.type: Profiler (docs/profiler.md)");
    }
}
