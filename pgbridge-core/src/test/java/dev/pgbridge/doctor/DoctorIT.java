package dev.pgbridge.doctor;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.testing.TestDatabase;
import dev.pgbridge.testing.TestRole;
import dev.pgbridge.testing.TestingPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.EnumSet;
import java.util.Set;

import static dev.pgbridge.doctor.TestTargets.SPECIAL_PASSWORD;
import static dev.pgbridge.doctor.TestTargets.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(120)
class DoctorIT {
    private static final Set<Capability> ALL = EnumSet.allOf(Capability.class);
    private final TestingPostgres server = TestingPostgres.get();
    private final Doctor doctor = new Doctor();

    /** A role whose name needs quoting, so every printed fix shows the quoting at work. */
    private TestRole role(String... attributes) {
        return server.createRole("pgb_dr\"" + TestingPostgres.uniqueName("x"), SPECIAL_PASSWORD, attributes);
    }

    private TestDatabase database() {
        return server.createDatabase(TestingPostgres.uniqueName("pgb_dr_db"), null);
    }

    private static String quoted(TestRole role) {
        return "\"" + role.name().replace("\"", "\"\"") + "\"";
    }

    private static DoctorCheck check(DoctorReport report, String name) {
        return report.check(name).orElseThrow(() -> new AssertionError("no check " + name + " in " + report));
    }

    @Test
    void happyPathForASuperuserishRole() {
        assumeTrue(server.tls() && server.certificate() != null, "the test server has its own certificate");
        try (TestRole role = role("SUPERUSER"); TestDatabase db = database()) {
            server.executeIn(db.name(), "CREATE EXTENSION pg_stat_statements");
            DoctorReport report = doctor.check(config(role.name(), SPECIAL_PASSWORD, db.name()), ALL);
            assertThat(report.ok()).as(report.toString()).isTrue();
            assertThat(report.checks()).extracting(DoctorCheck::name).containsExactly(Doctor.CONNECT, Doctor.TLS,
                    Doctor.READ_SCHEMAS, Doctor.READ_TABLES, Doctor.WRITE_CREATE, Doctor.CDC_WAL_LEVEL,
                    Doctor.CDC_REPLICATION_ROLE, Doctor.CDC_REPLICATION_SLOTS, Doctor.CDC_WAL_SENDERS,
                    Doctor.USAGE_PG_STAT_STATEMENTS, Doctor.USAGE_PG_READ_ALL_STATS);
            assertThat(report.checks()).filteredOn(c -> !c.name().equals(Doctor.TLS))
                    .allSatisfy(c -> assertThat(c.status()).as(c.toString()).isEqualTo(DoctorCheck.Status.OK));
            // sslmode=prefer is allowed but not recommended
            DoctorCheck tls = check(report, Doctor.TLS);
            assertThat(tls.status()).isEqualTo(DoctorCheck.Status.WARN);
            assertThat(tls.fix()).contains("\"sslmode\": \"verify-full\"").contains("sslrootcert");
            assertThat(check(report, Doctor.CONNECT).found()).contains("as " + quoted(role).replace("\"\"", "\""))
                    .contains("(superuser)");

            ConnectionConfig verified = config(role.name(), SPECIAL_PASSWORD, db.name(), "sslmode", "verify-full",
                    "sslrootcert", server.certificate().toString());
            DoctorReport strict = doctor.check(verified, ALL);
            assertThat(strict.checks()).allSatisfy(c -> assertThat(c.status()).as(c.toString()).isEqualTo(DoctorCheck.Status.OK));
            assertThat(new ConnectionTester().test(verified).ok()).isTrue();
        }
    }

    // issue 8: doctor said "encrypted, but the server's identity is not verified" for sslmode=require with a root certificate
    @Test
    void theTlsCheckSaysWhatLibpqWouldVerify() throws Exception {
        assumeTrue(server.tls() && server.certificate() != null, "the test server has its own CA");
        try (TestRole role = role()) {
            String ca = server.certificate().toString();
            DoctorCheck require = check(doctor.check(config(role.name(), SPECIAL_PASSWORD, "postgres",
                    "sslmode", "require", "sslrootcert", ca), Set.of()), Doctor.TLS);
            assertThat(require.status()).isEqualTo(DoctorCheck.Status.WARN);
            assertThat(require.found()).isEqualTo("sslmode=require: the certificate is verified against " + ca
                    + " (CA chain; the host name is not checked: sslmode=require with a root certificate, as libpq)");

            // prefer with a CA that did not sign the certificate: libpq, and pgbridge, connect without TLS
            DoctorCheck prefer = check(doctor.check(config(role.name(), SPECIAL_PASSWORD, "postgres",
                    "sslmode", "prefer", "sslrootcert", TestTargets.unrelatedRootCertificate().toString()), Set.of()),
                    Doctor.TLS);
            assertThat(prefer.status()).isEqualTo(DoctorCheck.Status.WARN);
            assertThat(prefer.found()).startsWith("sslmode=prefer: the session is not encrypted");

            DoctorCheck full = check(doctor.check(config(role.name(), SPECIAL_PASSWORD, "postgres",
                    "sslmode", "verify-full", "sslrootcert", ca), Set.of()), Doctor.TLS);
            assertThat(full.status()).isEqualTo(DoctorCheck.Status.OK);
            assertThat(full.found()).contains("host name are verified (against " + ca + ")");
        }
    }

    @Test
    void writeWithoutCreatePrintsTheGrant() {
        try (TestRole role = role(); TestDatabase db = database()) {
            server.executeIn(db.name(), "CREATE SCHEMA landing");
            server.executeIn(db.name(), "GRANT USAGE ON SCHEMA landing TO " + quoted(role));
            ConnectionConfig c = config(role.name(), SPECIAL_PASSWORD, db.name(), "search_path", "landing, public");
            DoctorCheck write = check(doctor.check(c, Set.of(Capability.WRITE)), Doctor.WRITE_CREATE);
            assertThat(write.status()).isEqualTo(DoctorCheck.Status.FAIL);
            assertThat(write.capability()).isEqualTo(Capability.WRITE);
            assertThat(write.found()).contains("no CREATE privilege on the target schema \"landing\"");
            assertThat(write.fix()).isEqualTo("GRANT CREATE ON SCHEMA \"landing\" TO " + quoted(role) + ";");

            server.executeIn(db.name(), write.fix());
            assertThat(check(doctor.check(c, Set.of(Capability.WRITE)), Doctor.WRITE_CREATE).status())
                    .as("the printed fix is enough").isEqualTo(DoctorCheck.Status.OK);
        }
    }

    @Test
    void writeToASchemaWithoutUsageGrantsBoth() {
        try (TestRole role = role(); TestDatabase db = database()) {
            server.executeIn(db.name(), "CREATE SCHEMA \"Stage Area\"");
            ConnectionConfig c = config(role.name(), SPECIAL_PASSWORD, db.name(), "search_path", "\"Stage Area\"");
            DoctorCheck write = check(doctor.check(c, Set.of(Capability.WRITE)), Doctor.WRITE_CREATE);
            assertThat(write.fix()).isEqualTo("GRANT USAGE, CREATE ON SCHEMA \"Stage Area\" TO " + quoted(role) + ";");
        }
    }

    @Test
    void cdcWithoutReplicationPrintsTheAlterRole() {
        try (TestRole role = role()) {
            ConnectionConfig c = config(role.name(), SPECIAL_PASSWORD, "postgres");
            DoctorReport report = doctor.check(c, Set.of(Capability.CDC));
            assertThat(report.ok()).isFalse();
            assertThat(check(report, Doctor.CDC_WAL_LEVEL).status()).isEqualTo(DoctorCheck.Status.OK);
            assertThat(check(report, Doctor.CDC_REPLICATION_SLOTS).status()).isEqualTo(DoctorCheck.Status.OK);
            assertThat(check(report, Doctor.CDC_REPLICATION_SLOTS).found()).contains("max_replication_slots = 40");
            assertThat(check(report, Doctor.CDC_WAL_SENDERS).status()).isEqualTo(DoctorCheck.Status.OK);
            DoctorCheck replication = check(report, Doctor.CDC_REPLICATION_ROLE);
            assertThat(replication.status()).isEqualTo(DoctorCheck.Status.FAIL);
            assertThat(replication.found()).contains("has neither the REPLICATION attribute");
            assertThat(replication.fix()).startsWith("ALTER ROLE " + quoted(role) + " WITH REPLICATION;\n")
                    .contains("GRANT rds_replication TO " + quoted(role) + ";");

            server.execute(replication.fix().lines().findFirst().orElseThrow());
            assertThat(doctor.check(c, Set.of(Capability.CDC)).ok()).as("the printed fix is enough").isTrue();
        }
    }

    @Test
    void usageWithoutPgReadAllStatsPrintsTheGrant() {
        try (TestRole role = role(); TestDatabase db = database()) {
            server.executeIn(db.name(), "CREATE EXTENSION pg_stat_statements");
            ConnectionConfig c = config(role.name(), SPECIAL_PASSWORD, db.name());
            DoctorReport report = doctor.check(c, Set.of(Capability.USAGE));
            assertThat(check(report, Doctor.USAGE_PG_STAT_STATEMENTS).status()).isEqualTo(DoctorCheck.Status.OK);
            DoctorCheck stats = check(report, Doctor.USAGE_PG_READ_ALL_STATS);
            assertThat(stats.status()).isEqualTo(DoctorCheck.Status.FAIL);
            assertThat(stats.fix()).isEqualTo("GRANT pg_read_all_stats TO " + quoted(role) + ";");

            server.execute(stats.fix());
            assertThat(doctor.check(c, Set.of(Capability.USAGE)).ok()).as("the printed fix is enough").isTrue();
        }
    }

    @Test
    void usageWithoutTheExtensionPrintsCreateExtension() {
        try (TestRole role = role(); TestDatabase db = database()) {
            server.execute("GRANT pg_read_all_stats TO " + quoted(role));
            ConnectionConfig c = config(role.name(), SPECIAL_PASSWORD, db.name());
            DoctorCheck extension = check(doctor.check(c, Set.of(Capability.USAGE)), Doctor.USAGE_PG_STAT_STATEMENTS);
            assertThat(extension.status()).isEqualTo(DoctorCheck.Status.FAIL);
            assertThat(extension.found()).contains("not installed in database \"" + db.name() + "\"");
            assertThat(extension.fix()).endsWith("\nCREATE EXTENSION pg_stat_statements;")
                    .doesNotContain("shared_preload_libraries"); // it is preloaded on the test server

            server.executeIn(db.name(), "CREATE EXTENSION pg_stat_statements");
            assertThat(doctor.check(c, Set.of(Capability.USAGE)).ok()).as("the printed fix is enough").isTrue();
        }
    }

    @Test
    void usageAsSuperuserSeesTheMissingPreloadToo() {
        try (TestRole role = role("SUPERUSER"); TestDatabase db = database()) {
            DoctorCheck extension = check(doctor.check(config(role.name(), SPECIAL_PASSWORD, db.name()),
                    Set.of(Capability.USAGE)), Doctor.USAGE_PG_STAT_STATEMENTS);
            assertThat(extension.found()).contains("pg_stat_statements is in shared_preload_libraries");
            assertThat(extension.fix()).isEqualTo("-- in database \"" + db.name() + "\", as a superuser:\n"
                    + "CREATE EXTENSION pg_stat_statements;");
        }
    }

    @Test
    void readCountsTablesTheRoleCannotReadAndPrintsTheGrants() {
        try (TestRole role = role(); TestDatabase db = database()) {
            server.executeIn(db.name(), "CREATE TABLE public.open_t (id int)");
            server.executeIn(db.name(), "CREATE TABLE public.closed_t (id int)");
            server.executeIn(db.name(), "GRANT SELECT ON public.open_t TO " + quoted(role));
            server.executeIn(db.name(), "CREATE SCHEMA hidden");
            server.executeIn(db.name(), "CREATE TABLE hidden.secret_t (id int)");
            ConnectionConfig c = config(role.name(), SPECIAL_PASSWORD, db.name());
            DoctorReport report = doctor.check(c, Set.of(Capability.READ));
            DoctorCheck schemas = check(report, Doctor.READ_SCHEMAS);
            assertThat(schemas.status()).isEqualTo(DoctorCheck.Status.WARN);
            assertThat(schemas.found()).contains("no USAGE on 1 of 2 schemas: hidden");
            assertThat(schemas.fix()).isEqualTo("GRANT USAGE ON SCHEMA \"hidden\" TO " + quoted(role) + ";");
            DoctorCheck tables = check(report, Doctor.READ_TABLES);
            assertThat(tables.status()).isEqualTo(DoctorCheck.Status.WARN);
            assertThat(tables.found()).contains("cannot read 2 of 3 tables and views");
            assertThat(tables.fix()).isEqualTo("GRANT USAGE ON SCHEMA \"hidden\" TO " + quoted(role) + ";\n"
                    + "GRANT SELECT ON ALL TABLES IN SCHEMA \"hidden\" TO " + quoted(role) + ";\n"
                    + "GRANT SELECT ON ALL TABLES IN SCHEMA \"public\" TO " + quoted(role) + ";");

            for (String line : tables.fix().split("\n")) {
                server.executeIn(db.name(), line);
            }
            DoctorReport after = doctor.check(c, Set.of(Capability.READ));
            assertThat(check(after, Doctor.READ_TABLES).status()).as("the printed fix is enough")
                    .isEqualTo(DoctorCheck.Status.OK);
            assertThat(check(after, Doctor.READ_SCHEMAS).status()).isEqualTo(DoctorCheck.Status.OK);
        }
    }

    @Test
    void aFailedLoginIsTheConnectCheckWithItsHint() {
        try (TestRole role = role()) {
            DoctorReport report = doctor.check(config(role.name(), "wrong", "postgres"), ALL);
            assertThat(report.ok()).isFalse();
            DoctorCheck connect = check(report, Doctor.CONNECT);
            assertThat(connect.status()).isEqualTo(DoctorCheck.Status.FAIL);
            assertThat(connect.found()).contains("password authentication failed for user \"" + role.name() + "\"");
            assertThat(connect.fix()).contains("check the password");
            assertThat(report.checks()).extracting(DoctorCheck::name).containsExactly(Doctor.CONNECT, Doctor.TLS);
        }
    }
}
