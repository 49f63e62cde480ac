package dev.pgbridge.metadata.catalogstore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.metadata.openmetadata.TestCaseNames;
import dev.pgbridge.store.StoreDatabase;
import dev.pgbridge.store.StoreMigration;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Data-quality results in the local catalog (store component {@value #COMPONENT}): test suites, test cases and every
 * result of every run (the history), with the failing-row sample. Written by the {@code pgbridge} sink from
 * OpenMetadata's requests, whoever made them (the test runner, dbt's test results), read by
 * {@code pgbridge quality results} and the web UI's table page.
 */
public final class QualityStore {
    static final String COMPONENT = "catalog_quality";
    /** How many of a case's most recent results {@link #table} gives. */
    public static final int HISTORY = 10;

    static final List<StoreMigration> MIGRATIONS = List.of(new StoreMigration(1, "data-quality results", List.of("""
            CREATE TABLE ${schema}catalog_quality_suite (
                tenant TEXT NOT NULL,
                fqn TEXT NOT NULL,
                table_fqn TEXT,
                description TEXT,
                updated_at BIGINT NOT NULL,
                PRIMARY KEY (tenant, fqn)
            )""",
            """
            CREATE TABLE ${schema}catalog_quality_case (
                tenant TEXT NOT NULL,
                fqn TEXT NOT NULL,
                name TEXT NOT NULL,
                suite_fqn TEXT NOT NULL,
                table_fqn TEXT NOT NULL,
                column_name TEXT,
                definition TEXT NOT NULL,
                entity_link TEXT NOT NULL,
                parameters TEXT NOT NULL,
                description TEXT,
                updated_at BIGINT NOT NULL,
                PRIMARY KEY (tenant, fqn)
            )""",
            "CREATE INDEX catalog_quality_case_table ON ${schema}catalog_quality_case (tenant, table_fqn)",
            """
            CREATE TABLE ${schema}catalog_quality_result (
                tenant TEXT NOT NULL,
                case_fqn TEXT NOT NULL,
                run_at BIGINT NOT NULL,
                status TEXT NOT NULL,
                result TEXT,
                result_values TEXT,
                passed_rows BIGINT,
                failed_rows BIGINT,
                failed_sample TEXT,
                PRIMARY KEY (tenant, case_fqn, run_at)
            )""")));

    /** A test case with its latest result and its recent ones (newest first). */
    public record CaseResults(String fqn, String name, String definition, String column,
                              List<Requests.TestCaseParameterValue> parameters, String description,
                              Result latest, List<Result> history) {
        public CaseResults {
            requireNonNull(fqn, "fqn is null");
            parameters = List.copyOf(parameters);
            history = List.copyOf(history);
        }
    }

    /** One stored result; {@code failedSample} null when none. */
    public record Result(long timestamp, String status, String result, List<Requests.TestResultValue> values,
                         Long passedRows, Long failedRows, Requests.TableData failedSample) {
        public Result {
            values = List.copyOf(values);
        }

        /** The measured values as {@code name=value, …}. */
        public String measured() {
            return String.join(", ", values.stream().map(v -> v.name() + "=" + v.value()).toList());
        }
    }

    private static final Pattern RESULT_PATH = Pattern.compile("/v1/dataQuality/testCases/([^/]+)/testCaseResult");

    private final StoreDatabase db;
    private final String tenant;

    private QualityStore(StoreDatabase db, String tenant) {
        this.db = db;
        this.tenant = tenant;
    }

    /**
     * The quality results of {@code tenant} (the default tenant when null); brings the component's tables to this
     * version first.
     */
    public static QualityStore open(StoreDatabase db, String tenant) {
        requireNonNull(db, "db is null");
        String t = tenant == null ? ConnectionConfig.DEFAULT_TENANT : ConnectionConfig.normalizeTenant(tenant);
        db.migrate(COMPONENT, MIGRATIONS);
        return new QualityStore(db, t);
    }

    // ---- writes (in the sink's transaction)

    /**
     * Why the local catalog cannot keep {@code request} (a test case whose entity link is not a table's or a column's,
     * a result whose path names no test case); null when it can, or when it is no quality request. The sink asks
     * before buffering, so one bad request is a warning of its own instead of failing the batch it would be in.
     */
    public static String problem(Requests.Request request) {
        requireNonNull(request, "request is null");
        return switch (request.body()) {
            case Requests.CreateTestCase t when TestCaseNames.target(t.entityLink()).isEmpty() ->
                    "test case " + t.name() + ": not a table's entity link: " + t.entityLink();
            case Requests.TestCaseResult r when !RESULT_PATH.matcher(request.path()).matches() ->
                    "not a test case result's path: " + request.path();
            case null, default -> null;
        };
    }

    public void suite(Connection c, Requests.CreateTestSuite suite, long now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + db.table("catalog_quality_suite")
                + " (tenant, fqn, table_fqn, description, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant, fqn) "
                + "DO UPDATE SET table_fqn = excluded.table_fqn, description = excluded.description, "
                + "updated_at = excluded.updated_at")) {
            s.setString(1, tenant);
            s.setString(2, suite.name());
            s.setString(3, suite.executableEntityReference());
            s.setString(4, suite.description());
            s.setLong(5, now);
            s.executeUpdate();
        }
    }

    public void testCase(Connection c, Requests.CreateTestCase testCase, long now) throws SQLException {
        TestCaseNames.Target target = TestCaseNames.target(testCase.entityLink()).orElseThrow(() ->
                new IllegalArgumentException("not a table's entity link: " + testCase.entityLink())); // see problem()
        String tableFqn = target.tableFqn();
        String column = target.column();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + db.table("catalog_quality_case")
                + " (tenant, fqn, name, suite_fqn, table_fqn, column_name, definition, entity_link, parameters, "
                + "description, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, fqn) DO UPDATE "
                + "SET suite_fqn = excluded.suite_fqn, definition = excluded.definition, "
                + "parameters = excluded.parameters, description = excluded.description, "
                + "updated_at = excluded.updated_at")) {
            s.setString(1, tenant);
            s.setString(2, target.testCaseFqn(testCase.name()));
            s.setString(3, testCase.name());
            s.setString(4, testCase.testSuite());
            s.setString(5, tableFqn);
            s.setString(6, column);
            s.setString(7, testCase.testDefinition());
            s.setString(8, testCase.entityLink());
            s.setString(9, json(testCase.parameterValues() == null ? List.of() : testCase.parameterValues()));
            s.setString(10, testCase.description());
            s.setLong(11, now);
            s.executeUpdate();
        }
    }

    /** A result, the test case named by the request's path ({@code …/testCases/<encoded fqn>/testCaseResult}). */
    public void result(Connection c, String path, Requests.TestCaseResult result) throws SQLException {
        Matcher m = RESULT_PATH.matcher(path);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a test case result's path: " + path);
        }
        String caseFqn = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + db.table("catalog_quality_result")
                + " (tenant, case_fqn, run_at, status, result, result_values, passed_rows, failed_rows, failed_sample) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, case_fqn, run_at) DO UPDATE SET "
                + "status = excluded.status, result = excluded.result, result_values = excluded.result_values, "
                + "passed_rows = excluded.passed_rows, failed_rows = excluded.failed_rows, "
                + "failed_sample = excluded.failed_sample")) {
            s.setString(1, tenant);
            s.setString(2, caseFqn);
            s.setLong(3, result.timestamp());
            s.setString(4, result.testCaseStatus());
            s.setString(5, result.result());
            s.setString(6, json(result.testResultValue() == null ? List.of() : result.testResultValue()));
            s.setObject(7, result.passedRows());
            s.setObject(8, result.failedRows());
            s.setString(9, result.sampleData());
            s.executeUpdate();
        }
    }

    // ---- reads

    /** The test cases of a table (FQN order) with their latest result and last {@value #HISTORY} results. */
    public List<CaseResults> table(String tableFqn) {
        requireNonNull(tableFqn, "tableFqn is null");
        try {
            return db.read(c -> {
                Map<String, Object[]> cases = new LinkedHashMap<>();
                try (PreparedStatement s = c.prepareStatement("SELECT fqn, name, definition, column_name, parameters, "
                        + "description FROM " + db.table("catalog_quality_case") + " WHERE tenant = ? AND table_fqn = ? "
                        + "ORDER BY fqn")) {
                    s.setString(1, tenant);
                    s.setString(2, tableFqn);
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            cases.put(rs.getString(1), new Object[]{rs.getString(2), rs.getString(3),
                                    rs.getString(4), rs.getString(5), rs.getString(6)});
                        }
                    }
                }
                Map<String, List<Result>> results = new LinkedHashMap<>();
                try (PreparedStatement s = c.prepareStatement("SELECT r.case_fqn, r.run_at, r.status, r.result, "
                        + "r.result_values, r.passed_rows, r.failed_rows, r.failed_sample FROM "
                        + db.table("catalog_quality_result") + " r JOIN " + db.table("catalog_quality_case")
                        + " k ON k.tenant = r.tenant AND k.fqn = r.case_fqn WHERE r.tenant = ? AND k.table_fqn = ? "
                        + "ORDER BY r.case_fqn, r.run_at DESC")) {
                    s.setString(1, tenant);
                    s.setString(2, tableFqn);
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            List<Result> list = results.computeIfAbsent(rs.getString(1), k -> new ArrayList<>());
                            if (list.size() >= HISTORY) {
                                continue;
                            }
                            long passed = rs.getLong(6);
                            Long passedRows = rs.wasNull() ? null : passed;
                            long failed = rs.getLong(7);
                            Long failedRows = rs.wasNull() ? null : failed;
                            String sample = rs.getString(8);
                            list.add(new Result(rs.getLong(2), rs.getString(3), rs.getString(4),
                                    read(rs.getString(5), new TypeReference<List<Requests.TestResultValue>>() { }),
                                    passedRows, failedRows, sample == null ? null
                                    : read(sample, new TypeReference<Requests.TableData>() { })));
                        }
                    }
                }
                List<CaseResults> out = new ArrayList<>();
                cases.forEach((fqn, k) -> {
                    List<Result> history = results.getOrDefault(fqn, List.of());
                    out.add(new CaseResults(fqn, (String) k[0], (String) k[1], (String) k[2],
                            read((String) k[3], new TypeReference<List<Requests.TestCaseParameterValue>>() { }),
                            (String) k[4], history.isEmpty() ? null : history.getFirst(), history));
                });
                return out;
            });
        }
        catch (SQLException e) {
            throw db.failure("read the data-quality results of " + tableFqn, e);
        }
    }

    private static String json(Object value) {
        try {
            return Requests.JSON.writeValueAsString(value);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("request records are always JSON", e);
        }
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return Requests.JSON.readValue(json, type);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("the catalog holds JSON it wrote: " + e.getOriginalMessage(), e);
        }
    }
}
