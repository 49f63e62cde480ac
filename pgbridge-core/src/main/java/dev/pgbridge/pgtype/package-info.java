/**
 * The one PostgreSQL value model: the type of a column by oid ({@link dev.pgbridge.pgtype.PgType},
 * {@link dev.pgbridge.pgtype.TypeResolver} over an injectable {@link dev.pgbridge.pgtype.TypeCatalog}), PostgreSQL
 * text ⇄ JSON ({@link dev.pgbridge.pgtype.PgJson}, to a Jackson generator or to raw bytes,
 * {@link dev.pgbridge.pgtype.JsonBytes}), array literals ({@link dev.pgbridge.pgtype.ArrayLiteral}), the SQL type
 * of a result column ({@link dev.pgbridge.pgtype.ResultTypes}) and the binary COPY form of the types that have one.
 * Query, export, load, transfer, capture events and the PostgreSQL sink all call it; {@code docs/types.md} is its
 * table.
 */
package dev.pgbridge.pgtype;
