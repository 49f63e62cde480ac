package dev.pgbridge.metadata.usage;

import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.BinaryExpression;
import net.sf.jsqlparser.expression.BooleanValue;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.ComparisonOperator;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.RegExpMatchOperator;
import net.sf.jsqlparser.expression.operators.relational.SimilarToExpression;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.Select;

import java.util.Locale;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The guard on {@code filterCondition}, SQL text that goes into the query log's read: parsed by JSqlParser as one
 * expression and allowed only when it is built of the columns {@link StatStatements#FILTER_COLUMNS}, literals,
 * comparisons, {@code LIKE}/{@code ILIKE}/{@code ~}/{@code SIMILAR TO}, {@code AND}/{@code OR}/{@code NOT},
 * {@code IN} lists, {@code IS [NOT] NULL} and plain {@code lower}/{@code upper}/{@code length}. Anything else — other
 * functions ({@code pg_sleep}, {@code set_config}), sub-queries, other columns, a second statement — is refused.
 */
public final class FilterCondition {
    private static final Set<String> FUNCTIONS = Set.of("lower", "upper", "length");
    /** What the problem's hint lists. */
    public static final String ALLOWED = "the columns " + String.join(", ", StatStatements.FILTER_COLUMNS)
            + ", literals, comparisons, LIKE/ILIKE/~/SIMILAR TO, AND/OR/NOT, IN (list), IS [NOT] NULL and "
            + "lower/upper/length";

    private FilterCondition() {
    }

    /** Why {@code condition} is refused, in one line; null when it is allowed. */
    public static String problem(String condition) {
        requireNonNull(condition, "condition is null");
        Expression expression;
        try {
            expression = CCJSqlParserUtil.parseCondExpression(condition, false);
        }
        catch (JSQLParserException | RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String message = cause.getMessage() == null ? "" : cause.getMessage().strip().lines().findFirst()
                    .orElse("").replaceFirst("^(net\\.sf\\.jsqlparser\\.[A-Za-z.]+Exception: )+", "")
                    .replaceFirst(",? in lexical state [A-Z_]+\\.?$", "");
            return "is not one SQL condition" + (message.isBlank() ? "" : " (" + message + ")");
        }
        if (expression == null) {
            return "is not one SQL condition";
        }
        String refused = refused(expression);
        return refused == null ? null : "uses " + refused + ", which is not allowed";
    }

    /** What in {@code e} is not allowed; null when all of it is. */
    private static String refused(Expression e) {
        if (e instanceof StringValue || e instanceof LongValue || e instanceof DoubleValue || e instanceof NullValue
                || e instanceof BooleanValue) {
            return null;
        }
        if (e instanceof Column column) {
            String name = column.getColumnName().toLowerCase(Locale.ROOT);
            if (column.getTable() == null && (StatStatements.FILTER_COLUMNS.contains(name) || name.equals("true")
                    || name.equals("false"))) {
                return null;
            }
            return "the column " + column.getFullyQualifiedName();
        }
        if (e instanceof SignedExpression signed) {
            return refused(signed.getExpression());
        }
        if (e instanceof NotExpression not) {
            return refused(not.getExpression());
        }
        if (e instanceof AndExpression || e instanceof OrExpression || e instanceof ComparisonOperator
                || e instanceof LikeExpression || e instanceof RegExpMatchOperator) {
            BinaryExpression binary = (BinaryExpression) e;
            String left = refused(binary.getLeftExpression());
            String right = left != null ? left : refused(binary.getRightExpression());
            if (right == null && e instanceof LikeExpression like && like.getEscape() != null) {
                return refused(like.getEscape());
            }
            return right;
        }
        if (e instanceof SimilarToExpression similar) {
            String left = refused(similar.getLeftExpression());
            return left != null ? left : refused(similar.getRightExpression());
        }
        if (e instanceof IsNullExpression isNull) {
            return refused(isNull.getLeftExpression());
        }
        if (e instanceof InExpression in) {
            if (!(in.getRightExpression() instanceof ExpressionList<?> list) || in.getRightExpression() instanceof Select) {
                return "a sub-query";
            }
            String left = refused(in.getLeftExpression());
            return left != null ? left : list(list);
        }
        if (e instanceof ExpressionList<?> list) { // parentheses around one expression
            return list(list);
        }
        if (e instanceof Select) {
            return "a sub-query";
        }
        if (e instanceof Function f) {
            String name = f.getName() == null ? "" : f.getName().toLowerCase(Locale.ROOT);
            if (!FUNCTIONS.contains(name) || f.getMultipartName().size() != 1 || f.isDistinct() || f.isAllColumns()
                    || f.getParameters() == null || f.getParameters().size() != 1 || f.getNamedParameters() != null
                    || f.getOrderByElements() != null || f.getKeep() != null || f.getAttribute() != null) {
                return "the function " + f.getName();
            }
            return list(f.getParameters());
        }
        return "'" + e + "'";
    }

    private static String list(ExpressionList<?> list) {
        for (Expression item : list) {
            String refused = refused(item);
            if (refused != null) {
                return refused;
            }
        }
        return null;
    }
}
