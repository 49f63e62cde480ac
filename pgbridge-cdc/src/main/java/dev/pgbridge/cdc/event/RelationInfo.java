package dev.pgbridge.cdc.event;

import dev.pgbridge.catalog.ReplicaIdentity;

import dev.pgbridge.pgtype.PgType;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A captured table as the stream last described it: its columns with their types, the replica identity and the
 * event key columns (the primary key, or the replica-identity columns of a table without one).
 */
public record RelationInfo(int relationId, TableId table, ReplicaIdentity replicaIdentity, List<ColumnInfo> columns,
                           List<String> keyColumns) {
    public RelationInfo {
        requireNonNull(table, "table is null");
        requireNonNull(replicaIdentity, "replicaIdentity is null");
        columns = List.copyOf(columns);
        keyColumns = List.copyOf(keyColumns);
    }

    /** A column; {@code replicaIdentity} when the server sends it in an old-key ('K') tuple. */
    public record ColumnInfo(String name, PgType type, int typeModifier, boolean replicaIdentity) {
        public ColumnInfo {
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
        }
    }

    /** {@code name type, …} for log lines about schema changes. */
    public String describeColumns() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < columns.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(columns.get(i).name()).append(' ').append(columns.get(i).type().name());
        }
        return sb.append(')').toString();
    }
}
