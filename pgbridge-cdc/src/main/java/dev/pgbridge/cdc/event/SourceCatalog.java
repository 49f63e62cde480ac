package dev.pgbridge.cdc.event;

import dev.pgbridge.pgtype.TypeCatalog;

import java.util.List;
import java.util.Optional;

/**
 * What the event layer asks the source database about, beyond what Relation messages say: a table's primary key
 * (Relation messages flag every column as key under REPLICA IDENTITY FULL) and, as a {@link TypeCatalog} of core's
 * one type resolver, the shape of types that are not built in (domains, enums, arrays of them).
 */
public interface SourceCatalog extends TypeCatalog {
    /** The primary-key columns of the table with this oid, in key order; empty when it has none. */
    Optional<List<String>> primaryKey(int relationOid);

    /** Knows nothing: types map by oid only, FULL tables are keyed by all columns. */
    SourceCatalog NONE = new SourceCatalog() {
        @Override
        public Optional<List<String>> primaryKey(int relationOid) {
            return Optional.empty();
        }

        @Override
        public Optional<TypeRow> type(int typeOid) {
            return Optional.empty();
        }
    };
}
