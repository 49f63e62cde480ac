package dev.pgbridge.metadata.openmetadata;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * OpenMetadata's names of data-quality entities, worked out in this one place for the test runner, dbt's test results
 * and the local catalog: a table's executable test suite, a test's entity link and a test case's FQN.
 */
public final class TestCaseNames {
    private static final Pattern ENTITY_LINK = Pattern.compile("<#E::table::(.+?)(?:::columns::(.+))?>");

    private TestCaseNames() {
    }

    /** What an entity link names: a table, and a column of it (null for a table test). */
    public record Target(String tableFqn, String column) {
        public Target {
            requireNonNull(tableFqn, "tableFqn is null");
        }

        /** The FQN of the test case {@code name} on this target. */
        public String testCaseFqn(String name) {
            return TestCaseNames.testCaseFqn(tableFqn, column, name);
        }
    }

    /** The name of a table's executable suite: {@code <tableFqn>.testSuite}. */
    public static String suite(String tableFqn) {
        return requireNonNull(tableFqn, "tableFqn is null") + ".testSuite";
    }

    /** A test's target: {@code <#E::table::fqn>}, or {@code <#E::table::fqn::columns::col>} for a column test. */
    public static String entityLink(String tableFqn, String column) {
        requireNonNull(tableFqn, "tableFqn is null");
        return "<#E::table::" + tableFqn + (column == null ? "" : "::columns::" + column) + ">";
    }

    /** {@code <tableFqn>.<name>}, or {@code <tableFqn>.<column>.<name>} for a column test. */
    public static String testCaseFqn(String tableFqn, String column, String name) {
        return Fqn.child(column == null ? tableFqn : Fqn.column(tableFqn, column), name);
    }

    /** The table (and column) an entity link names; empty when it is not a table's or a column's link. */
    public static Optional<Target> target(String entityLink) {
        if (entityLink == null) {
            return Optional.empty();
        }
        Matcher m = ENTITY_LINK.matcher(entityLink);
        return m.matches() ? Optional.of(new Target(m.group(1), m.group(2))) : Optional.empty();
    }
}
