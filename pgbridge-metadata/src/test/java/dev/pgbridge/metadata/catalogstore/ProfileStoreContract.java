package dev.pgbridge.metadata.catalogstore;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.store.StoreDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * What the profile store must do on every back end of the control store (run as a {@code @Nested} class of each
 * catalog store IT): keep every profiler run as history per table and per column, never lose history to a partial run,
 * replace sample data, merge column tags, and leave the metadata run's size and row estimate where they were. Written
 * through {@link CatalogSink} with the requests a profiler sends, each test in its own tenant.
 */
@Timeout(60)
abstract class ProfileStoreContract {
    static final String TABLE = "prof_pg.shop.sales.orders";

    final String tenant = "p" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000000, Integer.MAX_VALUE));
    final List<String> warnings = new ArrayList<>();

    protected abstract StoreDatabase storeDatabase();

    CatalogStore catalog() {
        return CatalogStore.open(storeDatabase(), tenant);
    }

    ProfileStore profiles() {
        return ProfileStore.open(catalog());
    }

    void send(Requests.Request... requests) {
        try (CatalogSink sink = new CatalogSink(catalog(), warnings::add)) {
            for (Requests.Request r : requests) {
                sink.send(r);
            }
        }
    }

    /** A column profile from its metrics by OpenMetadata's names (the rest null). */
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
        return Requests.Request.tableProfile(TABLE, new Requests.CreateTableProfile(new Requests.TableProfile(
                timestamp, rows, 3, 8192.0, null, 100.0, "PERCENTAGE"), List.of(columns)));
    }

    static Requests.ColumnTag tag(String column, String tag, String state) {
        return new Requests.ColumnTag(column, new Requests.TagLabel(tag, "Classification", "Automated", state));
    }

    @Test
    void everyRunIsKeptAndAPartialRunLosesNoHistory() {
        send(Requests.Request.put(new Requests.CreateDatabaseService("prof_pg", "Postgres", null)),
                Requests.Request.put(new Requests.CreateDatabase("shop", null, "prof_pg")),
                Requests.Request.put(new Requests.CreateDatabaseSchema("sales", null, "prof_pg.shop")),
                Requests.Request.put(new Requests.CreateTable("orders", null, "Regular", List.of(
                        new Requests.Column("id", "INT", null, 1, null, null, "integer", null, null, 1)), null,
                        "prof_pg.shop.sales", null)),
                // the metadata run's estimate: no column profiles, so no run of the history
                Requests.Request.tableProfile(TABLE, new Requests.CreateTableProfile(
                        new Requests.TableProfile(500L, 990.0, 3, 4096.0))),
                run(1_000L, 1000.0, column("id", 1_000L, "valuesCount", 1000.0, "min", 1, "max", 1000),
                        column("email", 1_000L, "nullCount", 7.0, "minLength", 5.0)));
        // the second run profiled only id (email timed out, say): email keeps its profile of the first run
        send(run(2_000L, 1010.0, column("id", 2_000L, "valuesCount", 1010.0, "min", 1, "max", 1010)));
        send(run(2_000L, 1010.0, column("id", 2_000L, "valuesCount", 1010.0, "min", 1, "max", 1010)));

        ProfileStore profiles = profiles();
        ProfileStore.Latest latest = profiles.latest(TABLE).orElseThrow();
        assertThat(latest.table().timestamp()).isEqualTo(2_000L);
        assertThat(latest.table().rowCount()).isEqualTo(1010.0);
        assertThat(latest.runs()).as("the same run sent again is one run").isEqualTo(2);
        assertThat(latest.columns()).extracting(Requests.ColumnProfile::name, Requests.ColumnProfile::timestamp,
                        Requests.ColumnProfile::valuesCount)
                .containsExactly(tuple("id", 2_000L, 1010.0), tuple("email", 1_000L, null));
        assertThat(profiles.runs(TABLE, ProfileStore.HISTORY)).extracting(r -> r.table().timestamp(),
                ProfileStore.Run::columnsProfiled).containsExactly(tuple(2_000L, 1), tuple(1_000L, 2));
        assertThat(profiles.tableMetric(TABLE, "rowCount", 10)).containsExactly(
                new ProfileStore.MetricPoint(2_000L, 1010.0), new ProfileStore.MetricPoint(1_000L, 1000.0));
        assertThat(profiles.columnMetric(TABLE, "id", "max", 10)).containsExactly(
                new ProfileStore.MetricPoint(2_000L, 1010L), new ProfileStore.MetricPoint(1_000L, 1000L));
        assertThat(profiles.columnMetric(TABLE, "email", "nullCount", 10))
                .containsExactly(new ProfileStore.MetricPoint(1_000L, 7.0));
        assertThat(catalog().show(TABLE).rowEstimate()).as("the metadata run's estimate stays").isEqualTo(990.0);
        assertThat(warnings).isEmpty();

        PgBridgeException unknown = catchThrowableOfType(PgBridgeException.class,
                () -> profiles.columnMetric(TABLE, "id", "nullcount", 10));
        assertThat(unknown.code()).isEqualTo(ErrorCode.INVALID_NAME);
        assertThat(unknown.oneLine()).contains("no column metric 'nullcount'", "nullCount");
        assertThat(profiles.latest(TABLE + "_other")).isEmpty();
    }

    @Test
    void sampleDataIsReplacedAndTagsAreMerged() {
        send(Requests.Request.sampleData(TABLE, new Requests.TableData(List.of("id", "email"),
                        List.of(List.of(1, "***"), List.of(2, "***")))),
                Requests.Request.columnTags(TABLE, new Requests.ColumnTags(List.of(
                        tag("email", "PII.Sensitive", "Suggested")))));
        List<Object> row = new ArrayList<>();
        row.add(3);
        row.add(null);
        send(Requests.Request.sampleData(TABLE, new Requests.TableData(List.of("id", "email"), List.of(row))),
                Requests.Request.columnTags(TABLE, new Requests.ColumnTags(List.of(
                        tag("email", "PII.Sensitive", "Confirmed"), tag("id", "dbtTags.key", "Confirmed")))));

        ProfileStore profiles = profiles();
        Requests.TableData sample = profiles.sampleData(TABLE).orElseThrow();
        assertThat(sample.columns()).containsExactly("id", "email");
        assertThat(sample.rows()).containsExactly(row);
        assertThat(profiles.tags(TABLE)).extracting(Requests.ColumnTag::column, t -> t.tag().tagFQN(),
                t -> t.tag().state()).containsExactly(tuple("email", "PII.Sensitive", "Confirmed"),
                tuple("id", "dbtTags.key", "Confirmed"));
        assertThat(profiles.latest(TABLE)).as("no profile run yet").isEmpty();
        assertThat(ProfileStore.open(CatalogStore.open(storeDatabase(), tenant + "x")).tags(TABLE))
                .as("another tenant's tags").isEmpty();
    }

    // the profiler's ProfileExtras (cardinality distributions) reached the local catalog as "does not keep" warnings
    @Test
    void theLatestRunsExtrasAreKeptWithoutAWarning() {
        Requests.CardinalityDistribution colors = new Requests.CardinalityDistribution(List.of("red", "Others"),
                List.of(7L, 3L), List.of(0.7, 0.3));
        send(Requests.profileExtras(TABLE, new Requests.ProfileExtras(1_000L, List.of("id", "color"),
                        List.of(new Requests.ColumnExtras("color", colors)))),
                Requests.profileExtras(TABLE, new Requests.ProfileExtras(2_000L, List.of("id", "color"),
                        List.of(new Requests.ColumnExtras("color", null)))));

        Requests.ProfileExtras latest = profiles().extras(TABLE).orElseThrow();
        assertThat(latest.timestamp()).isEqualTo(2_000L);
        assertThat(latest.columnNames()).containsExactly("id", "color");
        assertThat(profiles().extras("prof_pg.shop.sales.none")).isEmpty();
        assertThat(warnings).isEmpty();
        send(Requests.profileExtras(TABLE, new Requests.ProfileExtras(3_000L, List.of("color"),
                List.of(new Requests.ColumnExtras("color", colors)))));
        assertThat(profiles().extras(TABLE).orElseThrow().columns().getFirst().cardinalityDistribution())
                .isEqualTo(colors);
    }
}
