package dev.pgbridge.metadata.catalogstore;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgbridge.metadata.openmetadata.EntityRef;
import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.store.StoreMigration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What the dbt workflow adds to the local catalog (store component {@value #COMPONENT}): a table's data model (raw and
 * compiled SQL, resource type, path, upstream), the descriptions and owner dbt gives it, dbt's tags and test
 * definitions. Kept beside the table's entity, not in it: a DatabaseMetadata run that reads the table again replaces
 * the entity's body, and dbt's descriptions must survive it.
 *
 * <p>Descriptions with {@code dbtUpdateDescriptions: false} only fill what has none: the table's (or column's)
 * description is kept from dbt only when the catalog's entity (PostgreSQL's comment) and an earlier dbt run left it
 * empty; with {@code true} dbt's replace both.
 */
public final class CatalogDbtStore {
    static final String COMPONENT = "catalog_dbt";

    static final List<StoreMigration> MIGRATIONS = List.of(new StoreMigration(1, "dbt in the metadata catalog", List.of(
            """
            CREATE TABLE ${schema}catalog_dbt_table (
                tenant TEXT NOT NULL,
                fqn TEXT NOT NULL,
                data_model TEXT,
                description TEXT,
                column_descriptions TEXT NOT NULL,
                owner TEXT,
                updated_at ${timestamp} NOT NULL,
                PRIMARY KEY (tenant, fqn)
            )""",
            """
            CREATE TABLE ${schema}catalog_dbt_definition (
                tenant TEXT NOT NULL,
                kind TEXT NOT NULL,
                name TEXT NOT NULL,
                body TEXT NOT NULL,
                updated_at ${timestamp} NOT NULL,
                PRIMARY KEY (tenant, kind, name)
            )""")));

    /**
     * What dbt says about a table.
     *
     * @param dataModel          null when no data model was sent for it
     * @param description        dbt's description where it applies (see the class comment); null when none
     * @param columnDescriptions column → dbt's description, likewise
     * @param owner              the owner's name from dbt's {@code meta.owner}; null when none
     */
    public record DbtTable(Requests.DataModel dataModel, String description, Map<String, String> columnDescriptions,
                           String owner) {
        public DbtTable {
            columnDescriptions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columnDescriptions));
        }
    }

    private final CatalogStore store;

    private CatalogDbtStore(CatalogStore store) {
        this.store = store;
    }

    /** The dbt part of {@code store}'s catalog; brings its tables to this version first. */
    public static CatalogDbtStore open(CatalogStore store) {
        requireNonNull(store, "store is null");
        store.db().migrate(COMPONENT, MIGRATIONS);
        return new CatalogDbtStore(store);
    }

    /** What dbt said about table {@code fqn}; empty when nothing. */
    public Optional<DbtTable> table(String fqn) {
        requireNonNull(fqn, "fqn is null");
        return store.read("read the dbt model of " + fqn, c -> Optional.ofNullable(read(c, fqn)));
    }

    /** Keeps one dbt request ({@code about}: the table its path names; null for tags and definitions). */
    void write(Connection c, EntityRef about, Requests.DbtBody body, Instant now) throws SQLException {
        switch (body) {
            case Requests.DataModel m -> {
                DbtTable current = read(c, requireNonNull(about, "about is null").fullyQualifiedName());
                save(c, about.fullyQualifiedName(), m, current == null ? null : current.description(),
                        current == null ? Map.of() : current.columnDescriptions(),
                        current == null ? null : current.owner(), now);
            }
            case Requests.TablePatch p -> patch(c, requireNonNull(about, "about is null").fullyQualifiedName(), p,
                    now);
            case Requests.CreateClassification k -> definition(c, "classification", k.name(), k, now);
            case Requests.CreateTag t -> definition(c, "tag", t.classification() + "." + t.name(), t, now);
            case Requests.CreateTestDefinition d -> definition(c, "testDefinition", d.name(), d, now);
        }
    }

    private void patch(Connection c, String fqn, Requests.TablePatch p, Instant now) throws SQLException {
        DbtTable current = read(c, fqn);
        String description = current == null ? null : current.description();
        Map<String, String> columns = new LinkedHashMap<>(current == null ? Map.of() : current.columnDescriptions());
        String owner = current == null ? null : current.owner();
        JsonNode entity = entityBody(c, fqn);
        if (p.description() != null && (p.overwrite() || description == null && blank(entity.path("description")))) {
            description = p.description();
        }
        for (Requests.ColumnDescription cd : p.columns()) {
            boolean catalogHasOne = false;
            for (JsonNode column : entity.path("columns")) {
                if (column.path("name").asText().equals(cd.column()) && !blank(column.path("description"))) {
                    catalogHasOne = true;
                }
            }
            if (p.overwrite() || !catalogHasOne && !columns.containsKey(cd.column())) {
                columns.put(cd.column(), cd.description());
            }
        }
        if (p.owner() != null) {
            owner = p.owner().fullyQualifiedName();
        }
        save(c, fqn, current == null ? null : current.dataModel(), description, columns, owner, now);
    }

    private static boolean blank(JsonNode text) {
        return text.isMissingNode() || text.isNull() || text.asText().isBlank();
    }

    /** The table's entity body as the catalog holds it; a missing node when there is none. */
    private JsonNode entityBody(Connection c, String fqn) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT body FROM " + store.table("catalog_entity")
                + " WHERE tenant = ? AND fqn = ? AND entity_type = 'table'")) {
            s.setString(1, store.tenant());
            s.setString(2, fqn);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? CatalogStore.parse(rs.getString(1)) : CatalogStore.JSON.missingNode();
            }
        }
    }

    private DbtTable read(Connection c, String fqn) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT data_model, description, column_descriptions, owner FROM "
                + store.table("catalog_dbt_table") + " WHERE tenant = ? AND fqn = ?")) {
            s.setString(1, store.tenant());
            s.setString(2, fqn);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                String model = rs.getString(1);
                Map<String, String> columns = new LinkedHashMap<>();
                CatalogStore.parse(rs.getString(3)).properties().forEach(e -> columns.put(e.getKey(),
                        e.getValue().asText()));
                return new DbtTable(model == null ? null : CatalogStore.readJson(model, Requests.DataModel.class),
                        rs.getString(2), columns, rs.getString(4));
            }
        }
    }

    private void save(Connection c, String fqn, Requests.DataModel model, String description,
                      Map<String, String> columns, String owner, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + store.table("catalog_dbt_table") + " (tenant, "
                + "fqn, data_model, description, column_descriptions, owner, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (tenant, fqn) DO UPDATE SET data_model = excluded.data_model, description = "
                + "excluded.description, column_descriptions = excluded.column_descriptions, owner = excluded.owner, "
                + "updated_at = excluded.updated_at")) {
            s.setString(1, store.tenant());
            s.setString(2, fqn);
            s.setString(3, model == null ? null : CatalogStore.json(model));
            s.setString(4, description);
            s.setString(5, CatalogStore.json(columns));
            s.setString(6, owner);
            store.db().bindTimestamp(s, 7, now);
            s.executeUpdate();
        }
    }

    private void definition(Connection c, String kind, String name, Object body, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + store.table("catalog_dbt_definition")
                + " (tenant, kind, name, body, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant, kind, name) "
                + "DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at")) {
            s.setString(1, store.tenant());
            s.setString(2, kind);
            s.setString(3, name);
            s.setString(4, CatalogStore.json(body));
            store.db().bindTimestamp(s, 5, now);
            s.executeUpdate();
        }
    }
}
