package dev.pgbridge.pgtype;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The one resolver of type oids: built-in types from a fixed table ({@link PgType#builtIn}), every other type from a
 * {@link TypeCatalog}, once per oid. A domain maps as its base type (keeping its own name); an array as an array of
 * its element type; enums, composite types, ranges, extension types and oids the catalog does not know as text.
 *
 * <p>Not thread-safe: use it from one thread at a time (the thread that owns the catalog's connection).
 */
public final class TypeResolver {
    private static final int MAX_DEPTH = 16;

    private final TypeCatalog catalog;
    private final Map<Integer, PgType> known = new HashMap<>();

    public TypeResolver(TypeCatalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    /** The type with this oid. */
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
        PgType type = depth > MAX_DEPTH ? PgType.unknown(oid) : catalog.type(oid)
                .map(row -> describe(row, depth))
                .orElseGet(() -> PgType.unknown(oid));
        known.put(oid, type);
        return type;
    }

    private PgType describe(TypeCatalog.TypeRow row, int depth) {
        if (row.typtype() == 'd' && row.baseTypeOid() != 0) {
            return resolve(row.baseTypeOid(), depth + 1).named(row.name());
        }
        if (row.category() == 'A' && row.elementOid() != 0 && !row.name().equals("int2vector")
                && !row.name().equals("oidvector")) {
            return PgType.arrayOf(row.oid(), resolve(row.elementOid(), depth + 1), row.delimiter());
        }
        return PgType.text(row.oid(), row.name());
    }

    /** Forgets what was looked up for this oid (the type may have changed, e.g. a pgoutput Type message). */
    public void forget(int oid) {
        known.remove(oid);
    }
}
