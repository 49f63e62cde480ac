#!/usr/bin/env bash
# Profiler benchmark (issue 12): `pgbridge metadata run` of a Profiler workflow over one table of N rows and 12
# columns, against the same metrics computed one query per metric (the way OpenMetadata's profiler sends them: a query
# per metric and column, each percentile its own query, uniqueCount its own GROUP BY), on the same server in the same
# run. Prints both times and the ratio.
#
#   bench/profiler.sh URL              URL: a libpq URL of a server where the role may create a schema
#   BENCH_URL=URL bench/profiler.sh    (the same, keeping a password out of the process list)
#   bench/profiler.sh                  with `bin/pgbridge demo` running: its saved connection `demo`
#   N=500000 bench/profiler.sh URL     a quick check
#
# Data: pgbridge_profbench.items, N rows (default 5,000,000), 12 columns: id bigint primary key, qty integer,
# price numeric(12,2), score double precision, small smallint, category text (12 values), email varchar(64) (all
# distinct), code char(3) (~17,000 values), created timestamptz, day date, flag boolean, note text (half NULL). Built
# with one INSERT … SELECT from generate_series, then VACUUM ANALYZE (both outside the timings). KEEP=1 keeps it.
#
# pgbridge runs first (a failure shows before the long baseline); then:
# 1. one query per metric: for every column valuesCount, nullCount, distinctCount, uniqueCount (GROUP BY … HAVING
#    count = 1), min, max; for numbers mean, sum, stddev, median, firstQuartile, thirdQuartile (each percentile its own
#    query) and a histogram (one CASE query per column over 10 bins from min and max); for text minLength, maxLength,
#    mean and stddev of lengths, median, quartiles and the histogram of lengths, and a cardinality query; the table's
#    count(*); 50 sample rows. Over one psql session, output to /dev/null.
# 2. pgbridge: `pgbridge metadata run` of a Profiler workflow of that table (the whole table, no sample; the `file`
#    sink), wall clock with the JVM start. The same metrics (its transcript must hold 12 column profiles).
#
# Environment: N, KEEP=1, PGBRIDGE_JAVA_OPTS (default -Xmx512m), PGBRIDGE (the launcher, default bin/pgbridge),
# BENCH_DIR (the work directory's parent, default TMPDIR or /tmp). Needs psql and GNU time.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
repo="$(dirname "$here")"
pgbridge="${PGBRIDGE:-$repo/bin/pgbridge}"
url="${1:-${BENCH_URL:-}}"
if [ -z "$url" ]; then
  url="$("$pgbridge" conn uri demo --reveal 2>/dev/null || true)"
fi
if [ -z "$url" ]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
fi
export BENCH_URL="$url"
N="${N:-5000000}"
export PGBRIDGE_JAVA_OPTS="${PGBRIDGE_JAVA_OPTS--Xmx512m}"
S=pgbridge_profbench
command -v psql >/dev/null || { echo "psql is needed (apt-get install postgresql-client)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time is needed (apt-get install time)" >&2; exit 1; }

if [ -n "${BENCH_DIR:-}" ]; then mkdir -p "$BENCH_DIR"; fi
dir="$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/pgbridge-profbench.XXXXXX")"
"$pgbridge" --version >/dev/null # builds the CLI jar now if needed, outside the timings
export PGBRIDGE_HOME="$dir/home"
export AIRFLOW_CONN_PROFBENCH="$BENCH_URL"

sql() { psql "$BENCH_URL" -X -q -v ON_ERROR_STOP=1 "$@"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  [ "${KEEP:-0}" = 1 ] || sql -c "DROP SCHEMA IF EXISTS $S CASCADE" >/dev/null 2>&1 || true
  rm -rf "${dir:?}"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- data ---
have="$(sql -At -c "SELECT coalesce((SELECT c.reltuples::bigint FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n
                    ON n.oid = c.relnamespace WHERE n.nspname = '$S' AND c.relname = 'items'), 0)")"
if [ "${KEEP:-0}" = 1 ] && [ "$have" -ge $(( N * 99 / 100 )) ] && [ "$have" -le $(( N * 101 / 100 )) ]; then # reltuples: ANALYZE's estimate
  echo "# data: $S.items kept from an earlier run ($N rows)" >&2
  build_secs="-"
else
  echo "# building data: $S.items, $N rows x 12 columns (work dir $dir)" >&2
  b0="$(now)"
  sql <<SQL
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS $S CASCADE;
CREATE SCHEMA $S;
CREATE TABLE $S.items (id bigint PRIMARY KEY, qty integer, price numeric(12,2), score double precision,
  small smallint, category text, email varchar(64), code char(3), created timestamptz, day date, flag boolean,
  note text);
INSERT INTO $S.items
SELECT g, ((g::bigint * 7919) % 1000)::int, ((g::bigint * 104729) % 100000) / 100.0, sqrt(g % 99991) * 3.7, (g % 30000)::smallint,
       (ARRAY['red','green','blue','black','white','grey','pink','gold','teal','navy','plum','sand'])[g % 12 + 1],
       'user' || g || '@example.com', chr(65 + g % 26) || chr(65 + (g / 26) % 26) || chr(65 + (g / 676) % 26),
       timestamptz '2024-01-01 00:00:00+00' + (g % 8640000) * interval '1 second', date '2020-01-01' + g % 2000,
       g % 3 = 0, CASE WHEN g % 2 = 0 THEN NULL ELSE 'note ' || (g % 5000) END
FROM generate_series(1, $N) g;
VACUUM ANALYZE $S.items;
SQL
  build_secs="$(elapsed "$b0" "$(now)")"
fi
size="$(sql -At -c "SELECT pg_size_pretty(pg_total_relation_size('$S.items'))")"

# --- 1. one query per metric ---
T="$S.items"
{
  echo "SELECT count(*) FROM $T;"
  for c in id qty price score small category email code created day flag note; do
    echo "SELECT count($c) FROM $T;"
    echo "SELECT coalesce(sum(CASE WHEN $c IS NULL THEN 1 ELSE 0 END), 0) FROM $T;"
    echo "SELECT count(DISTINCT $c) FROM $T;"
    echo "SELECT count(*) FROM (SELECT count($c) FROM $T GROUP BY $c HAVING count($c) = 1) only_once;"
    case "$c" in
      id|qty|price|score|small)
        echo "SELECT min($c) FROM $T;"
        echo "SELECT max($c) FROM $T;"
        echo "SELECT avg($c) FROM $T;"
        echo "SELECT sum($c) FROM $T;"
        echo "SELECT stddev_pop($c) FROM $T;"
        for p in 0.5 0.25 0.75; do
          echo "SELECT percentile_cont($p) WITHIN GROUP (ORDER BY $c ASC) FROM $T;"
        done
        x="$c" ;;
      category|email|code|note)
        x="length(CAST($c AS text))"
        echo "SELECT min($x) FROM $T;"
        echo "SELECT max($x) FROM $T;"
        echo "SELECT min($x) FROM $T;"
        echo "SELECT max($x) FROM $T;"
        echo "SELECT avg($x) FROM $T;"
        echo "SELECT stddev_pop($x) FROM $T;"
        for p in 0.5 0.25 0.75; do
          echo "SELECT percentile_cont($p) WITHIN GROUP (ORDER BY $x ASC) FROM $T;"
        done
        echo "WITH value_counts AS (SELECT $c AS category, count(*) AS n FROM $T WHERE $c IS NOT NULL GROUP BY $c)" \
             "SELECT category, n FROM value_counts ORDER BY n DESC LIMIT 5;" ;;
      flag) x="" ;;
      *)
        echo "SELECT min($c) FROM $T;"
        echo "SELECT max($c) FROM $T;"
        x="" ;;
    esac
    if [ -n "$x" ]; then
      # the histogram: one query of CASE counts over bins from min and max (OpenMetadata's shape, 10 bins here)
      bins="$(sql -At -c "SELECT min($x)::float8, ((max($x) - min($x)) / 10.0)::float8 FROM $T")"
      lo="${bins%%|*}"; w="${bins##*|}"
      [ "$w" = "0" ] && w=1
      q="SELECT"
      for i in 0 1 2 3 4 5 6 7 8; do
        q="$q count(CASE WHEN $x >= $lo + $i * $w AND $x < $lo + ($i + 1) * $w THEN 1 END),"
      done
      echo "$q count(CASE WHEN $x >= $lo + 9 * $w THEN 1 END) FROM $T;"
    fi
  done
  echo "SELECT * FROM $T LIMIT 50;"
} > "$dir/per-metric.sql"
# --- 2. pgbridge ---
cat > "$dir/workflow.yaml" <<YAML
source:
  type: postgres
  serviceName: profbench
  serviceConnection: {config: {type: Postgres, connection: profbench}}
  sourceConfig:
    config:
      type: Profiler
      schemaFilterPattern: {includes: ['^$S\$']}
      tableFilterPattern: {includes: ['^items\$']}
processor: {type: orm-profiler, config: {}}
sink: {type: file, config: {filename: $dir/requests.jsonl}}
YAML
echo "# pgbridge metadata run (Profiler)" >&2
/usr/bin/time -f "%e %M" -o "$dir/pgbridge.time" "$pgbridge" metadata run --config "$dir/workflow.yaml" \
  > "$dir/pgbridge.out" 2>&1 || { cat "$dir/pgbridge.out" >&2; exit 1; }
read -r pgb_secs pgb_rss < "$dir/pgbridge.time"
profiled="$(grep -o '"columnProfile":\[.*' "$dir/requests.jsonl" | grep -o '"name":"[a-z]*"' | wc -l)"
[ "$profiled" = 12 ] || { echo "pgbridge's transcript holds $profiled column profiles, not 12" >&2; cat "$dir/pgbridge.out" >&2; exit 1; }

# --- 1. one query per metric, timed (after pgbridge: a failure there shows before the long baseline) ---
queries="$(grep -c ';$' "$dir/per-metric.sql")"
echo "# one query per metric: $queries queries over one psql session ($T: $N rows, $size)" >&2
/usr/bin/time -f "%e" -o "$dir/base.time" psql "$BENCH_URL" -X -q -At -v ON_ERROR_STOP=1 -f "$dir/per-metric.sql" \
  > /dev/null 2> "$dir/base.err" || { cat "$dir/base.err" >&2; exit 1; }
base_secs="$(tail -1 "$dir/base.time")"

ratio="$(awk -v a="$base_secs" -v b="$pgb_secs" 'BEGIN { printf "%.1f", a / b }')"
echo "## profiler: $N rows x 12 columns ($size), data built in ${build_secs} s"
printf '%-44s %10s\n' "way" "seconds"
printf '%-44s %10s\n' "one query per metric ($queries queries, psql)" "$base_secs"
printf '%-44s %10s\n' "pgbridge metadata run (Profiler, JVM incl.)" "$pgb_secs"
echo "ratio (one query per metric / pgbridge): ${ratio}x; pgbridge peak RSS $((pgb_rss / 1024)) MB"
