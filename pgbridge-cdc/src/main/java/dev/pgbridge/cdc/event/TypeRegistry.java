package dev.pgbridge.cdc.event;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Type oid → {@link PgType}: built-in types from a fixed table, the rest from the source's {@code pg_type} (a domain
 * maps like its base type, an enum as text, an array like its element), remembered once looked up.
 */
public final class TypeRegistry {
    private static final int MAX_DEPTH = 16;
    private final SourceCatalog catalog;
    private final Map<Integer, PgType> known = new HashMap<>();

    public TypeRegistry(SourceCatalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    public PgType resolve(int oid) {
        return resolve(oid, 0);
    }

    private PgType resolve(int oid, int depth) {
        Optional<PgType> builtIn = PgType.builtIn(oid);
        if (builtIn.isPresent()) {
            return builtIn.get();
        }
        PgType cached = known.get(oid);
        if (cached != null) {
            return cached;
        }
        PgType type = depth > MAX_DEPTH ? PgType.unknown(oid) : catalog.type(oid).map(row -> {
            if (row.typtype() == 'd' && row.baseTypeOid() != 0) {
                PgType base = resolve(row.baseTypeOid(), depth + 1);
                return new PgType(oid, row.name(), base.kind(), base.element());
            }
            if (row.category() == 'A' && row.elementOid() != 0) {
                return PgType.array(oid, row.name(), resolve(row.elementOid(), depth + 1));
            }
            return PgType.scalar(oid, row.name(), PgType.Kind.TEXT);
        }).orElseGet(() -> PgType.unknown(oid));
        known.put(oid, type);
        return type;
    }

    /** Forgets what was looked up for this oid (a Type message says it may have changed). */
    public void forget(int oid) {
        known.remove(oid);
    }
}
