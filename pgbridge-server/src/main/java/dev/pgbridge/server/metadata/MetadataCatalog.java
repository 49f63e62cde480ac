package dev.pgbridge.server.metadata;

import dev.pgbridge.metadata.catalogstore.CatalogDbtStore;
import dev.pgbridge.metadata.catalogstore.CatalogStore;
import dev.pgbridge.metadata.catalogstore.ProfileStore;
import dev.pgbridge.metadata.catalogstore.QualityStore;
import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.store.StoreDatabase;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * The local metadata catalog as the REST API and the web UI read it: {@link CatalogStore} of the caller's tenant (the
 * same reads as {@code pgbridge metadata list|search|show|lineage|history}), with the list and the search folded into
 * one table listing. Every method takes the tenant from the caller's principal.
 */
public final class MetadataCatalog {
    /** How far the lineage of a table page reaches in each direction. */
    public static final int PAGE_LINEAGE_DEPTH = 3;
    /** The deepest walk the API allows. */
    public static final int MAX_LINEAGE_DEPTH = 10;

    /** A table of the listing and, when it came from a search, what matched (its name, a column, a description). */
    public record TableMatch(CatalogStore.TableEntry table, List<CatalogStore.SearchHit> matches) {
        public TableMatch {
            requireNonNull(table, "table is null");
            matches = List.copyOf(matches);
        }
    }

    /** The lineage walked from one table: upstream (what it is made from) and downstream, nearest edges first. */
    public record Lineage(String fqn, int depth, List<CatalogStore.LineageHop> upstream,
                          List<CatalogStore.LineageHop> downstream) {
        public Lineage {
            requireNonNull(fqn, "fqn is null");
            upstream = List.copyOf(upstream);
            downstream = List.copyOf(downstream);
        }
    }

    /**
     * What the profiler left of one table: the latest run (null before the first), the runs kept (newest first), the
     * latest sample rows (null when none) and the tags on its columns.
     */
    public record Profile(ProfileStore.Latest latest, List<ProfileStore.Run> runs, Requests.TableData sample,
                          List<Requests.ColumnTag> tags) {
        public Profile {
            runs = List.copyOf(runs);
            tags = List.copyOf(tags);
        }
    }

    private final StoreDatabase db;

    public MetadataCatalog(StoreDatabase db) {
        this.db = requireNonNull(db, "db is null");
    }

    private CatalogStore catalog(String tenant) {
        return CatalogStore.open(db, requireNonNull(tenant, "tenant is null"));
    }

    /**
     * The active tables of the tenant in FQN order, narrowed to a service when given; with {@code search} (not blank)
     * only those whose name or description, or a column's, contains it ignoring case.
     */
    public List<TableMatch> tables(String tenant, String search, String service) {
        CatalogStore catalog = catalog(tenant);
        List<CatalogStore.TableEntry> tables = catalog.tables(blankToNull(service), null,
                CatalogStore.StateFilter.ACTIVE);
        String text = blankToNull(search);
        if (text == null) {
            return tables.stream().map(t -> new TableMatch(t, List.of())).toList();
        }
        Map<String, List<CatalogStore.SearchHit>> hits = new LinkedHashMap<>();
        for (CatalogStore.SearchHit hit : catalog.search(text.strip())) {
            hits.computeIfAbsent(hit.tableFqn(), k -> new ArrayList<>()).add(hit);
        }
        List<TableMatch> out = new ArrayList<>();
        for (CatalogStore.TableEntry t : tables) {
            List<CatalogStore.SearchHit> matched = hits.get(t.fqn());
            if (matched != null) {
                out.add(new TableMatch(t, matched));
            }
        }
        return out;
    }

    /** The services the tenant's active tables come from, in order. */
    public List<String> services(String tenant) {
        TreeSet<String> services = new TreeSet<>();
        for (CatalogStore.TableEntry t : catalog(tenant).tables(null, null, CatalogStore.StateFilter.ACTIVE)) {
            services.add(t.service());
        }
        return List.copyOf(services);
    }

    /**
     * The table {@code name} names (its FQN, or a shorter {@code schema.table} as the CLI takes), with its columns,
     * constraints, profile, usage and direct lineage. NOT_FOUND when the tenant has no such table.
     */
    public CatalogStore.TableDetail table(String tenant, String name) {
        CatalogStore catalog = catalog(tenant);
        return catalog.show(catalog.resolve(name));
    }

    /** The lineage of the table {@code name} names, {@code depth} edges each way. */
    public Lineage lineage(String tenant, String name, int depth) {
        CatalogStore catalog = catalog(tenant);
        String fqn = catalog.resolve(name);
        return new Lineage(fqn, depth, catalog.lineage(fqn, true, depth), catalog.lineage(fqn, false, depth));
    }

    /** Every version of the table {@code name} names, oldest first. */
    public List<CatalogStore.EntityVersion> history(String tenant, String name) {
        CatalogStore catalog = catalog(tenant);
        return catalog.history(catalog.resolve(name));
    }

    /** What dbt said about the table {@code fqn} (its data model, descriptions, owner); empty when nothing. */
    public Optional<CatalogDbtStore.DbtTable> dbt(String tenant, String fqn) {
        return CatalogDbtStore.open(catalog(tenant)).table(fqn);
    }

    /** The profile of the table {@code fqn} (as {@link #table} resolved it): latest run, history, sample, tags. */
    public Profile profile(String tenant, String fqn) {
        ProfileStore profiles = ProfileStore.open(catalog(tenant));
        return new Profile(profiles.latest(fqn).orElse(null), profiles.runs(fqn, ProfileStore.HISTORY),
                profiles.sampleData(fqn).orElse(null), profiles.tags(fqn));
    }

    /**
     * The data-quality tests of the table {@code name} names, each with its latest result and last runs (the local
     * catalog's {@code catalog_quality} component).
     */
    public List<QualityStore.CaseResults> quality(String tenant, String name) {
        String fqn = catalog(tenant).resolve(name);
        return QualityStore.open(db, requireNonNull(tenant, "tenant is null")).table(fqn);
    }

    /** The FQN of the table {@code name} names. */
    public String resolve(String tenant, String name) {
        return catalog(tenant).resolve(name);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
