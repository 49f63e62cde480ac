package dev.pgbridge.metadata.openmetadata;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * OpenMetadata's create requests in their 1.4.0 shapes ({@code api/services/createDatabaseService.json},
 * {@code api/data/createDatabase.json}, {@code createDatabaseSchema.json}, {@code createTable.json}), and the REST call
 * that carries each. Absent fields are left out of the JSON.
 */
public final class Requests {
    /**
     * The one JSON mapper of these requests and the server's answers (the {@code file} and {@code metadata-rest} sinks,
     * the local catalog): Jackson's defaults. Shared and thread-safe; never reconfigured.
     */
    public static final ObjectMapper JSON = new ObjectMapper();

    private Requests() {
    }

    /**
     * One REST call: {@code PUT /v1/tables} with its body. A call about an existing entity names it in its path as
     * {@code {id}} ({@code POST /v1/usage/table/{id}}) with {@code pathEntity} saying which; bodies that name entities
     * hold {@link EntityRef}s. {@link #resolve} fills in the ids just before the call leaves.
     *
     * @param body       null for calls without one ({@code DELETE})
     * @param pathEntity the entity whose id replaces {@code {id}} in the path; null when the path has none
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Request(String method, String path, Object body, @JsonIgnore EntityRef pathEntity) {
        public Request {
            requireNonNull(method, "method is null");
            requireNonNull(path, "path is null");
            if (path.contains("{id}") != (pathEntity != null)) {
                throw new IllegalArgumentException("a path holds {id} exactly when it names an entity: " + path);
            }
        }

        public Request(String method, String path, Object body) {
            this(method, path, body, null);
        }

        /** The create-or-update call of an entity ({@code PUT /v1/tables} with a CreateTable, …). */
        public static Request put(Object body) {
            String path = switch (body) {
                case CreateDatabaseService s -> "/v1/services/databaseServices";
                case CreateDatabase d -> "/v1/databases";
                case CreateDatabaseSchema s -> "/v1/databaseSchemas";
                case CreateTable t -> "/v1/tables";
                case CreateQuery q -> "/v1/queries";
                case AddLineage l -> "/v1/lineage";
                case CreateTestSuite s -> "/v1/dataQuality/testSuites/executable";
                case CreateTestCase c -> "/v1/dataQuality/testCases";
                default -> throw new IllegalArgumentException("no route for " + body.getClass().getSimpleName());
            };
            return new Request("PUT", path, body);
        }

        /** {@code POST /v1/usage/table/{id}}: a table's usage count on one day. */
        public static Request usage(String tableFqn, UsageRequest usage) {
            return new Request("POST", "/v1/usage/table/{id}", usage, EntityRef.table(tableFqn));
        }

        /** {@code PUT /v1/tables/{id}/joins}: how a table's columns were joined with other tables' columns. */
        public static Request joins(String tableFqn, TableJoins joins) {
            return new Request("PUT", "/v1/tables/{id}/joins", joins, EntityRef.table(tableFqn));
        }

        /**
         * {@code PUT /v1/tables/{id}/tableProfile}: the table's size and row-count estimate as the catalog knows them
         * (OpenMetadata keeps both in the table's profile; the profiler sends exact ones later).
         */
        public static Request tableProfile(String tableFqn, CreateTableProfile profile) {
            return new Request("PUT", "/v1/tables/{id}/tableProfile", profile, EntityRef.table(tableFqn));
        }

        /** {@code PUT /v1/tables/{id}/sampleData}: the profiler's sample rows (PII columns masked). */
        public static Request sampleData(String tableFqn, TableData data) {
            return new Request("PUT", "/v1/tables/{id}/sampleData", data, EntityRef.table(tableFqn));
        }

        /**
         * {@code PUT /v1/dataQuality/testCases/{fqn}/testCaseResult} (OpenMetadata 1.4; the test case is named by its
         * URL-encoded FQN, so the path holds no {@code {id}}).
         */
        public static Request testCaseResult(String testCaseFqn, TestCaseResult result) {
            return new Request("PUT", "/v1/dataQuality/testCases/"
                    + java.net.URLEncoder.encode(testCaseFqn, java.nio.charset.StandardCharsets.UTF_8)
                            .replace("+", "%20") + "/testCaseResult", result);
        }

        /** {@code PATCH /v1/tables/{id}}: tags added to columns (see {@link ColumnTags}). */
        public static Request columnTags(String tableFqn, ColumnTags tags) {
            return new Request("PATCH", "/v1/tables/{id}", tags, EntityRef.table(tableFqn));
        }

        /** {@code DELETE /v1/tables/{id}?recursive=true&hardDelete=false}: OpenMetadata's soft delete. */
        public static Request deleteTable(String tableFqn) {
            return new Request("DELETE", "/v1/tables/{id}?recursive=true&hardDelete=false", null,
                    EntityRef.table(tableFqn));
        }

        /** This call with every id filled in: in the path and in the body's entity references. */
        public Request resolve(EntityRef.Ids ids) {
            String resolvedPath = pathEntity == null ? path : path.replace("{id}", ids.id(pathEntity));
            Object resolvedBody = body instanceof NamesEntities n ? n.resolved(ids) : body;
            return new Request(method, resolvedPath, resolvedBody, null);
        }
    }

    /** A body that names entities by {@link EntityRef}; {@link #resolved} gives it with their ids. */
    public interface NamesEntities {
        Object resolved(EntityRef.Ids ids);
    }

    /** {@code connection} is {@code {"config": {...}}} without any password. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CreateDatabaseService(String name, String serviceType, Map<String, Object> connection) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CreateDatabase(String name, String description, String service) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CreateDatabaseSchema(String name, String description, String database) {
    }

    /** @param owner the owning role as a {@code user} reference; null when unknown */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CreateTable(String name, String description, String tableType, List<Column> columns,
                              List<TableConstraint> tableConstraints, String databaseSchema, String schemaDefinition,
                              EntityRef owner) implements NamesEntities {
        public CreateTable {
            columns = List.copyOf(columns);
            tableConstraints = tableConstraints == null ? null : List.copyOf(tableConstraints);
        }

        public CreateTable(String name, String description, String tableType, List<Column> columns,
                           List<TableConstraint> tableConstraints, String databaseSchema, String schemaDefinition) {
            this(name, description, tableType, columns, tableConstraints, databaseSchema, schemaDefinition, null);
        }

        @Override
        public CreateTable resolved(EntityRef.Ids ids) {
            return owner == null ? this : new CreateTable(name, description, tableType, columns, tableConstraints,
                    databaseSchema, schemaDefinition, owner.resolved(ids));
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Column(String name, String dataType, String arrayDataType, Integer dataLength, Integer precision,
                         Integer scale, String dataTypeDisplay, String description, String constraint,
                         Integer ordinalPosition) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TableConstraint(String constraintType, List<String> columns, List<String> referredColumns) {
    }

    /**
     * {@code api/data/createQuery.json}: a query seen in the log.
     *
     * @param queryDate   when it ran (epoch milliseconds); null when the log has no time
     * @param users       user FQNs known to OpenMetadata; {@code usedBy} the database roles that ran it
     * @param queryUsedIn the tables it reads or writes
     * @param service     the database service's name
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CreateQuery(String query, String query_type, Double duration, List<String> users,
                              List<String> usedBy, Long queryDate, List<EntityRef> queryUsedIn, String service)
            implements NamesEntities {
        public CreateQuery {
            requireNonNull(query, "query is null");
            requireNonNull(service, "service is null");
            users = users == null ? null : List.copyOf(users);
            usedBy = usedBy == null ? null : List.copyOf(usedBy);
            queryUsedIn = queryUsedIn == null ? null : List.copyOf(queryUsedIn);
        }

        @Override
        public CreateQuery resolved(EntityRef.Ids ids) {
            return queryUsedIn == null ? this : new CreateQuery(query, query_type, duration, users, usedBy, queryDate,
                    queryUsedIn.stream().map(r -> r.resolved(ids)).toList(), service);
        }
    }

    /** {@code type/usageRequest.json}: {@code date} as {@code YYYY-MM-DD}. */
    public record UsageRequest(String date, int count) {
        public UsageRequest {
            requireNonNull(date, "date is null");
        }
    }

    /** {@code entity/data/table.json#/definitions/tableJoins}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TableJoins(String startDate, int dayCount, List<ColumnJoin> columnJoins,
                             List<JoinedWith> directTableJoins) {
        public TableJoins {
            requireNonNull(startDate, "startDate is null");
            columnJoins = columnJoins == null ? null : List.copyOf(columnJoins);
            directTableJoins = directTableJoins == null ? null : List.copyOf(directTableJoins);
        }
    }

    /** A column of the table and the columns (FQNs) it was joined with. */
    public record ColumnJoin(String columnName, List<JoinedWith> joinedWith) {
        public ColumnJoin {
            joinedWith = List.copyOf(joinedWith);
        }
    }

    public record JoinedWith(String fullyQualifiedName, int joinCount) {
    }

    /**
     * {@code api/lineage/addLineage.json}: an edge from one entity to another with how it was made.
     *
     * @param source {@code ViewLineage} or {@code QueryLineage}
     */
    public record AddLineage(EntityRef fromEntity, EntityRef toEntity, String sqlQuery,
                             List<ColumnLineage> columnsLineage, String source) implements NamesEntities {
        public AddLineage {
            requireNonNull(fromEntity, "fromEntity is null");
            requireNonNull(toEntity, "toEntity is null");
            columnsLineage = columnsLineage == null ? null : List.copyOf(columnsLineage);
        }

        /** The request body, {@code {"edge": {fromEntity, toEntity, lineageDetails}}}, with ids. */
        @Override
        public Map<String, Object> resolved(EntityRef.Ids ids) {
            Map<String, Object> details = new java.util.LinkedHashMap<>();
            if (sqlQuery != null) {
                details.put("sqlQuery", sqlQuery);
            }
            if (columnsLineage != null) {
                details.put("columnsLineage", columnsLineage);
            }
            if (source != null) {
                details.put("source", source);
            }
            Map<String, Object> edge = new java.util.LinkedHashMap<>();
            edge.put("fromEntity", reference(fromEntity.resolved(ids)));
            edge.put("toEntity", reference(toEntity.resolved(ids)));
            edge.put("lineageDetails", details);
            return Map.of("edge", edge);
        }

        /** {@code {id, type}}: an edge's ends carry nothing else. */
        private static Map<String, Object> reference(EntityRef ref) {
            return Map.of("id", ref.id(), "type", ref.type());
        }
    }

    /** {@code fromColumns} and {@code toColumn} are column FQNs. */
    public record ColumnLineage(List<String> fromColumns, String toColumn) {
        public ColumnLineage {
            fromColumns = List.copyOf(fromColumns);
            requireNonNull(toColumn, "toColumn is null");
        }
    }

    /** {@code api/data/createTableProfile.json}: the table's profile and its columns' (null: none sent). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CreateTableProfile(TableProfile tableProfile, List<ColumnProfile> columnProfile) {
        public CreateTableProfile {
            requireNonNull(tableProfile, "tableProfile is null");
            columnProfile = columnProfile == null ? null : List.copyOf(columnProfile);
        }

        /** The table-level part alone (the metadata run's size and row estimate). */
        public CreateTableProfile(TableProfile tableProfile) {
            this(tableProfile, null);
        }
    }

    /**
     * {@code entity/data/table.json#/definitions/tableProfile}.
     *
     * @param timestamp epoch milliseconds of the read
     * @param rowCount  null when unknown (a table never analyzed)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TableProfile(long timestamp, Double rowCount, Integer columnCount, Double sizeInByte,
                               Long createDateTime, Double profileSample, String profileSampleType) {
        /** The metadata run's estimate: no creation time, no sample. */
        public TableProfile(long timestamp, Double rowCount, Integer columnCount, Double sizeInByte) {
            this(timestamp, rowCount, columnCount, sizeInByte, null, null, null);
        }
    }

    // ---- Profiler: column profiles and sample data ({@code entity/data/table.json} 1.4.0)

    /**
     * {@code entity/data/table.json#/definitions/columnProfile}: one column's metrics, each null when not computed (or
     * not defined for the column's type). {@code min} and {@code max} are numbers, or ISO dates and times as text.
     *
     * @param name      the column's local name, as in the table (no quotes)
     * @param timestamp epoch milliseconds of the run, the same as the table profile's
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ColumnProfile(String name, long timestamp, Double valuesCount, Double nullCount,
                                Double nullProportion, Double uniqueCount, Double uniqueProportion,
                                Double distinctCount, Double distinctProportion, Double duplicateCount, Object min,
                                Object max, Double minLength, Double maxLength, Double mean, Double sum, Double stddev,
                                Double variance, Double median, Double firstQuartile, Double thirdQuartile,
                                Double interQuartileRange, Double nonParametricSkew, Histogram histogram,
                                Double missingCount) {
        public ColumnProfile {
            requireNonNull(name, "name is null");
        }
    }

    /** {@code columnProfile.histogram}: bin labels ("lo to hi", "lo and up") and the count of each. */
    public record Histogram(List<String> boundaries, List<Long> frequencies) {
        public Histogram {
            boundaries = List.copyOf(boundaries);
            frequencies = List.copyOf(frequencies);
        }
    }

    /** {@code entity/data/table.json#/definitions/tableData}: sample rows, values in the order of {@code columns}. */
    public record TableData(List<String> columns, List<List<Object>> rows) {
        public TableData {
            columns = List.copyOf(columns);
            rows = List.copyOf(rows);
        }
    }

    // ---- Data quality: test suites, test cases, results ({@code api/tests/*.json}, {@code tests/basic.json} 1.4.0)

    /** {@code api/tests/createTestSuite.json}: a table's executable suite, named {@code <tableFqn>.testSuite}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CreateTestSuite(String name, String description, String executableEntityReference) {
        public CreateTestSuite {
            requireNonNull(name, "name is null");
        }
    }

    /**
     * {@code api/tests/createTestCase.json}.
     *
     * @param testDefinition the definition's FQN ({@code columnValuesToBeNotNull}, …)
     * @param entityLink     {@code <#E::table::<fqn>>} or {@code <#E::table::<fqn>::columns::<column>>}
     * @param testSuite      the suite's FQN
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CreateTestCase(String name, String description, String testDefinition, String entityLink,
                                 String testSuite, List<TestCaseParameterValue> parameterValues,
                                 Boolean computePassedFailedRowCount) {
        public CreateTestCase {
            requireNonNull(name, "name is null");
            requireNonNull(testDefinition, "testDefinition is null");
            requireNonNull(entityLink, "entityLink is null");
            requireNonNull(testSuite, "testSuite is null");
            parameterValues = parameterValues == null ? null : List.copyOf(parameterValues);
        }
    }

    /** {@code tests/testCase.json#/definitions/testCaseParameterValue}. */
    public record TestCaseParameterValue(String name, String value) {
    }

    /**
     * {@code tests/basic.json#/definitions/testCaseResult}.
     *
     * @param timestamp      epoch milliseconds of the run
     * @param testCaseStatus Success, Failed or Aborted
     * @param result         what was measured, in words (an Aborted test's error)
     * @param sampleData     the failing rows as the JSON text of a {@link TableData} (PII masked); null when none
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TestCaseResult(long timestamp, String testCaseStatus, String result,
                                 List<TestResultValue> testResultValue, Long passedRows, Long failedRows,
                                 Double passedRowsPercentage, Double failedRowsPercentage, String sampleData) {
        public TestCaseResult {
            requireNonNull(testCaseStatus, "testCaseStatus is null");
            testResultValue = testResultValue == null ? null : List.copyOf(testResultValue);
        }

        /** A result without failing rows. */
        public TestCaseResult(long timestamp, String testCaseStatus, String result,
                              List<TestResultValue> testResultValue, Long passedRows, Long failedRows,
                              Double passedRowsPercentage, Double failedRowsPercentage) {
            this(timestamp, testCaseStatus, result, testResultValue, passedRows, failedRows, passedRowsPercentage,
                    failedRowsPercentage, null);
        }
    }

    /** {@code tests/basic.json#/definitions/testResultValue}: one measured value ({@code rowCount}: {@code 42}). */
    public record TestResultValue(String name, String value) {
    }

    // ---- Tags on columns (PII from the profiler, dbt's tags): PATCH /v1/tables/{id}

    /**
     * Tags to add to columns of a table: {@code PATCH /v1/tables/{id}}. OpenMetadata takes a JSON Patch of the table's
     * {@code columns[i].tags}; the {@code metadata-rest} sink reads the table and makes that patch, the {@code file} sink
     * writes this body as it is, the local catalog keeps the tags with the table.
     */
    public record ColumnTags(List<ColumnTag> columns) {
        public ColumnTags {
            columns = List.copyOf(columns);
        }
    }

    /** One tag on one column (its local name). */
    public record ColumnTag(String column, TagLabel tag) {
        public ColumnTag {
            requireNonNull(column, "column is null");
            requireNonNull(tag, "tag is null");
        }
    }

    /**
     * {@code type/tagLabel.json}: {@code PII.Sensitive} from {@code Classification}, {@code Automated},
     * {@code Suggested} (or {@code Confirmed} above the confidence), as OpenMetadata's PII processor labels them.
     */
    public record TagLabel(String tagFQN, String source, String labelType, String state) {
        public TagLabel {
            requireNonNull(tagFQN, "tagFQN is null");
        }
    }

    // ---- dbt: data models, descriptions and owners, dbt's tags, test definitions (OpenMetadata 1.4.0)

    /** The bodies of the dbt workflow's own calls: one case for the local catalog. */
    public sealed interface DbtBody permits DataModel, TablePatch, CreateClassification, CreateTag,
            CreateTestDefinition {
    }

    /** {@code PUT /v1/tables/{id}/dataModel}: the dbt model, seed, snapshot or source behind a table. */
    public static Request dataModel(String tableFqn, DataModel model) {
        return new Request("PUT", "/v1/tables/{id}/dataModel", model, EntityRef.table(tableFqn));
    }

    /**
     * {@code PATCH /v1/tables/{id}}: a table's description, its columns' descriptions and/or its owner (see
     * {@link TablePatch}).
     */
    public static Request tablePatch(String tableFqn, TablePatch patch) {
        return new Request("PATCH", "/v1/tables/{id}", patch, EntityRef.table(tableFqn));
    }

    /** {@code PUT /v1/classifications}: the classification dbt's tags go under ({@code dbtTags}). */
    public static Request classification(CreateClassification classification) {
        return new Request("PUT", "/v1/classifications", classification);
    }

    /** {@code PUT /v1/tags}: one of dbt's tags. */
    public static Request tag(CreateTag tag) {
        return new Request("PUT", "/v1/tags", tag);
    }

    /** {@code PUT /v1/dataQuality/testDefinitions}: a dbt test's kind ({@code unique}, {@code accepted_values}, …). */
    public static Request testDefinition(CreateTestDefinition definition) {
        return new Request("PUT", "/v1/dataQuality/testDefinitions", definition);
    }

    /**
     * {@code entity/data/table.json#/definitions/dataModel}.
     *
     * @param modelType    {@code DBT}
     * @param resourceType dbt's {@code model}, {@code seed}, {@code snapshot} or {@code source}
     * @param rawSql       the SQL as written ({@code raw_code}); null for seeds and sources
     * @param sql          the compiled SQL ({@code compiled_code}); empty when there is none (required by the schema)
     * @param upstream     the FQNs of the tables it reads, as dbt's {@code depends_on} says
     * @param owner        the owner (the table's owner is set by its own {@link TablePatch}); null when none
     * @param generatedAt  when dbt wrote the manifest (ISO 8601)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DataModel(String modelType, String resourceType, String description, String path, String rawSql,
                            String sql, List<String> upstream, EntityRef owner, List<TagLabel> tags,
                            List<DataModelColumn> columns, String generatedAt) implements DbtBody, NamesEntities {
        public DataModel {
            requireNonNull(modelType, "modelType is null");
            requireNonNull(sql, "sql is null");
            upstream = upstream == null ? null : List.copyOf(upstream);
            tags = tags == null ? null : List.copyOf(tags);
            columns = columns == null ? null : List.copyOf(columns);
        }

        @Override
        public DataModel resolved(EntityRef.Ids ids) {
            return owner == null ? this : new DataModel(modelType, resourceType, description, path, rawSql, sql,
                    upstream, owner.resolved(ids), tags, columns, generatedAt);
        }
    }

    /** {@code entity/data/table.json#/definitions/column} as a data model lists them (dbt's YAML, the catalog's type). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DataModelColumn(String name, String dataType, String dataTypeDisplay, String description,
                                  List<TagLabel> tags) {
        public DataModelColumn {
            requireNonNull(name, "name is null");
            requireNonNull(dataType, "dataType is null");
            tags = tags == null ? null : List.copyOf(tags);
        }
    }

    /**
     * What the dbt workflow changes on a table that a DatabaseMetadata run created: OpenMetadata's client reads the
     * table and sends a JSON Patch ({@code patch_description}, {@code patch_column_descriptions}, the owner); the
     * {@code metadata-rest} sink does the same, the {@code file} sink writes this body as it is, the local catalog
     * keeps it with the table.
     *
     * @param description the table's description; null: unchanged
     * @param columns     column descriptions; empty: none
     * @param owner       the owner ({@code user}); null: unchanged
     * @param overwrite   {@code dbtUpdateDescriptions}: replace descriptions the table has (else only fill empty ones)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TablePatch(String description, List<ColumnDescription> columns, EntityRef owner,
                             boolean overwrite) implements DbtBody, NamesEntities {
        public TablePatch {
            columns = columns == null ? List.of() : List.copyOf(columns);
        }

        @Override
        public TablePatch resolved(EntityRef.Ids ids) {
            return owner == null ? this : new TablePatch(description, columns, owner.resolved(ids), overwrite);
        }
    }

    /** One column's description (its local name). */
    public record ColumnDescription(String column, String description) {
        public ColumnDescription {
            requireNonNull(column, "column is null");
            requireNonNull(description, "description is null");
        }
    }

    /** {@code api/classification/createClassification.json}. */
    public record CreateClassification(String name, String description) implements DbtBody {
        public CreateClassification {
            requireNonNull(name, "name is null");
            requireNonNull(description, "description is null");
        }
    }

    /** {@code api/classification/createTag.json}: {@code classification} is the classification's name. */
    public record CreateTag(String name, String description, String classification) implements DbtBody {
        public CreateTag {
            requireNonNull(name, "name is null");
            requireNonNull(description, "description is null");
        }
    }

    /**
     * {@code api/tests/createTestDefinition.json}.
     *
     * @param entityType    {@code TABLE} or {@code COLUMN}
     * @param testPlatforms {@code [DBT]}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CreateTestDefinition(String name, String description, String entityType, List<String> testPlatforms,
                                       List<TestParameterDefinition> parameterDefinition) implements DbtBody {
        public CreateTestDefinition {
            requireNonNull(name, "name is null");
            requireNonNull(description, "description is null");
            testPlatforms = List.copyOf(testPlatforms);
            parameterDefinition = parameterDefinition == null ? null : List.copyOf(parameterDefinition);
        }
    }

    /** {@code tests/testDefinition.json#/definitions/testCaseParameterDefinition}: a parameter by name. */
    public record TestParameterDefinition(String name) {
        public TestParameterDefinition {
            requireNonNull(name, "name is null");
        }
    }

    // ---- Profiler extras (pgbridge only): what OpenMetadata 1.4's columnProfile has no field for

    /**
     * A body only the local catalog keeps: the {@code file} and {@code metadata-rest} sinks skip a request carrying one
     * (OpenMetadata has no route for it, and a transcript must validate against OpenMetadata's schemas).
     */
    public interface LocalOnly {
    }

    /**
     * {@code PUT /v1/tables/{id}/tableProfile/pgbridge}: the profiler's metrics that OpenMetadata 1.4's
     * {@code tableProfile}/{@code columnProfile} cannot hold, sent right after the table's {@link CreateTableProfile}
     * with the same timestamp (the local catalog keeps them with that profile).
     *
     * @param columnNames the profiled table's column names in order ({@code columnNames}, a table metric)
     * @param columns     per column, its extras (only columns that have any)
     */
    public record ProfileExtras(long timestamp, List<String> columnNames, List<ColumnExtras> columns)
            implements LocalOnly {
        public ProfileExtras {
            columnNames = List.copyOf(columnNames);
            columns = List.copyOf(columns);
        }
    }

    /** One column's extras: {@code cardinalityDistribution} (low-cardinality text), null when not computed. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ColumnExtras(String name, CardinalityDistribution cardinalityDistribution) {
        public ColumnExtras {
            requireNonNull(name, "name is null");
        }
    }

    /**
     * OpenMetadata's {@code cardinalityDistribution} (newer servers): the top 5 values and every value holding at least
     * 2% of the rows, most frequent first, the rest as {@code Others}; counts and percentages of the non-null values.
     */
    public record CardinalityDistribution(List<String> categories, List<Long> counts, List<Double> percentages) {
        public CardinalityDistribution {
            categories = List.copyOf(categories);
            counts = List.copyOf(counts);
            percentages = List.copyOf(percentages);
        }
    }

    /** The call carrying a table's {@link ProfileExtras} to the local catalog. */
    public static Request profileExtras(String tableFqn, ProfileExtras extras) {
        return new Request("PUT", "/v1/tables/{id}/tableProfile/pgbridge", extras, EntityRef.table(tableFqn));
    }
}
