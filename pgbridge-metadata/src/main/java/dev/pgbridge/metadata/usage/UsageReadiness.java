package dev.pgbridge.metadata.usage;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.doctor.Capability;
import dev.pgbridge.doctor.Doctor;
import dev.pgbridge.doctor.DoctorCheck;
import dev.pgbridge.doctor.DoctorReport;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

import java.util.EnumSet;
import java.util.List;

/**
 * Why the server's query log cannot be read, in {@code pgbridge doctor --for usage}'s words: its checks of the
 * extension (installed in the database, loaded through {@code shared_preload_libraries}) and of the role
 * ({@code pg_read_all_stats}), each with the exact SQL or setting that fixes it, in one error.
 */
public final class UsageReadiness {
    private UsageReadiness() {
    }

    /** The error for {@code config}'s server; asked only after the catalog showed something missing. */
    public static PgBridgeException notReady(ConnectionConfig config) {
        DoctorReport report = new Doctor().check(config, EnumSet.of(Capability.USAGE));
        List<DoctorCheck> failed = report.checks().stream()
                .filter(c -> c.capability() == Capability.USAGE && c.status() != DoctorCheck.Status.OK).toList();
        if (failed.isEmpty()) {
            return new PgBridgeException(ErrorCode.INVALID_CONFIG, "cannot read pg_stat_statements in database \""
                    + config.database() + "\"",
                    "in postgresql.conf: shared_preload_libraries = 'pg_stat_statements' (then restart PostgreSQL); "
                            + "in the database: CREATE EXTENSION pg_stat_statements; for the role: GRANT "
                            + "pg_read_all_stats TO <role>; pgbridge doctor <conn_id> --for usage tells which is missing");
        }
        boolean onlyPrivilege = failed.stream().allMatch(c -> c.name().equals(Doctor.USAGE_PG_READ_ALL_STATS));
        StringBuilder message = new StringBuilder("cannot read the query log (pg_stat_statements): ");
        StringBuilder fix = new StringBuilder();
        for (DoctorCheck c : failed) {
            message.append(c == failed.get(0) ? "" : "; ").append(c.found());
            fix.append(fix.isEmpty() ? "" : "\n").append(c.fix());
        }
        return new PgBridgeException(onlyPrivilege ? ErrorCode.PRIVILEGE_MISSING : ErrorCode.INVALID_CONFIG,
                message.toString(), fix.toString());
    }
}
