#!/usr/bin/env bash
# Load benchmark: psql \copy FROM a CSV file (the baseline) against pgbridge load of the same rows from CSV and from
# JSON lines, on the same server in the same run. Prints seconds, rows/s, MB/s, peak RSS and pgbridge/baseline.
#
#   bench/load.sh URL            URL: a libpq URL of a server to use, e.g. postgresql://postgres@127.0.0.1:5432/postgres
#   BENCH_URL=URL bench/load.sh  (the same, keeping a password out of the process list)
#
# Environment: N rows of the pgbench_accounts shape (default 5,000,000), WIDE_N rows of the wide table (timestamptz,
# jsonb, numeric, text; default 1,000,000), BENCH_DIR for the data files (default: a temporary directory, removed at
# the end), PGBRIDGE_JAVA_OPTS for the JVM (default none: the launcher's heap, as a user runs it).
# With `bin/pgbridge demo` running: BENCH_URL="$(bin/pgbridge conn uri demo --reveal)" bench/load.sh
# The tables bench_* are created and dropped in the URL's database. Needs psql and GNU time (apt-get install time).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
repo="$(dirname "$here")"
url="${1:-${BENCH_URL:-}}"
if [ -z "$url" ]; then
  sed -n '2,14p' "$0" >&2
  exit 2
fi
export BENCH_URL="$url"
N="${N:-5000000}"
WIDE_N="${WIDE_N:-1000000}"
export PGBRIDGE_JAVA_OPTS="${PGBRIDGE_JAVA_OPTS:-}"
pgbridge="$repo/bin/pgbridge"
command -v psql >/dev/null || { echo "psql is needed (apt-get install postgresql-client)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time is needed (apt-get install time)" >&2; exit 1; }

if [ -n "${BENCH_DIR:-}" ]; then
  dir="$BENCH_DIR"; mkdir -p "$dir"
else
  dir="$(mktemp -d)"; trap 'rm -rf "$dir"' EXIT
fi

sql() { psql "$BENCH_URL" -X -q -v ON_ERROR_STOP=1 "$@"; }

echo "# building data: $N rows (pgbench_accounts shape), $WIDE_N rows (wide) in $dir"
sql <<SQL
DROP TABLE IF EXISTS bench_accounts_src, bench_accounts_load, bench_wide_src, bench_wide_load;
CREATE TABLE bench_accounts_src AS
  SELECT i AS aid, (i - 1) / 100000 + 1 AS bid, 0 AS abalance, ''::char(84) AS filler
  FROM generate_series(1, $N) AS i;
CREATE TABLE bench_wide_src AS
  SELECT i AS id,
         timestamptz '2024-01-01 00:00:00+00' + i * interval '1.5 seconds' AS created_at,
         jsonb_build_object('id', i, 'tags', jsonb_build_array('a', 'b', i % 7), 'score', (i % 1000) / 10.0,
                            'nested', jsonb_build_object('ok', i % 2 = 0, 'note', NULL)) AS payload,
         (i * 1.25)::numeric(14,2) AS amount,
         md5(i::text) || ' "quoted", é日本 ' || repeat('x', i % 40) AS note
  FROM generate_series(1, $WIDE_N) AS i;
CREATE TABLE bench_accounts_load (LIKE bench_accounts_src);
CREATE TABLE bench_wide_load (LIKE bench_wide_src);
SQL
sql -c "\\copy bench_accounts_src TO '$dir/accounts.csv' (FORMAT csv, HEADER)"
sql -c "\\copy bench_wide_src TO '$dir/wide.csv' (FORMAT csv, HEADER)"
# JSON lines in the JSON output mapping (row_to_json writes numbers exact, timestamptz ISO-8601, jsonb nested)
sql -At --set=FETCH_COUNT=20000 -c "SELECT row_to_json(t) FROM bench_accounts_src t" > "$dir/accounts.jsonl"
sql -At --set=FETCH_COUNT=20000 -c "SELECT row_to_json(t) FROM bench_wide_src t" > "$dir/wide.jsonl"
"$pgbridge" --version >/dev/null # builds the CLI jar now if needed, outside the timings

# run LABEL ROWS BYTES CMD…: empties the target, times CMD, prints one line; sets $secs
run() {
  local label="$1" rows="$2" bytes="$3"; shift 3
  sql -c "TRUNCATE $target"
  /usr/bin/time -f "%e %M" -o "$dir/time.out" "$@" > "$dir/cmd.out" 2>&1 || { cat "$dir/cmd.out" >&2; exit 1; }
  read -r secs rss < "$dir/time.out"
  local loaded; loaded="$(sql -At -c "SELECT count(*) FROM $target")"
  [ "$loaded" = "$rows" ] || { echo "$label loaded $loaded rows, not $rows" >&2; cat "$dir/cmd.out" >&2; exit 1; }
  # pgbridge prints its own time, without the JVM's start-up: "… in 12.3 s, …"
  local work; work="$(sed -n 's/^.* in \([0-9.]*\) s, .*$/\1/p' "$dir/cmd.out" | tail -n 1)"
  awk -v l="$label" -v s="$secs" -v r="$rows" -v b="$bytes" -v m="$rss" -v base="${base:-}" -v w="${work:--}" 'BEGIN {
    if (s <= 0) s = 0.01;
    ratio = base == "" ? "" : sprintf("%.2f", base / s);
    printf "%-34s %8.2f %12.0f %9.1f %9.0f %8s %8s\n", l, s, r / s, b / 1e6 / s, m / 1024, ratio, w }'
}

header() {
  echo
  echo "## $1"
  printf "%-34s %8s %12s %9s %9s %8s %8s\n" "run" "seconds" "rows/s" "MB/s" "RSS MB" "ratio" "work s"
}

for shape in accounts wide; do
  if [ "$shape" = accounts ]; then rows="$N"; else rows="$WIDE_N"; fi
  target="bench_${shape}_load"
  csv="$dir/$shape.csv"; jsonl="$dir/$shape.jsonl"
  csv_bytes="$(stat -c %s "$csv")"; jsonl_bytes="$(stat -c %s "$jsonl")"
  header "load $shape: $rows rows (CSV $((csv_bytes / 1000000)) MB, JSON lines $((jsonl_bytes / 1000000)) MB)"
  base=""
  run "psql \\copy from csv (baseline)" "$rows" "$csv_bytes" psql "$BENCH_URL" -X -q -c "\\copy $target FROM '$csv' (FORMAT csv, HEADER)"
  base="$secs"
  run "pgbridge load csv" "$rows" "$csv_bytes" "$pgbridge" load --url-env BENCH_URL --table "$target" --format csv --file "$csv"
  run "pgbridge load jsonl" "$rows" "$jsonl_bytes" "$pgbridge" load --url-env BENCH_URL --table "$target" --format jsonl --file "$jsonl"
  run "pgbridge load csv from stdin" "$rows" "$csv_bytes" sh -c "\"$pgbridge\" load --url-env BENCH_URL --table $target --format csv --file - < \"$csv\""
done
echo
echo "ratio = baseline seconds / run seconds (above 1: faster than the baseline); work s = pgbridge's own time without JVM start-up; JVM: $PGBRIDGE_JAVA_OPTS"
sql -c "DROP TABLE bench_accounts_src, bench_accounts_load, bench_wide_src, bench_wide_load"
