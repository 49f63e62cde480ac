package dev.pgbridge.metadata.lineage;

import dev.pgbridge.sql.QualifiedName;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.expression.AnyComparisonExpression;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.DateUnitExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.ReturningClause;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.UnsupportedStatement;
import net.sf.jsqlparser.statement.create.table.ColumnDefinition;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.create.view.CreateView;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.delete.ParenthesedDelete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.insert.InsertConflictAction;
import net.sf.jsqlparser.statement.insert.ParenthesedInsert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.merge.MergeDelete;
import net.sf.jsqlparser.statement.merge.MergeInsert;
import net.sf.jsqlparser.statement.merge.MergeOperation;
import net.sf.jsqlparser.statement.merge.MergeUpdate;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.GroupByElement;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.ParenthesedFromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.TableFunction;
import net.sf.jsqlparser.statement.select.TableStatement;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.update.ParenthesedUpdate;
import net.sf.jsqlparser.statement.update.Update;
import net.sf.jsqlparser.statement.update.UpdateSet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The lineage of one parsed statement: walks JSqlParser's tree with its own scopes (FROM items, CTEs, outer queries
 * for correlated sub-queries), resolving every column reference to the real columns behind it. One instance per
 * statement.
 */
final class StatementAnalyzer {
    /** Words PostgreSQL reads as values although they look like column names (JSqlParser gives them as columns). */
    private static final Set<String> VALUE_WORDS = Set.of("current_date", "current_time", "current_timestamp",
            "localtime", "localtimestamp", "current_user", "session_user", "user", "current_role", "current_schema",
            "current_catalog", "null", "default", "true", "false");

    private final SqlLineage lineage;
    private final String sql;
    private final Set<TableName> reads = new LinkedHashSet<>();
    private final Set<TableName> writes = new LinkedHashSet<>();
    /** Per written table, the read sets of the statements that write it (filled while those statements are analyzed). */
    private final Map<TableName, List<Set<TableName>>> writeSources = new LinkedHashMap<>();
    /**
     * The relations read by the statement being analyzed: the whole statement, or one CTE body. A CTE's reads reach
     * the statement that reads the CTE, so in {@code WITH d AS (DELETE FROM a …) INSERT INTO b SELECT … FROM d} b is
     * fed by a, and a by nothing.
     */
    private Set<TableName> current = new LinkedHashSet<>();
    private final Set<ColumnEdge> columnEdges = new LinkedHashSet<>();
    private final Set<JoinPair> joins = new LinkedHashSet<>();

    StatementAnalyzer(SqlLineage lineage, String sql) {
        this.lineage = lineage;
        this.sql = sql;
    }

    // ---------------------------------------------------------------- model

    /** One output column of a query: its name (null when it has none) and the real columns its values come from. */
    private record Out(String name, Set<ColumnName> sources, TableName starOf) {
        static Out star(TableName table) {
            return new Out(null, Set.of(), table);
        }

        boolean unknownStar() {
            return starOf != null;
        }
    }

    /** What a query produces: its columns in order; {@code *} over tables the catalog does not know stays a marker. */
    private record Relation(List<Out> columns) {
        List<TableName> unknownStars() {
            List<TableName> out = new ArrayList<>();
            for (Out c : columns) {
                if (c.unknownStar()) {
                    out.add(c.starOf());
                }
            }
            return out;
        }

        Relation renamed(List<String> names) {
            if (names.isEmpty()) {
                return this;
            }
            List<Out> renamed = new ArrayList<>();
            int i = 0;
            for (Out c : columns) {
                if (c.unknownStar() || i >= names.size()) {
                    renamed.add(c);
                    if (c.unknownStar()) {
                        i = names.size(); // positions after an unknown * are unknown
                    }
                }
                else {
                    renamed.add(new Out(names.get(i++), c.sources(), null));
                }
            }
            for (; i < names.size(); i++) {
                renamed.add(new Out(names.get(i), Set.of(), null));
            }
            return new Relation(renamed);
        }
    }

    /** A FROM item as seen by the query around it. */
    private sealed interface Source permits TableSource, DerivedSource {
        String alias();
    }

    /** A real relation; {@code known} its catalog columns (empty: unknown); a system relation has no columns. */
    private record TableSource(String alias, TableName table, List<String> known, boolean system) implements Source {
    }

    /** A sub-query, CTE, VALUES list or function in FROM. */
    private record DerivedSource(String alias, Relation relation) implements Source {
    }

    private static final class Scope {
        final Scope parent;
        final List<Source> sources = new ArrayList<>();
        final Map<String, Relation> ctes = new HashMap<>();
        final Map<String, Set<TableName>> cteReads = new HashMap<>();

        Scope(Scope parent) {
            this.parent = parent;
        }

        Set<TableName> cteReads(String name) {
            for (Scope s = this; s != null; s = s.parent) {
                if (s.ctes.containsKey(name)) {
                    return s.cteReads.getOrDefault(name, Set.of());
                }
            }
            return Set.of();
        }

        Relation cte(String name) {
            for (Scope s = this; s != null; s = s.parent) {
                Relation r = s.ctes.get(name);
                if (r != null) {
                    return r;
                }
            }
            return null;
        }
    }

    // ---------------------------------------------------------------- statements

    StatementLineage analyze(Statement statement) {
        Scope root = new Scope(null);
        switch (statement) {
            case Select select -> select(select, root);
            case Insert insert -> insert(insert, root);
            case Update update -> update(update, root);
            case Delete delete -> delete(delete, root);
            case Merge merge -> merge(merge, root);
            case CreateTable create -> createTable(create, root);
            case CreateView view -> createView(view, root);
            case UnsupportedStatement unsupported -> throw notUnderstood("JSqlParser does not know this statement");
            default -> {
                // DDL, SET, transaction control, …: no data flows
            }
        }
        List<TableEdge> tableEdges = new ArrayList<>();
        for (TableName write : writes) {
            Set<TableName> sources = new LinkedHashSet<>();
            for (Set<TableName> set : writeSources.getOrDefault(write, List.of())) {
                sources.addAll(set);
            }
            for (TableName read : sources) {
                if (!read.equals(write)) {
                    tableEdges.add(new TableEdge(read, write));
                }
            }
        }
        return new StatementLineage(sql, reads, writes, tableEdges, new ArrayList<>(columnEdges), new ArrayList<>(joins));
    }

    private void select(Select select, Scope root) {
        Relation result = query(select, root);
        PlainSelect plain = select instanceof PlainSelect p ? p
                : select instanceof ParenthesedSelect p && p.getSelect() instanceof PlainSelect inner ? inner : null;
        if (plain != null && plain.getIntoTables() != null) {
            for (Table into : plain.getIntoTables()) { // SELECT … INTO new_table
                TableName target = createdTable(into);
                if (target != null) {
                    write(target);
                    flowInto(target, names(result), result);
                }
            }
        }
    }

    private void insert(Insert insert, Scope parent) {
        insertInto(insert, withItems(insert.getWithItemsList(), parent));
    }

    /** An INSERT; returns its RETURNING relation (for a data-modifying CTE). */
    private Relation insertInto(Insert insert, Scope scope) {
        TableName target = existingTable(insert.getTable());
        List<String> targetColumns = new ArrayList<>();
        if (insert.getColumns() != null && !insert.getColumns().isEmpty()) {
            for (Column c : insert.getColumns()) {
                targetColumns.add(fold(c.getColumnName()));
            }
        }
        else if (target != null) {
            targetColumns.addAll(lineage.columns(target));
        }
        Relation source = insert.getSelect() != null ? query(insert.getSelect(), scope) : new Relation(List.of());
        if (targetColumns.isEmpty()) {
            targetColumns.addAll(names(source)); // no list and an unknown table: the query's names
        }
        if (target == null) {
            return new Relation(List.of());
        }
        write(target);
        flowInto(target, targetColumns, source);

        String alias = aliasOr(insert.getTable().getAlias(), target.name());
        InsertConflictAction conflict = insert.getConflictAction();
        if (conflict != null && conflict.getUpdateSets() != null && !conflict.getUpdateSets().isEmpty()) {
            // ON CONFLICT DO UPDATE: EXCLUDED is the row proposed for insertion
            Scope onConflict = new Scope(scope);
            onConflict.sources.add(targetSource(alias, target));
            onConflict.sources.add(new DerivedSource("excluded", new Relation(source.columns()).renamed(targetColumns)));
            updateSets(target, conflict.getUpdateSets(), onConflict);
            if (conflict.getWhereExpression() != null) {
                flows(conflict.getWhereExpression(), onConflict);
            }
        }
        return returning(insert.getReturningClause(), alias, target, scope);
    }

    private void update(Update update, Scope parent) {
        updateTable(update, withItems(update.getWithItemsList(), parent));
    }

    private Relation updateTable(Update update, Scope scope) {
        TableName target = existingTable(update.getTable());
        Scope sc = new Scope(scope);
        String alias = target == null ? null : aliasOr(update.getTable().getAlias(), target.name());
        if (target != null) {
            sc.sources.add(targetSource(alias, target));
        }
        if (update.getStartJoins() != null) {
            joinsInto(update.getStartJoins(), sc);
        }
        if (update.getFromItem() != null) {
            sc.sources.addAll(fromItem(update.getFromItem(), sc));
        }
        if (update.getJoins() != null) {
            joinsInto(update.getJoins(), sc);
        }
        condition(update.getWhere(), sc);
        if (target == null) {
            return new Relation(List.of());
        }
        write(target);
        updateSets(target, update.getUpdateSets(), sc);
        return returning(update.getReturningClause(), alias, target, scope);
    }

    private void delete(Delete delete, Scope parent) {
        deleteFrom(delete, withItems(delete.getWithItemsList(), parent));
    }

    private Relation deleteFrom(Delete delete, Scope scope) {
        TableName target = existingTable(delete.getTable());
        Scope sc = new Scope(scope);
        String alias = target == null ? null : aliasOr(delete.getTable().getAlias(), target.name());
        if (target != null) {
            sc.sources.add(targetSource(alias, target));
        }
        if (delete.getUsingFromItemList() != null) {
            for (FromItem item : delete.getUsingFromItemList()) {
                sc.sources.addAll(fromItem(item, sc));
            }
        }
        if (delete.getJoins() != null) {
            joinsInto(delete.getJoins(), sc);
        }
        condition(delete.getWhere(), sc);
        if (target == null) {
            return new Relation(List.of());
        }
        write(target);
        return returning(delete.getReturningClause(), alias, target, scope);
    }

    private void merge(Merge merge, Scope parent) {
        Scope scope = withItems(merge.getWithItemsList(), parent);
        TableName target = existingTable(merge.getTable());
        Scope sc = new Scope(scope);
        String alias = target == null ? null : aliasOr(merge.getTable().getAlias(), target.name());
        if (target != null) {
            sc.sources.add(targetSource(alias, target));
        }
        if (merge.getFromItem() != null) {
            sc.sources.addAll(fromItem(merge.getFromItem(), sc));
        }
        condition(merge.getOnCondition(), sc);
        if (target == null) {
            return;
        }
        write(target);
        List<MergeOperation> operations = merge.getOperations() != null ? merge.getOperations() : List.of();
        for (MergeOperation operation : operations) {
            switch (operation) {
                case MergeUpdate u -> {
                    flows(u.getAndPredicate(), sc);
                    flows(u.getWhereCondition(), sc);
                    flows(u.getDeleteWhereCondition(), sc);
                    updateSets(target, u.getUpdateSets(), sc);
                }
                case MergeInsert i -> {
                    flows(i.getAndPredicate(), sc);
                    flows(i.getWhereCondition(), sc);
                    List<String> columns = new ArrayList<>();
                    if (i.getColumns() != null && !i.getColumns().isEmpty()) {
                        for (Column c : i.getColumns()) {
                            columns.add(fold(c.getColumnName()));
                        }
                    }
                    else {
                        columns.addAll(lineage.columns(target));
                    }
                    List<Out> values = new ArrayList<>();
                    if (i.getValues() != null) {
                        for (Expression value : i.getValues()) {
                            values.add(new Out(null, flows(value, sc), null));
                        }
                    }
                    flowInto(target, columns, new Relation(values));
                }
                case MergeDelete d -> flows(d.getAndPredicate(), sc);
                default -> throw notUnderstood("a MERGE action of kind " + operation.getClass().getSimpleName());
            }
        }
    }

    private void createTable(CreateTable create, Scope root) {
        if (create.getSelect() == null) {
            return; // a plain CREATE TABLE moves no data
        }
        TableName target = createdTable(create.getTable());
        Relation source = query(create.getSelect(), root);
        if (target == null) {
            return;
        }
        write(target);
        List<String> columns = new ArrayList<>();
        if (create.getColumnDefinitions() != null && !create.getColumnDefinitions().isEmpty()) {
            for (ColumnDefinition d : create.getColumnDefinitions()) {
                columns.add(fold(d.getColumnName()));
            }
        }
        else if (create.getColumns() != null && !create.getColumns().isEmpty()) {
            for (String c : create.getColumns()) {
                columns.add(fold(c));
            }
        }
        flowInto(target, columns.isEmpty() ? names(source) : columns, source);
    }

    private void createView(CreateView view, Scope root) {
        TableName target = createdTable(view.getView());
        Relation source = query(view.getSelect(), root);
        if (target == null) {
            return;
        }
        write(target);
        List<String> columns = new ArrayList<>();
        if (view.getColumnNames() != null && !view.getColumnNames().isEmpty()) {
            for (Column c : view.getColumnNames()) {
                columns.add(fold(c.getColumnName()));
            }
        }
        flowInto(target, columns.isEmpty() ? names(source) : columns, source);
    }

    /** SET col = expr, SET (a, b) = (x, y), SET (a, b) = (SELECT …): every source column into its target column. */
    private void updateSets(TableName target, List<UpdateSet> sets, Scope scope) {
        if (sets == null) {
            return;
        }
        for (UpdateSet set : sets) {
            List<String> columns = new ArrayList<>();
            for (Column c : set.getColumns()) {
                columns.add(fold(c.getColumnName()));
            }
            ExpressionList<?> values = set.getValues();
            List<Out> outs = new ArrayList<>();
            if (columns.size() > 1 && values.size() == 1 && values.get(0) instanceof Select sub) {
                outs.addAll(query(sub, scope).columns());
            }
            else if (columns.size() > 1 && values.size() == 1 && values.get(0) instanceof ParenthesedExpressionList<?> row) {
                for (Expression e : row) {
                    outs.add(new Out(null, flows(e, scope), null));
                }
            }
            else {
                for (Expression e : values) {
                    outs.add(new Out(null, flows(e, scope), null));
                }
            }
            flowInto(target, columns, new Relation(outs));
        }
    }

    /** What RETURNING yields, seen by a data-modifying CTE: the rows of the target table. */
    private Relation returning(ReturningClause clause, String alias, TableName target, Scope scope) {
        if (clause == null || clause.isEmpty()) {
            return new Relation(List.of());
        }
        Scope sc = new Scope(scope);
        sc.sources.add(targetSource(alias, target));
        return selectList(clause, sc);
    }

    private void write(TableName target) {
        writes.add(target);
        List<Set<TableName>> sets = writeSources.computeIfAbsent(target, t -> new ArrayList<>());
        if (sets.stream().noneMatch(set -> set == current)) {
            sets.add(current); // the same set object: reads recorded later in this statement count too
        }
    }

    private void read(TableName table) {
        reads.add(table);
        current.add(table);
    }

    /** Edges from each source column into the written column at the same position. */
    private void flowInto(TableName target, List<String> columns, Relation source) {
        int i = 0;
        for (Out out : source.columns()) {
            if (out.unknownStar() || i >= columns.size()) {
                return; // positions after a * the catalog could not expand are unknown
            }
            ColumnName to = new ColumnName(target, columns.get(i++));
            for (ColumnName from : out.sources()) {
                if (!from.table().equals(target)) {
                    columnEdges.add(new ColumnEdge(from, to));
                }
            }
        }
    }

    // ---------------------------------------------------------------- queries

    private Scope withItems(List<WithItem<?>> items, Scope parent) {
        if (items == null || items.isEmpty()) {
            return parent;
        }
        Scope scope = new Scope(parent);
        for (WithItem<?> item : items) {
            String name = fold(item.getAliasName());
            List<String> columns = new ArrayList<>();
            if (item.getWithItemList() != null) {
                for (SelectItem<?> c : item.getWithItemList()) {
                    columns.add(fold(c.toString()));
                }
            }
            if (item.isRecursive()) { // the body may read itself: first its declared columns, without sources
                scope.ctes.put(name, new Relation(List.of()).renamed(columns));
            }
            Set<TableName> outer = current;
            current = new LinkedHashSet<>();
            Relation body = switch (item.getParenthesedStatement()) {
                case ParenthesedSelect select -> query(select, scope);
                case ParenthesedInsert insert -> insertInto(insert.getInsert(),
                        withItems(insert.getInsert().getWithItemsList(), scope));
                case ParenthesedUpdate update -> updateTable(update.getUpdate(),
                        withItems(update.getUpdate().getWithItemsList(), scope));
                case ParenthesedDelete delete -> deleteFrom(delete.getDelete(),
                        withItems(delete.getDelete().getWithItemsList(), scope));
                case null, default -> throw notUnderstood("the WITH item " + item.getAliasName());
            };
            if (!(item.getParenthesedStatement() instanceof ParenthesedSelect)) {
                for (Out c : body.columns()) { // RETURNING rows flow on: their table is read by the statement
                    for (ColumnName source : c.sources()) {
                        read(source.table());
                    }
                    if (c.unknownStar()) {
                        read(c.starOf());
                    }
                }
            }
            scope.cteReads.put(name, current);
            current = outer;
            scope.ctes.put(name, body.renamed(columns));
        }
        return scope;
    }

    /** The columns a query produces (reads, joins and nested writes recorded on the way). */
    private Relation query(Select select, Scope parent) {
        Scope scope = withItems(select.getWithItemsList(), parent);
        Relation result = switch (select) {
            case PlainSelect plain -> plainSelect(plain, scope);
            case SetOperationList set -> setOperation(set, scope);
            case ParenthesedSelect parenthesed -> query(parenthesed.getSelect(), scope);
            case Values values -> values(values, scope);
            case TableStatement table -> {
                Scope sc = new Scope(scope);
                List<Source> sources = fromItem(table.getTable(), sc);
                sc.sources.addAll(sources);
                List<Out> outs = new ArrayList<>();
                for (Source s : sources) {
                    outs.addAll(expand(s));
                }
                yield new Relation(outs);
            }
            default -> throw notUnderstood("a query of kind " + select.getClass().getSimpleName());
        };
        if (select.getOrderByElements() != null) {
            for (OrderByElement o : select.getOrderByElements()) {
                flows(o.getExpression(), scope);
            }
        }
        return result;
    }

    /** UNION, INTERSECT, EXCEPT: the branches' columns merged by position; names from the first branch. */
    private Relation setOperation(SetOperationList set, Scope scope) {
        List<Out> merged = new ArrayList<>();
        boolean positionsKnown = true;
        for (Select branch : set.getSelects()) {
            Relation r = query(branch, scope);
            if (!positionsKnown) {
                continue;
            }
            for (int i = 0; i < r.columns().size(); i++) {
                Out c = r.columns().get(i);
                if (i >= merged.size()) {
                    merged.add(c);
                }
                else {
                    Out m = merged.get(i);
                    if (m.unknownStar() || c.unknownStar()) {
                        merged.set(i, m.unknownStar() ? m : Out.star(c.starOf()));
                        positionsKnown = false;
                        break;
                    }
                    Set<ColumnName> both = new LinkedHashSet<>(m.sources());
                    both.addAll(c.sources());
                    merged.set(i, new Out(m.name(), both, null));
                }
            }
        }
        return new Relation(merged);
    }

    private Relation values(Values values, Scope scope) {
        List<Set<ColumnName>> positions = new ArrayList<>();
        for (Expression row : values.getExpressions()) {
            List<Expression> cells = new ArrayList<>();
            if (row instanceof ParenthesedExpressionList<?> list) {
                cells.addAll(list);
            }
            else {
                cells.add(row);
            }
            for (int i = 0; i < cells.size(); i++) {
                if (i >= positions.size()) {
                    positions.add(new LinkedHashSet<>());
                }
                positions.get(i).addAll(flows(cells.get(i), scope));
            }
        }
        List<Out> outs = new ArrayList<>();
        for (int i = 0; i < positions.size(); i++) {
            outs.add(new Out("column" + (i + 1), positions.get(i), null));
        }
        return new Relation(outs);
    }

    private Relation plainSelect(PlainSelect select, Scope parent) {
        Scope sc = new Scope(parent);
        if (select.getFromItem() != null) {
            sc.sources.addAll(fromItem(select.getFromItem(), sc));
        }
        if (select.getJoins() != null) {
            joinsInto(select.getJoins(), sc);
        }
        condition(select.getWhere(), sc);
        GroupByElement groupBy = select.getGroupBy();
        if (groupBy != null) {
            if (groupBy.getGroupByExpressionList() != null) {
                for (Object e : groupBy.getGroupByExpressionList()) {
                    if (e instanceof Expression expression) {
                        flows(expression, sc);
                    }
                }
            }
        }
        flows(select.getHaving(), sc);
        return selectList(select.getSelectItems(), sc);
    }

    private Relation selectList(List<SelectItem<?>> items, Scope sc) {
        List<Out> outs = new ArrayList<>();
        for (SelectItem<?> item : items) {
            Expression e = item.getExpression();
            if (e instanceof AllTableColumns all) {
                Source source = qualified(all.getTable(), sc);
                if (source != null) {
                    outs.addAll(expand(source));
                }
            }
            else if (e instanceof AllColumns) {
                for (Source source : sc.sources) {
                    outs.addAll(expand(source));
                }
            }
            else {
                String name = item.getAlias() != null ? fold(item.getAlias().getName()) : outputName(e);
                outs.add(new Out(name, flows(e, sc), null));
            }
        }
        return new Relation(outs);
    }

    /** The name PostgreSQL gives an output column without alias. */
    private static String outputName(Expression e) {
        Expression inner = e;
        while (inner instanceof CastExpression cast) {
            inner = cast.getLeftExpression();
        }
        if (inner instanceof Column c) {
            return fold(c.getColumnName());
        }
        if (inner instanceof DateUnitExpression unit) {
            return asColumn(unit).getColumnName();
        }
        if (inner instanceof Function f && f.getName() != null) {
            List<String> parts = f.getMultipartName();
            String last = parts == null || parts.isEmpty() ? f.getName() : parts.get(parts.size() - 1);
            return fold(last);
        }
        return null;
    }

    /** The columns of {@code *} over one FROM item. */
    private List<Out> expand(Source source) {
        List<Out> outs = new ArrayList<>();
        switch (source) {
            case TableSource t -> {
                if (t.system()) {
                    return outs;
                }
                if (t.known().isEmpty()) {
                    outs.add(Out.star(t.table()));
                }
                for (String column : t.known()) {
                    outs.add(new Out(column, Set.of(new ColumnName(t.table(), column)), null));
                }
            }
            case DerivedSource d -> outs.addAll(d.relation().columns());
        }
        return outs;
    }

    private void joinsInto(List<Join> joinList, Scope sc) {
        for (Join join : joinList) {
            List<Source> right = fromItem(join.getFromItem(), sc);
            List<Source> left = new ArrayList<>(sc.sources);
            sc.sources.addAll(right);
            if (join.getOnExpressions() != null) {
                for (Expression on : join.getOnExpressions()) {
                    condition(on, sc);
                }
            }
            if (join.getUsingColumns() != null) {
                for (Column c : join.getUsingColumns()) {
                    String name = fold(c.getColumnName());
                    Set<ColumnName> l = unqualified(name, left);
                    Set<ColumnName> r = unqualified(name, right);
                    joinPair(l, r);
                }
            }
        }
    }

    /** The sources a FROM item adds to its query's scope (a parenthesized join adds several). */
    private List<Source> fromItem(FromItem item, Scope sc) {
        List<String> aliasColumns = aliasColumns(item.getAlias());
        switch (item) {
            case Table table -> {
                return List.of(tableSource(table, sc));
            }
            case ParenthesedSelect sub -> {
                Relation r = query(sub, sc).renamed(aliasColumns);
                return List.of(new DerivedSource(aliasName(item.getAlias()), r));
            }
            case Values values -> {
                Relation r = values(values, sc).renamed(aliasColumns);
                return List.of(new DerivedSource(aliasName(item.getAlias()), r));
            }
            case ParenthesedFromItem nested -> {
                Scope inner = new Scope(sc);
                inner.sources.addAll(fromItem(nested.getFromItem(), inner));
                if (nested.getJoins() != null) {
                    joinsInto(nested.getJoins(), inner);
                }
                return inner.sources;
            }
            case TableFunction function -> {
                Set<ColumnName> args = flows(function.getFunction(), sc);
                String alias = aliasName(item.getAlias());
                String functionName = outputName(function.getFunction());
                List<String> names = !aliasColumns.isEmpty() ? aliasColumns
                        : alias != null ? List.of(alias) : functionName != null ? List.of(functionName) : List.of();
                List<Out> outs = new ArrayList<>();
                for (String n : names) {
                    outs.add(new Out(n, args, null));
                }
                return List.of(new DerivedSource(alias != null ? alias : functionName, new Relation(outs)));
            }
            default -> throw notUnderstood("a FROM item of kind " + item.getClass().getSimpleName());
        }
    }

    private Source tableSource(Table table, Scope sc) {
        String rawSchema = table.getSchemaName();
        String name = fold(table.getName());
        String schema = rawSchema == null ? null : fold(rawSchema);
        String alias = aliasOr(table.getAlias(), name);
        if (schema == null) {
            Relation cte = sc.cte(name);
            if (cte != null) {
                current.addAll(sc.cteReads(name));
                return new DerivedSource(alias, cte.renamed(aliasColumns(table.getAlias())));
            }
        }
        if (isSystem(schema, name)) {
            return new TableSource(alias, new TableName(schema == null ? "pg_catalog" : schema, name), List.of(), true);
        }
        TableName resolved = schema != null ? new TableName(schema, name) : lineage.resolveExisting(name);
        read(resolved);
        List<String> known = lineage.columns(resolved);
        List<String> renamed = aliasColumns(table.getAlias());
        if (!renamed.isEmpty() && !known.isEmpty()) { // FROM t AS x(a, b): the table's columns under new names
            List<Out> outs = new ArrayList<>();
            for (int i = 0; i < known.size(); i++) {
                outs.add(new Out(i < renamed.size() ? renamed.get(i) : known.get(i),
                        Set.of(new ColumnName(resolved, known.get(i))), null));
            }
            return new DerivedSource(alias, new Relation(outs));
        }
        return new TableSource(alias, resolved, known, false);
    }

    private TableSource targetSource(String alias, TableName target) {
        return new TableSource(alias, target, lineage.columns(target), false);
    }

    // ---------------------------------------------------------------- names

    private static boolean isSystem(String schema, String name) {
        if (schema != null) {
            return schema.startsWith("pg_") || schema.equals("information_schema");
        }
        return name.startsWith("pg_");
    }

    /** A table an INSERT, UPDATE, DELETE or MERGE writes: resolved like a read; null for a system catalog. */
    private TableName existingTable(Table table) {
        String schema = table.getSchemaName() == null ? null : fold(table.getSchemaName());
        String name = fold(table.getName());
        if (isSystem(schema, name)) {
            return null;
        }
        return schema != null ? new TableName(schema, name) : lineage.resolveExisting(name);
    }

    /** A table or view a statement creates: unqualified, in the first schema of the path. */
    private TableName createdTable(Table table) {
        String schema = table.getSchemaName() == null ? null : fold(table.getSchemaName());
        String name = fold(table.getName());
        if (isSystem(schema, name)) {
            return null;
        }
        return schema != null ? new TableName(schema, name) : lineage.resolveCreated(name);
    }

    /** A name as PostgreSQL reads it: unquoted folds to lower case, quoted keeps its case. */
    static String fold(String raw) {
        return QualifiedName.parseIdentifier(raw.strip());
    }

    private static String aliasOr(Alias alias, String otherwise) {
        String name = aliasName(alias);
        return name != null ? name : otherwise;
    }

    private static String aliasName(Alias alias) {
        return alias == null || alias.getName() == null || alias.getName().isBlank() ? null : fold(alias.getName());
    }

    private static List<String> aliasColumns(Alias alias) {
        List<String> out = new ArrayList<>();
        if (alias != null && alias.getAliasColumns() != null) {
            for (Alias.AliasColumn c : alias.getAliasColumns()) {
                out.add(fold(c.name));
            }
        }
        return out;
    }

    private static List<String> names(Relation relation) {
        List<String> out = new ArrayList<>();
        for (Out c : relation.columns()) {
            if (c.unknownStar()) {
                break;
            }
            out.add(c.name() == null ? "?column?" : c.name());
        }
        return out;
    }

    // ---------------------------------------------------------------- columns

    /** The source of {@code alias.*} or {@code alias.col}, looked up from the innermost scope outwards. */
    private Source qualified(Table qualifier, Scope scope) {
        String name = fold(qualifier.getName());
        String schema = qualifier.getSchemaName() == null ? null : fold(qualifier.getSchemaName());
        for (Scope s = scope; s != null; s = s.parent) {
            for (Source source : s.sources) {
                if (schema != null) {
                    if (source instanceof TableSource t && t.table().schema().equals(schema)
                            && t.table().name().equals(name)) {
                        return source;
                    }
                }
                else if (name.equals(source.alias())) {
                    return source;
                }
            }
        }
        return null;
    }

    /** The real columns a column reference stands for; empty when it is unresolvable or of a system catalog. */
    private Set<ColumnName> column(Column column, Scope scope) {
        String name = fold(column.getColumnName());
        Table qualifier = column.getTable();
        if (qualifier != null && qualifier.getName() != null) {
            Source source = qualified(qualifier, scope);
            return source == null ? Set.of() : columnOf(source, name);
        }
        for (Scope s = scope; s != null; s = s.parent) {
            List<Source> having = new ArrayList<>();
            List<Source> unknown = new ArrayList<>();
            for (Source source : s.sources) {
                if (has(source, name)) {
                    having.add(source);
                }
                else if (unknown(source)) {
                    unknown.add(source);
                }
            }
            if (having.size() == 1) {
                return columnOf(having.get(0), name);
            }
            if (having.size() > 1) {
                return Set.of(); // ambiguous
            }
            for (Source source : s.sources) {
                if (name.equals(source.alias())) { // a whole-row reference: SELECT to_jsonb(t) FROM t
                    Set<ColumnName> row = new LinkedHashSet<>();
                    for (Out c : expand(source)) {
                        row.addAll(c.sources());
                    }
                    return row;
                }
            }
            if (!unknown.isEmpty()) {
                if (unknown.size() == 1 && !VALUE_WORDS.contains(name)) {
                    return columnOf(unknown.get(0), name);
                }
                return Set.of();
            }
        }
        return Set.of();
    }

    private Set<ColumnName> unqualified(String name, List<Source> sources) {
        List<Source> having = new ArrayList<>();
        List<Source> unknown = new ArrayList<>();
        for (Source source : sources) {
            if (has(source, name)) {
                having.add(source);
            }
            else if (unknown(source)) {
                unknown.add(source);
            }
        }
        if (having.size() == 1) {
            return columnOf(having.get(0), name);
        }
        if (having.isEmpty() && !unknown.isEmpty()) {
            return columnOf(unknown.get(unknown.size() - 1), name); // USING: the nearest item on that side
        }
        return Set.of();
    }

    private static boolean has(Source source, String name) {
        return switch (source) {
            case TableSource t -> t.known().contains(name);
            case DerivedSource d -> d.relation().columns().stream().anyMatch(c -> name.equals(c.name()));
        };
    }

    private static boolean unknown(Source source) {
        return switch (source) {
            case TableSource t -> !t.system() && t.known().isEmpty();
            case DerivedSource d -> !d.relation().unknownStars().isEmpty();
        };
    }

    private static Set<ColumnName> columnOf(Source source, String name) {
        switch (source) {
            case TableSource t -> {
                if (t.system() || (!t.known().isEmpty() && !t.known().contains(name))) {
                    return Set.of();
                }
                return Set.of(new ColumnName(t.table(), name));
            }
            case DerivedSource d -> {
                for (Out c : d.relation().columns()) {
                    if (name.equals(c.name())) {
                        return c.sources();
                    }
                }
                List<TableName> stars = d.relation().unknownStars();
                if (stars.size() == 1) { // a name hidden in SELECT * over a table the catalog does not know
                    return Set.of(new ColumnName(stars.get(0), name));
                }
                return Set.of();
            }
        }
    }

    /** The real columns whose values reach the result of {@code e}; sub-queries in it are analyzed on the way. */
    private Set<ColumnName> flows(Expression e, Scope scope) {
        Set<ColumnName> out = new LinkedHashSet<>();
        if (e == null) {
            return out;
        }
        e.accept(new ExpressionVisitorAdapter<Void>() {
            @Override
            public <S> Void visit(Column column, S context) {
                out.addAll(column(column, scope));
                return null;
            }

            @Override
            public <S> Void visit(ParenthesedSelect select, S context) {
                for (Out c : query(select, scope).columns()) {
                    out.addAll(c.sources());
                }
                return null;
            }

            @Override
            public <S> Void visit(Select select, S context) {
                for (Out c : query(select, scope).columns()) {
                    out.addAll(c.sources());
                }
                return null;
            }

            @Override
            public <S> Void visit(AnyComparisonExpression any, S context) {
                for (Out c : query(any.getSelect(), scope).columns()) {
                    out.addAll(c.sources());
                }
                return null;
            }

            @Override
            public <S> Void visit(DateUnitExpression unit, S context) {
                out.addAll(column(asColumn(unit), scope)); // JSqlParser reads a column named day, year, … as a unit
                return null;
            }

            @Override
            public <S> Void visit(AllColumns all, S context) {
                return null; // count(*)
            }

            @Override
            public <S> Void visit(AnalyticExpression window, S context) {
                // the function's own arguments (and its FILTER, as for any aggregate) flow; PARTITION BY and ORDER BY
                // inside OVER only group and order rows, like GROUP BY and ORDER BY: analyzed, no column edge
                for (Expression argument : new Expression[] {window.getExpression(), window.getOffset(),
                        window.getDefaultValue(), window.getFilterExpression()}) {
                    if (argument != null) {
                        argument.accept(this, context);
                    }
                }
                windowKeys(window, scope);
                return null;
            }

            @Override
            public <S> Void visit(AllTableColumns all, S context) {
                Source source = qualified(all.getTable(), scope);
                if (source != null) {
                    for (Out c : expand(source)) {
                        out.addAll(c.sources());
                    }
                }
                return null;
            }
        }, null);
        return out;
    }

    /** The PARTITION BY and ORDER BY of a window function (inline or named): sub-queries analyzed, nothing flows. */
    private void windowKeys(AnalyticExpression window, Scope scope) {
        List<Expression> keys = new ArrayList<>();
        if (window.getPartitionExpressionList() != null) {
            keys.addAll(window.getPartitionExpressionList());
        }
        if (window.getOrderByElements() != null) {
            window.getOrderByElements().forEach(o -> keys.add(o.getExpression()));
        }
        keys.forEach(key -> flows(key, scope));
    }

    /** A WHERE or ON condition: its sub-queries analyzed, its column = column comparisons recorded as joins. */
    private void condition(Expression e, Scope scope) {
        if (e == null) {
            return;
        }
        flows(e, scope);
        e.accept(new ExpressionVisitorAdapter<Void>() {
            @Override
            public <S> Void visit(EqualsTo equals, S context) {
                Expression left = unwrap(equals.getLeftExpression());
                Expression right = unwrap(equals.getRightExpression());
                if (left instanceof Column l && right instanceof Column r) {
                    joinPair(column(l, scope), column(r, scope));
                }
                return null;
            }

            @Override
            public <S> Void visit(ParenthesedSelect select, S context) {
                return null; // analyzed by flows
            }

            @Override
            public <S> Void visit(Select select, S context) {
                return null;
            }

            @Override
            public <S> Void visit(AnyComparisonExpression any, S context) {
                return null;
            }
        }, null);
    }

    private static Column asColumn(DateUnitExpression unit) {
        return new Column(unit.toString().toLowerCase(Locale.ROOT));
    }

    private static Expression unwrap(Expression e) {
        Expression inner = e;
        while (true) {
            if (inner instanceof DateUnitExpression unit) {
                inner = asColumn(unit);
            }
            else if (inner instanceof CastExpression cast) {
                inner = cast.getLeftExpression();
            }
            else if (inner instanceof ParenthesedExpressionList<?> list && list.size() == 1) {
                inner = list.get(0);
            }
            else {
                return inner;
            }
        }
    }

    private void joinPair(Set<ColumnName> left, Set<ColumnName> right) {
        if (left.size() == 1 && right.size() == 1) {
            ColumnName l = left.iterator().next();
            ColumnName r = right.iterator().next();
            if (!l.table().equals(r.table())) {
                joins.add(new JoinPair(l, r));
            }
        }
    }

    private LineageException notUnderstood(String what) {
        return new LineageException(sql, "lineage does not understand " + what,
                "this statement's lineage is left out; report the statement if it matters");
    }
}
