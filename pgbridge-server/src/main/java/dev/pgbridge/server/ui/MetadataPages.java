package dev.pgbridge.server.ui;

import dev.pgbridge.metadata.catalogstore.CatalogStore;
import dev.pgbridge.metadata.catalogstore.QualityStore;
import dev.pgbridge.server.auth.Role;
import dev.pgbridge.server.metadata.MetadataCatalog;
import dev.pgbridge.server.services.ServerServices;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Metadata pages: {@code /metadata} lists and searches the tenant's ingested tables, {@code /metadata/tables/{fqn}}
 * shows one table (columns, profile, usage, its lineage as an SVG drawn here, versions). Read-only, viewer role.
 */
public final class MetadataPages implements UiModule {
    private static final String NAV = "metadata";
    static final String TABLE_PAGE = "/metadata/tables/";

    private final MetadataCatalog catalog;
    private final Ui ui;

    public MetadataPages(ServerServices services, Ui ui) {
        this.catalog = new MetadataCatalog(requireNonNull(services, "services is null").db());
        this.ui = requireNonNull(ui, "ui is null");
    }

    @Override
    public void register(Ui routes) {
        routes.page("/metadata", Role.VIEWER, (ctx, session) -> {
            String tenant = session.principal().tenant();
            String search = ctx.queryParam("q");
            String service = ctx.queryParam("service");
            Map<String, Object> model = new HashMap<>();
            model.put("page", new PageContext("Metadata", session.principal(), session.csrfToken(), NAV));
            model.put("search", search == null ? "" : search);
            model.put("service", service == null ? "" : service);
            model.put("services", catalog.services(tenant));
            model.put("tables", catalog.tables(tenant, search, service));
            ui.render(ctx, "metadata/list.jte", model);
        });
        routes.page(TABLE_PAGE + "{fqn}", Role.VIEWER, (ctx, session) -> {
            String tenant = session.principal().tenant();
            CatalogStore.TableDetail table = catalog.table(tenant, ctx.pathParam("fqn"));
            String fqn = table.table().fqn();
            MetadataCatalog.Lineage lineage = catalog.lineage(tenant, fqn, MetadataCatalog.PAGE_LINEAGE_DEPTH);
            Map<String, Object> model = new HashMap<>();
            model.put("page", new PageContext(table.table().name() + " · Metadata", session.principal(),
                    session.csrfToken(), NAV));
            model.put("table", table);
            model.put("totalQueries", table.usage().stream().mapToLong(CatalogStore.UsageDay::count).sum());
            model.put("graph", LineageGraph.layout(fqn, lineage.upstream(), lineage.downstream(), MetadataPages::href));
            model.put("versions", catalog.history(tenant, fqn).reversed());
            model.put("dbt", catalog.dbt(tenant, fqn).orElse(null));
            MetadataCatalog.Profile profile = catalog.profile(tenant, fqn);
            model.put("profile", ProfileView.of(profile));
            List<QualityStore.CaseResults> quality = catalog.quality(tenant, fqn);
            model.put("quality", quality);
            model.put("qualitySamples", QualitySamples.of(quality, profile.tags()));
            ui.render(ctx, "metadata/table.jte", model);
        });
    }

    /** The page of the table {@code fqn}. */
    public static String href(String fqn) {
        return TABLE_PAGE + pathSegment(fqn);
    }

    /**
     * {@code text} as one URL path segment: every byte but {@code A-Za-z0-9.-*_} percent-encoded ({@code %20} for a
     * space, {@code %2F} for a slash, {@code %22} for a quote), so an FQN with dots and quotes is one segment.
     */
    public static String pathSegment(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A byte count in binary units (for the profile). */
    public static String bytes(Double size) {
        if (size == null) {
            return "—";
        }
        double v = size;
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? String.format(java.util.Locale.ROOT, "%.0f B", v)
                : String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** A row estimate as a whole number, or a dash when unknown (PostgreSQL says -1 before the first ANALYZE). */
    public static String rows(Double estimate) {
        return estimate == null || estimate < 0 ? "—" : String.format(java.util.Locale.ROOT, "%,.0f", estimate);
    }
}
