package dev.pgbridge.cdc.replication;

import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.catalog.ReplicaIdentity;
import dev.pgbridge.catalog.TableShape;
import dev.pgbridge.catalog.TableShapes;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Every table a capture could cover (ordinary and partitioned tables outside the system schemas; partitions are
 * captured under their root), with the key its events would carry, its replica identity, how its existing rows
 * would be backfilled, and — for the ones that cannot be captured as they are — why, with the SQL that fixes it
 * (the rules of {@link ReplicationSetup}). Also the server-wide prerequisites that do not hold.
 */
public final class TableDiscovery {
    private final Connection connection;

    /** One table: {@code problem} is empty when it can be captured as it is. */
    public record Discovered(TableId table, boolean partitioned, ReplicaIdentity replicaIdentity,
                             List<String> primaryKey, List<String> identityIndex, Optional<SetupProblem> problem) {
        public Discovered {
            requireNonNull(table, "table is null");
            primaryKey = List.copyOf(primaryKey);
            identityIndex = List.copyOf(identityIndex);
        }

        /** The columns that key its events: the primary key, else the identity index, else the whole row (FULL). */
        public String eventKey() {
            if (replicaIdentity == ReplicaIdentity.INDEX) {
                return String.join(", ", identityIndex);
            }
            if (!primaryKey.isEmpty()) {
                return String.join(", ", primaryKey);
            }
            return replicaIdentity == ReplicaIdentity.FULL ? "(all columns)" : "";
        }

        /** How its existing rows are read: key_chunks, exported_snapshot, or none (not capturable). */
        public String backfill() {
            if (problem.isPresent()) {
                return "none";
            }
            return !primaryKey.isEmpty() || replicaIdentity == ReplicaIdentity.INDEX ? "key_chunks"
                    : "exported_snapshot";
        }
    }

    public TableDiscovery(Connection connection) {
        this.connection = requireNonNull(connection, "connection is null");
    }

    public List<Discovered> tables() throws SQLException {
        List<Discovered> out = new ArrayList<>();
        int version = connection.getMetaData().getDatabaseMajorVersion() * 10000;
        for (TableShape shape : TableShapes.tables(connection, false)) {
            CapturedTable t = CapturedTable.of(shape);
            Optional<SetupProblem> problem = ReplicationSetup.identityProblem(t);
            if (problem.isEmpty() && t.partitioned() && version >= 120000) {
                List<SetupProblem> leaves = ReplicationSetup.partitionIdentityProblems(connection, t);
                if (!leaves.isEmpty()) {
                    problem = Optional.of(new SetupProblem(leaves.stream().map(SetupProblem::problem)
                            .collect(Collectors.joining("; ")), leaves.stream().map(SetupProblem::fix)
                            .collect(Collectors.joining(" "))));
                }
            }
            out.add(new Discovered(t.table(), t.partitioned(), shape.replicaIdentity(), shape.primaryKey(),
                    shape.identityIndex(), problem));
        }
        return out;
    }

    /** wal_level and the role's replication right, when they do not allow a capture. */
    public List<SetupProblem> serverProblems() throws SQLException {
        List<SetupProblem> problems = new ArrayList<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('wal_level'), current_user, "
                     + "(SELECT r.rolreplication OR r.rolsuper OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles g "
                     + "WHERE g.rolname = 'rds_replication' AND pg_catalog.pg_has_role(r.oid, g.oid, 'MEMBER')) "
                     + "FROM pg_catalog.pg_roles r WHERE r.rolname = current_user)")) {
            rs.next();
            if (!"logical".equals(rs.getString(1))) {
                problems.add(new SetupProblem("wal_level is " + rs.getString(1) + ", logical decoding needs logical",
                        "ALTER SYSTEM SET wal_level = logical;  -- then restart PostgreSQL"));
            }
            if (!rs.getBoolean(3)) {
                String user = dev.pgbridge.sql.Identifier.quote(rs.getString(2));
                problems.add(new SetupProblem("role " + rs.getString(2) + " may not stream changes (no REPLICATION)",
                        "ALTER ROLE " + user + " WITH REPLICATION;"));
            }
        }
        return problems;
    }
}
