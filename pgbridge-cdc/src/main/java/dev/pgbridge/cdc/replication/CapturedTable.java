package dev.pgbridge.cdc.replication;

import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.catalog.ReplicaIdentity;
import dev.pgbridge.catalog.TableShape;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** A table the capture covers, as the catalog describes it. */
public record CapturedTable(TableId table, int oid, boolean partitioned, ReplicaIdentity replicaIdentity,
                            List<String> primaryKey) {
    public CapturedTable {
        requireNonNull(table, "table is null");
        requireNonNull(replicaIdentity, "replicaIdentity is null");
        primaryKey = List.copyOf(primaryKey);
    }

    /** The capture's view of a table the catalog read. */
    public static CapturedTable of(TableShape shape) {
        return new CapturedTable(new TableId(shape.name().schema(), shape.name().name()), (int) shape.oid(),
                shape.relkind() == 'p', shape.replicaIdentity(), shape.primaryKey());
    }
}
