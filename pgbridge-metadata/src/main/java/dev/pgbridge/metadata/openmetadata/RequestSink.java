package dev.pgbridge.metadata.openmetadata;

import java.util.Optional;
import java.util.Set;

/**
 * Where OpenMetadata's requests go, in the order OpenMetadata sends them (service, database, schema, its tables, …).
 */
public interface RequestSink extends AutoCloseable {
    void send(Requests.Request request);

    /**
     * {@code markDeletedTables}: the schema {@code schemaFqn} was read whole, and {@code liveTableFqns} are the FQNs of
     * every table it holds now, ingested or filtered out. A sink that knows more tables of that schema soft-deletes
     * them; it refuses to delete every table of a schema unless {@code allowEmptying}. Never called for a schema whose
     * read failed. The default knows no tables (the {@code file} sink has no server to ask).
     *
     * @return the FQNs deleted, and for a refusal the reason, for the run's summary
     */
    default StaleTables markDeleted(String schemaFqn, Set<String> liveTableFqns, boolean allowEmptying) {
        return StaleTables.NONE;
    }

    /**
     * Whether the catalog behind this sink holds table {@code tableFqn} (the dbt workflow matches dbt's nodes to the
     * tables a DatabaseMetadata run ingested); empty when the sink cannot tell (the {@code file} sink has no catalog).
     */
    default Optional<Boolean> hasTable(String tableFqn) {
        return Optional.empty();
    }

    /** What {@link #markDeleted} did: the tables deleted, or why it deleted none. */
    record StaleTables(Set<String> deleted, String refusal) {
        public static final StaleTables NONE = new StaleTables(Set.of(), null);

        public StaleTables {
            deleted = Set.copyOf(deleted);
        }
    }

    /** Flushes and releases what the sink holds. */
    @Override
    void close();
}
