#!/usr/bin/env bash
# Metadata ingestion benchmark (issue 10): `pgbridge metadata run` of a DatabaseMetadata workflow over TABLES tables of
# COLUMNS columns, against the per-table way catalog connectors read (SQLAlchemy's inspector, which OpenMetadata's
# PostgreSQL connector uses), on the same server in the same run. Prints seconds, tables/s, peak RSS and the ratio.
#
#   bench/metadata.sh URL              URL: a libpq URL of a server where the role may create a schema
#   BENCH_URL=URL bench/metadata.sh    (the same, keeping a password out of the process list)
#   bench/metadata.sh                  with `bin/pgbridge demo` running: its saved connection `demo`
#   TABLES=1000 bench/metadata.sh URL  a quick check
#
# Data: schema pgbridge_metabench with TABLES tables (default 10,000) of COLUMNS columns (default 20; a bigint
# primary key, then integer, text, varchar(64), numeric(12,2), timestamptz, jsonb, boolean, date, uuid, integer[],
# bigint, double precision, char(3), bytea, interval, inet, smallint, text[], time in a rotating order), a comment on
# every 5th table and one of its columns, a two-column unique key on every 10th, a foreign key (its id) to the table
# before on every 25th, and a view over every 20th table (TABLES/20 views). Built by one DO block committing every 200
# tables (10,000 tables in one transaction would need more locks than a default server has).
#
# 1. baseline: what SQLAlchemy's inspector sends for each table and view, over one psql session: the table's oid, its
#    columns, primary key, foreign keys, unique constraints and comment (six queries a relation), output to /dev/null.
# 2. pgbridge: `pgbridge metadata run` of a DatabaseMetadata workflow for that schema into SINK (default below:
#    `file`, one JSON line per request; `pgbridge` is the local catalog in a fresh PGBRIDGE_HOME). Wall clock for the
#    whole command, JVM start included (`pgbridge --version` is timed for reference). The transcript (file sink) must
#    hold a CreateTable per relation. Then the same run again: into the catalog it just wrote, where nothing changed.
#
# Environment: TABLES, COLUMNS (at most 20), SINK (file or pgbridge), KEEP=1 (keep the schema for the next run: the
# data is then built only when missing), PGBRIDGE_JAVA_OPTS (default -Xmx512m), PGBRIDGE (the launcher, default
# bin/pgbridge), BENCH_DIR (where the work directory goes, default TMPDIR or /tmp). The schema and the work directory
# are removed on exit unless KEEP=1. Needs psql and GNU time (apt-get install postgresql-client time).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
repo="$(dirname "$here")"
pgbridge="${PGBRIDGE:-$repo/bin/pgbridge}"
SINK="${SINK:-pgbridge}" # pgbridge: the local catalog (the issue's target); file: the request transcript
url="${1:-${BENCH_URL:-}}"
if [ -z "$url" ]; then
  url="$("$pgbridge" conn uri demo --reveal 2>/dev/null || true)"
fi
if [ -z "$url" ]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
fi
export BENCH_URL="$url"
TABLES="${TABLES:-10000}"
COLUMNS="${COLUMNS:-20}"
export PGBRIDGE_JAVA_OPTS="${PGBRIDGE_JAVA_OPTS--Xmx512m}"
S=pgbridge_metabench
case "$SINK" in file|pgbridge) ;; *) echo "SINK must be file or pgbridge, not $SINK" >&2; exit 2 ;; esac
[ "$COLUMNS" -ge 2 ] && [ "$COLUMNS" -le 20 ] || { echo "COLUMNS must be 2 to 20" >&2; exit 2; }
command -v psql >/dev/null || { echo "psql is needed (apt-get install postgresql-client)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time is needed (apt-get install time)" >&2; exit 1; }

if [ -n "${BENCH_DIR:-}" ]; then mkdir -p "$BENCH_DIR"; fi
dir="$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/pgbridge-metabench.XXXXXX")"
"$pgbridge" --version >/dev/null # builds the CLI jar now if needed, outside the timings (and before PGBRIDGE_HOME moves)
export PGBRIDGE_HOME="$dir/home"
# the workflow names its source as `connection: metabench`, resolved from this variable: no password in a file
export AIRFLOW_CONN_METABENCH="$BENCH_URL"

sql() { psql "$BENCH_URL" -X -q -v ON_ERROR_STOP=1 "$@"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
# drop_schema: 200 tables a transaction (one DROP SCHEMA … CASCADE of 10,000 tables runs out of lock table space)
drop_schema() {
  sql <<SQL
SET client_min_messages = warning;
DO \$\$
DECLARE r record; n int := 0;
BEGIN
  FOR r IN SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace
           WHERE s.nspname = '$S' AND c.relkind = 'r' ORDER BY c.relname DESC LOOP
    EXECUTE format('DROP TABLE IF EXISTS $S.%I CASCADE', r.relname);
    n := n + 1;
    IF n % 200 = 0 THEN COMMIT; END IF;
  END LOOP;
END
\$\$;
DROP SCHEMA IF EXISTS $S CASCADE;
SQL
}
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  [ "${KEEP:-0}" = 1 ] || drop_schema >/dev/null 2>&1 || true
  rm -rf "${dir:?}"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- data ---
views=$(( TABLES / 20 ))
have="$(sql -At -c "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = '$S' AND c.relkind IN ('r', 'v')")"
if [ "${KEEP:-0}" = 1 ] && [ "$have" = $(( TABLES + views )) ]; then
  echo "# data: schema $S kept from an earlier run ($TABLES tables, $views views)" >&2
  build_secs="-"
else
  echo "# building data: schema $S, $TABLES tables x $COLUMNS columns, $views views (work dir $dir)" >&2
  drop_schema
  b0="$(now)"
  sql <<SQL
SET client_min_messages = warning;
CREATE SCHEMA $S;
DO \$\$
DECLARE
  types text[] := ARRAY['integer', 'text', 'varchar(64)', 'numeric(12,2)', 'timestamptz', 'jsonb', 'boolean', 'date',
                        'uuid', 'integer[]', 'bigint', 'double precision', 'char(3)', 'bytea', 'interval', 'inet',
                        'smallint', 'text[]', 'time'];
  cols text;
  t text;
BEGIN
  FOR i IN 1..$TABLES LOOP
    t := format('t%s', lpad(i::text, 5, '0'));
    cols := 'id bigint PRIMARY KEY';
    FOR k IN 1..$COLUMNS - 1 LOOP
      cols := cols || format(', c%s %s', lpad(k::text, 2, '0'), types[(k + i) % 19 + 1]);
    END LOOP;
    IF i % 10 = 0 THEN cols := cols || ', UNIQUE (c01, c02)'; END IF;
    IF i % 25 = 0 THEN
      cols := cols || format(', FOREIGN KEY (id) REFERENCES $S.%I (id)', format('t%s', lpad((i - 1)::text, 5, '0')));
    END IF;
    EXECUTE format('CREATE TABLE $S.%I (%s)', t, cols);
    IF i % 5 = 0 THEN
      EXECUTE format('COMMENT ON TABLE $S.%I IS %L', t, 'Table number ' || i);
      EXECUTE format('COMMENT ON COLUMN $S.%I.c01 IS %L', t, 'First column of table ' || i);
    END IF;
    IF i % 20 = 0 THEN
      EXECUTE format('CREATE VIEW $S.%I AS SELECT id, c01, c02 FROM $S.%I WHERE id > 0', 'v_' || t, t);
    END IF;
    IF i % 200 = 0 THEN COMMIT; END IF;
  END LOOP;
END
\$\$;
SQL
  build_secs="$(elapsed "$b0" "$(now)")"
fi
relations=$(( TABLES + views ))

# --- 1. baseline: SQLAlchemy's inspector, six queries per relation over one session ---
# (SQLAlchemy 1.4's PGDialect: get_table_oid, get_columns, get_pk_constraint, get_foreign_keys,
# get_unique_constraints, get_table_comment; the queries are written here after what those send)
sql -At -c "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = '$S' AND c.relkind IN ('r', 'v') ORDER BY 1" > "$dir/relations.txt"
awk -v s="$S" '{
  r = "'\''" s "." $1 "'\''::regclass"
  print "SELECT c.oid FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace" \
        " WHERE (pg_catalog.pg_table_is_visible(c.oid) OR n.nspname = '\''" s "'\'') AND c.relname = '\''" $1 "'\''" \
        " AND c.relkind IN ('\''r'\'', '\''p'\'', '\''v'\'', '\''m'\'', '\''f'\'');"
  print "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)," \
        " (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid) FROM pg_catalog.pg_attrdef d" \
        "  WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef) AS default," \
        " a.attnotnull, a.attrelid, pgd.description, a.attgenerated, a.attidentity" \
        " FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_description pgd" \
        " ON pgd.objoid = a.attrelid AND pgd.objsubid = a.attnum" \
        " WHERE a.attrelid = " r " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum;"
  print "SELECT a.attname, con.conname FROM pg_catalog.pg_class t JOIN pg_catalog.pg_index ix ON t.oid = ix.indrelid" \
        " JOIN pg_catalog.pg_attribute a ON t.oid = a.attrelid AND a.attnum = ANY (ix.indkey)" \
        " LEFT JOIN pg_catalog.pg_constraint con ON con.conindid = ix.indexrelid AND con.contype = '\''p'\''" \
        " WHERE t.oid = " r " AND ix.indisprimary ORDER BY a.attnum;"
  print "SELECT r.conname, pg_catalog.pg_get_constraintdef(r.oid, true), n.nspname" \
        " FROM pg_catalog.pg_constraint r JOIN pg_catalog.pg_class c ON c.oid = r.confrelid" \
        " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace" \
        " WHERE r.conrelid = " r " AND r.contype = '\''f'\'' ORDER BY 1;"
  print "SELECT cons.conname, cons.conkey, a.attnum, a.attname FROM pg_catalog.pg_constraint cons" \
        " JOIN pg_catalog.pg_attribute a ON cons.conrelid = a.attrelid AND a.attnum = ANY (cons.conkey)" \
        " WHERE cons.conrelid = " r " AND cons.contype = '\''u'\'';"
  print "SELECT pgd.description FROM pg_catalog.pg_description pgd WHERE pgd.objsubid = 0 AND pgd.objoid = " r ";"
}' "$dir/relations.txt" > "$dir/inspector.sql"
queries="$(wc -l < "$dir/inspector.sql")"
echo "# baseline: $queries queries for $relations relations over one psql session" >&2
/usr/bin/time -f "%e %M" -o "$dir/base.time" psql "$BENCH_URL" -X -q -At -v ON_ERROR_STOP=1 -f "$dir/inspector.sql" \
  > /dev/null 2> "$dir/base.err" || { cat "$dir/base.err" >&2; exit 1; }
read -r base_secs base_rss < "$dir/base.time"

# --- 2. pgbridge metadata run ---
case "$SINK" in
  file) sink_yaml="sink: {type: file, config: {filename: $dir/requests.jsonl}}" ;;
  pgbridge) sink_yaml="sink: {type: pgbridge, config: {}}" ;;
esac
cat > "$dir/workflow.yaml" <<YAML
source:
  type: postgres
  serviceName: metabench
  serviceConnection: {config: {type: Postgres, connection: metabench}}
  sourceConfig:
    config: {type: DatabaseMetadata, includeOwners: true, schemaFilterPattern: {includes: ['^$S\$']}}
$sink_yaml
workflowConfig:
  openMetadataServerConfig: {hostPort: 'http://localhost:8585/api', authProvider: openmetadata}
YAML
jvm_start="$( { /usr/bin/time -f "%e" "$pgbridge" --version >/dev/null; } 2>&1 | tail -1)"
echo "# pgbridge metadata run, sink $SINK" >&2
/usr/bin/time -f "%e %M" -o "$dir/pgbridge.time" "$pgbridge" metadata run --config "$dir/workflow.yaml" \
  > "$dir/pgbridge.out" 2>&1 || { cat "$dir/pgbridge.out" >&2; exit 1; }
read -r pgb_secs pgb_rss < "$dir/pgbridge.time"
# the same again: into the catalog it just wrote (nothing changed), or the file rewritten
/usr/bin/time -f "%e %M" -o "$dir/again.time" "$pgbridge" metadata run --config "$dir/workflow.yaml" \
  > "$dir/again.out" 2>&1 || { cat "$dir/again.out" >&2; exit 1; }
read -r again_secs again_rss < "$dir/again.time"
if [ "$SINK" = file ]; then
  created="$(grep -c '"path":"/v1/tables"' "$dir/requests.jsonl" || true)"
  [ "$created" = "$relations" ] || { echo "the transcript holds $created CreateTable requests, not $relations" >&2; exit 1; }
  out_bytes="$(wc -c < "$dir/requests.jsonl")"
  written="$(wc -l < "$dir/requests.jsonl") requests, $((out_bytes / 1000000)) MB of JSON lines"
else
  written="into the local catalog (a fresh PGBRIDGE_HOME)"
fi

# --- report ---
line() { # LABEL SECONDS RSS_KB RATIO
  awk -v l="$1" -v s="$2" -v m="$3" -v ratio="$4" -v n="$relations" 'BEGIN {
    if (s <= 0) s = 0.01
    printf "%-54s %8.2f %10.0f %7.0f %7s\n", l, s, n / s, m / 1024, ratio }'
}
echo
echo "pgbridge metadata ingestion benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "server: PostgreSQL $(sql -At -c 'SHOW server_version'); $(psql --version); PGBRIDGE_JAVA_OPTS=$PGBRIDGE_JAVA_OPTS"
echo "data: $TABLES tables x $COLUMNS columns + $views views in schema $S (built in ${build_secs} s)"
echo "pgbridge times are wall clock for the whole command, JVM start included (pgbridge --version: $jvm_start s)"
echo
printf "%-54s %8s %10s %7s %7s\n" "run" "seconds" "tables/s" "RSS MB" "ratio"
line "per-table inspector queries, psql (baseline)" "$base_secs" "$base_rss" ""
ratio() { awk -v b="$base_secs" -v s="$1" 'BEGIN { printf "%.2f", (s > 0 ? b / s : 0) }'; }
line "pgbridge metadata run -> $SINK" "$pgb_secs" "$pgb_rss" "$(ratio "$pgb_secs")"
line "pgbridge metadata run -> $SINK, again (no change)" "$again_secs" "$again_rss" "$(ratio "$again_secs")"
echo
echo "ratio = baseline seconds / pgbridge seconds (above 1: faster than the per-table reads); target (issue 10):"
echo "10,000 tables x 20 columns in under 20 s into the local catalog. pgbridge wrote $written."
echo "baseline: $queries queries; OpenMetadata's connector sends these and more per table (owner, partition details,"
echo "view definition), from Python."
