package dev.pgbridge.metadata.usage;

import dev.pgbridge.catalog.Catalog;
import dev.pgbridge.catalog.DatabaseInfo;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.metadata.ingest.MetadataIngestion;
import dev.pgbridge.metadata.ingest.StepStatus;
import dev.pgbridge.metadata.lineage.ColumnName;
import dev.pgbridge.metadata.lineage.JoinPair;
import dev.pgbridge.metadata.lineage.StatementLineage;
import dev.pgbridge.metadata.lineage.StatementText;
import dev.pgbridge.metadata.lineage.TableName;
import dev.pgbridge.metadata.openmetadata.EntityRef;
import dev.pgbridge.metadata.openmetadata.Fqn;
import dev.pgbridge.metadata.openmetadata.RequestSink;
import dev.pgbridge.metadata.openmetadata.Requests;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * A {@code DatabaseUsage} run, what OpenMetadata's query-parser, table-usage stage and metadata-usage bulk sink do
 * together: each logged query is parsed; a query per distinct text ({@code CreateQuery}: its text with literals masked
 * ({@link StatementText#maskLiterals}, as OpenMetadata masks the query text it stores), the roles that ran
 * it as {@code usedBy}, its tables as {@code queryUsedIn}, its mean duration); per table and day the number of times
 * it was used ({@code UsageRequest}); per table and day the columns it was joined on, counted by calls
 * ({@code TableJoins}). Only relations that metadata ingestion makes entities of count: tables a query names that are
 * not in the catalog (temporary, dropped, partitions) are skipped and counted, PostgreSQL's own never appear, and a
 * query that touches nothing else is filtered.
 */
public final class UsageIngestion {
    private final String service;
    private final QueryLogSettings settings;
    private final boolean ingestAllDatabases;
    private final StepStatus source;
    private final StepStatus sinkStatus;

    public UsageIngestion(String service, QueryLogSettings settings, boolean ingestAllDatabases, StepStatus source,
                          StepStatus sinkStatus) {
        this.service = requireNonNull(service, "service is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.ingestAllDatabases = ingestAllDatabases;
        this.source = requireNonNull(source, "source is null");
        this.sinkStatus = requireNonNull(sinkStatus, "sinkStatus is null");
    }

    /**
     * Runs the usage into {@code sink}. {@code today} (UTC) is the day pg_stat_statements' counts are booked on;
     * {@code notReady} gives the error for a server whose query log cannot be read.
     */
    public void run(MetadataIngestion.Connector connector, Supplier<PgBridgeException> notReady, RequestSink sink,
                    LocalDate today) {
        settings.ignoredKeyWarnings().forEach(source::warning);
        Map<String, QueryUse> queries = new LinkedHashMap<>();
        Map<TableDay, Long> usage = new TreeMap<>();
        Map<TableDay, Map<String, Map<String, Long>>> joins = new TreeMap<>();
        Set<String> unknown = new TreeSet<>();
        try (Connection first = connector.connect(null)) {
            String current = first.getCatalog();
            Map<String, DatabaseRelations> databases = relations(first, connector, current);
            QueryLog.read(settings, first, List.copyOf(databases.keySet()), today, notReady, source, q -> {
                String database = q.database() == null ? current : q.database();
                DatabaseRelations relations = databases.get(database);
                if (relations == null) {
                    source.filtered(database + ": " + QueryAnalysis.start(q.text()));
                    return false;
                }
                if (QueryAnalysis.namesNoRelation(q.text())) {
                    source.filtered(QueryAnalysis.start(q.text()));
                    return false;
                }
                StatementLineage lineage = QueryAnalysis.analyze(q.text(), q.schema(), relations, source);
                if (lineage == null) {
                    return false;
                }
                Set<TableName> tables = new LinkedHashSet<>(lineage.reads());
                tables.addAll(lineage.writes());
                List<String> known = new ArrayList<>();
                for (TableName t : tables) {
                    if (relations.exists(t)) {
                        known.add(tableFqn(database, t));
                    }
                    else if (!t.system()) {
                        unknown.add(database + "." + t);
                    }
                }
                if (known.isEmpty()) {
                    source.filtered(QueryAnalysis.start(q.text()));
                    return false;
                }
                // counted once, as processed or as filtered (a catalog-only query was both)
                source.processed();
                queries.computeIfAbsent(StatementText.maskLiterals(q.text()), t -> new QueryUse()).add(q, known);
                for (String fqn : known) {
                    usage.merge(new TableDay(fqn, q.day()), q.calls(), Long::sum);
                }
                for (JoinPair pair : lineage.joins()) {
                    if (relations.exists(pair.left().table()) && relations.exists(pair.right().table())) {
                        join(joins, database, q, pair.left(), pair.right());
                        join(joins, database, q, pair.right(), pair.left());
                    }
                }
                return true;
            });
        }
        catch (SQLException e) {
            throw connector.translate(e);
        }
        if (!unknown.isEmpty()) {
            source.warning(unknown.size() + " tables named in queries are not in the catalog (temporary, dropped, "
                    + "or partitions) and were skipped: " + String.join(", ", unknown.stream().limit(20).toList())
                    + (unknown.size() > 20 ? ", …" : ""));
        }

        queries.forEach((text, use) -> send(sink, Requests.Request.put(new Requests.CreateQuery(text, null,
                use.meanMillis(), null, List.copyOf(use.users), use.lastDay.atStartOfDay(ZoneOffset.UTC).toInstant()
                .toEpochMilli(), use.tables.stream().map(EntityRef::table).toList(), service))));
        usage.forEach((key, count) -> {
            send(sink, Requests.Request.usage(key.fqn(), new Requests.UsageRequest(key.day().toString(),
                    (int) Math.min(Integer.MAX_VALUE, count))));
            Map<String, Map<String, Long>> columns = joins.get(key);
            if (columns != null) {
                List<Requests.ColumnJoin> columnJoins = new ArrayList<>();
                columns.forEach((column, with) -> columnJoins.add(new Requests.ColumnJoin(column, with.entrySet()
                        .stream().map(e -> new Requests.JoinedWith(e.getKey(),
                                (int) Math.min(Integer.MAX_VALUE, e.getValue()))).toList())));
                send(sink, Requests.Request.joins(key.fqn(), new Requests.TableJoins(key.day().toString(), 1,
                        columnJoins, null)));
            }
        });
    }

    /** The databases the run covers, each with its relations: the configured one, or every one it may connect to. */
    private Map<String, DatabaseRelations> relations(Connection first, MetadataIngestion.Connector connector,
                                                     String current) throws SQLException {
        Map<String, DatabaseRelations> out = new LinkedHashMap<>();
        for (DatabaseInfo database : new Catalog(first).databases(!ingestAllDatabases)) {
            if (database.name().equals(current)) {
                out.put(current, DatabaseRelations.read(current, first));
                continue;
            }
            try (Connection other = connector.connect(database.name())) {
                out.put(database.name(), DatabaseRelations.read(database.name(), other));
            }
            catch (SQLException e) {
                PgBridgeException p = connector.translate(e);
                source.error(Fqn.database(service, database.name()) + ": " + p.oneLine());
            }
        }
        return out;
    }

    private void join(Map<TableDay, Map<String, Map<String, Long>>> joins, String database, LoggedQuery q,
                      ColumnName column, ColumnName with) {
        String withFqn = Fqn.column(tableFqn(database, with.table()), with.column());
        joins.computeIfAbsent(new TableDay(tableFqn(database, column.table()), q.day()), k -> new TreeMap<>())
                .computeIfAbsent(Fqn.encode(column.column()), k -> new TreeMap<>())
                .merge(withFqn, q.calls(), Long::sum);
    }

    private String tableFqn(String database, TableName table) {
        return Fqn.table(service, database, table.schema(), table.name());
    }

    private void send(RequestSink sink, Requests.Request request) {
        int errors = sinkStatus.errorCount();
        sink.send(request);
        // a request the sink failed is its error, not also processed
        if (sinkStatus.errorCount() == errors) {
            sinkStatus.processed();
        }
    }

    private record TableDay(String fqn, LocalDate day) implements Comparable<TableDay> {
        @Override
        public int compareTo(TableDay o) {
            int c = fqn.compareTo(o.fqn);
            return c != 0 ? c : day.compareTo(o.day);
        }
    }

    /** One distinct query text: who ran it, on what, how often, how long. */
    private static final class QueryUse {
        final Set<String> users = new TreeSet<>();
        final Set<String> tables = new LinkedHashSet<>();
        long calls;
        long timedCalls;
        double millis;
        LocalDate lastDay;

        void add(LoggedQuery q, List<String> known) {
            if (q.user() != null) {
                users.add(q.user());
            }
            tables.addAll(known);
            calls += q.calls();
            if (q.meanMillis() != null) {
                timedCalls += q.calls();
                millis += q.meanMillis() * q.calls();
            }
            lastDay = lastDay == null || q.day().isAfter(lastDay) ? q.day() : lastDay;
        }

        Double meanMillis() {
            return timedCalls == 0 ? null : millis / timedCalls;
        }
    }
}
