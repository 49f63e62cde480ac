#!/usr/bin/env bash
# Export benchmark: psql's \copy (the baseline) against `pgbridge export --format csv` and `--format jsonl`,
# on the same server, in the same run. Builds its data, prints rows/s, MB/s, peak RSS and pgbridge/baseline.
#
#   bench/export.sh 'postgresql://user:password@localhost:5432/dbname?sslmode=disable'
#   PGURL=… N=100000 WIDE_N=100000 bench/export.sh        # a quick check
#
# It starts no server: give it the libpq URL of one (see bench/README.md for a local one in two commands).
# It creates schema pgbridge_bench in that database (tables accounts: N rows shaped like pgbench_accounts;
# wide: WIDE_N rows of bigint, timestamptz, jsonb, numeric, text) and drops it at the end unless KEEP=1.
#
# Environment: N (default 5000000), WIDE_N (1000000), RUNS (3; the median of RUNS is kept), KEEP (0), PARALLEL (2:
# the sessions of the `export --table … --parallel` rows, issue 13),
# PGBRIDGE_JAVA_OPTS (passed to java by bin/pgbridge; default none: the launcher's heap, as a user runs it;
# -Duser.timezone=UTC is added), OUT_DIR (a temp dir).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
repo="$(dirname "$here")"
pgbridge="$repo/bin/pgbridge"

PGURL="${1:-${PGURL:-}}"
if [ -z "$PGURL" ]; then
  sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
export PGURL
N="${N:-5000000}"
WIDE_N="${WIDE_N:-1000000}"
RUNS="${RUNS:-3}"
KEEP="${KEEP:-0}"
PARALLEL="${PARALLEL:-2}"
# both sides print timestamptz in the same zone, so their CSV can be compared byte for byte
export PGTZ=UTC
export PGBRIDGE_JAVA_OPTS="${PGBRIDGE_JAVA_OPTS-} -Duser.timezone=UTC"

command -v psql >/dev/null || { echo "psql is needed (Debian: apt-get install postgresql-client)" >&2; exit 1; }
if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time (for peak RSS)..." >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi

out_dir="${OUT_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/pgbridge-bench.XXXXXX")}"
mkdir -p "$out_dir"
cleanup() {
  rm -f "$out_dir"/*.csv "$out_dir"/*.jsonl "$out_dir"/time.txt
  [ -n "${OUT_DIR:-}" ] || rmdir "$out_dir" 2>/dev/null || true
  if [ "$KEEP" != 1 ]; then pg -c "DROP SCHEMA IF EXISTS pgbridge_bench CASCADE" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

pg() { psql "$PGURL" -X -q -v ON_ERROR_STOP=1 "$@"; }

rows_of() { pg -At -c "SELECT count(*) FROM pgbridge_bench.$1" 2>/dev/null || echo 0; }

setup() {
  pg -c "CREATE SCHEMA IF NOT EXISTS pgbridge_bench"
  if [ "$(rows_of accounts)" != "$N" ]; then
    echo "building pgbridge_bench.accounts ($N rows, pgbench_accounts shape)..." >&2
    pg -c "DROP TABLE IF EXISTS pgbridge_bench.accounts" \
       -c "CREATE TABLE pgbridge_bench.accounts (aid int NOT NULL, bid int NOT NULL, abalance int NOT NULL, filler char(84))" \
       -c "INSERT INTO pgbridge_bench.accounts SELECT g, (g - 1) / 100000 + 1, 0, '' FROM generate_series(1, $N) g" \
       -c "ALTER TABLE pgbridge_bench.accounts ADD PRIMARY KEY (aid)"
  fi
  if [ "$(rows_of wide)" != "$WIDE_N" ]; then
    echo "building pgbridge_bench.wide ($WIDE_N rows: timestamptz, jsonb, numeric, text)..." >&2
    pg -c "DROP TABLE IF EXISTS pgbridge_bench.wide" \
       -c "CREATE TABLE pgbridge_bench.wide (id bigint PRIMARY KEY, created_at timestamptz NOT NULL, payload jsonb,
             amount numeric(14,4), note text)" \
       -c "INSERT INTO pgbridge_bench.wide
             SELECT g, timestamptz '2024-01-01 00:00:00+00' + g * interval '1.5 seconds',
                    jsonb_build_object('id', g, 'name', 'item ' || g, 'tags', jsonb_build_array('a', 'b', g % 10),
                                       'price', round((g % 1000) * 1.37, 2), 'active', g % 2 = 0),
                    (g * 1.2345)::numeric(14,4),
                    'note ' || g || ' é日本 ' || md5(g::text)
             FROM generate_series(1, $WIDE_N) g"
  fi
  pg -c "VACUUM ANALYZE pgbridge_bench.accounts" -c "VACUUM ANALYZE pgbridge_bench.wide"
}

# measure LABEL ROWS FILE CMD…: runs CMD RUNS times (it writes FILE), keeps the median wall time and the largest RSS
declare -A SECONDS_OF RSS_OF BYTES_OF ROWS_OF SAME SAME_PAR
measure() {
  local label="$1" rows="$2" file="$3"; shift 3
  local times=() rss=0 run e m
  for run in $(seq "$RUNS"); do
    rm -f "$file"
    sync
    /usr/bin/time -f "%e %M" -o "$out_dir/time.txt" "$@" >/dev/null
    read -r e m < <(tail -1 "$out_dir/time.txt")
    times+=("$e")
    [ "$m" -gt "$rss" ] && rss="$m"
  done
  SECONDS_OF[$label]="$(printf '%s\n' "${times[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')"
  RSS_OF[$label]="$rss"
  BYTES_OF[$label]="$(stat -c %s "$file")"
  ROWS_OF[$label]="$rows"
}

setup

"$pgbridge" --version >/dev/null # builds the jar if needed, outside the timings
. "$here/common.sh"
warm_launcher "$pgbridge" --version
warm_launcher "$pgbridge" export --url-env PGURL --no-progress -c "SELECT 1 AS one" --format csv --output "$out_dir/warm.csv"
start="$( { /usr/bin/time -f "%e" "$pgbridge" --version >/dev/null; } 2>&1 | tail -1)"

accounts="SELECT * FROM pgbridge_bench.accounts"
wide="SELECT * FROM pgbridge_bench.wide"
fifth=$((N / 5))
accounts_fifth="SELECT * FROM pgbridge_bench.accounts WHERE aid <= $fifth"

export_cmd=("$pgbridge" export --url-env PGURL --no-progress)
for t in accounts wide; do
  q="${!t}"
  n=$([ "$t" = accounts ] && echo "$N" || echo "$WIDE_N")
  f="$out_dir/$t"
  measure "$t psql"  "$n" "$f.psql.csv" psql "$PGURL" -X -q -c "\\copy ($q) to '$f.psql.csv' with (format csv, header)"
  measure "$t csv"   "$n" "$f.csv"      "${export_cmd[@]}" -c "$q" --format csv --output "$f.csv"
  measure "$t jsonl" "$n" "$f.jsonl"    "${export_cmd[@]}" -c "$q" --format jsonl --output "$f.jsonl"
  # issue 13: the table read by PARALLEL sessions in one snapshot (ranges stitched in order; rows in page order)
  measure "$t csv par"   "$n" "$f.par.csv"   "${export_cmd[@]}" --table "pgbridge_bench.$t" --parallel "$PARALLEL" \
      --format csv --output "$f.par.csv"
  measure "$t jsonl par" "$n" "$f.par.jsonl" "${export_cmd[@]}" --table "pgbridge_bench.$t" --parallel "$PARALLEL" \
      --format jsonl --output "$f.par.jsonl"
  if cmp -s "$f.psql.csv" "$f.csv"; then SAME[$t]=yes; else SAME[$t]=NO; fi
  # the parallel CSV holds the same lines as psql's (header first, once), in another order
  if [ "$(head -1 "$f.par.csv")" = "$(head -1 "$f.psql.csv")" ] \
     && cmp -s <(LC_ALL=C sort "$f.psql.csv") <(LC_ALL=C sort "$f.par.csv"); then SAME_PAR[$t]=yes; else SAME_PAR[$t]=NO; fi
  lines=$(wc -l < "$f.par.jsonl")
  [ "$lines" = "$n" ] || { echo "error: $t.par.jsonl has $lines lines, expected $n" >&2; exit 1; }
  lines=$(wc -l < "$out_dir/$t.jsonl")
  [ "$lines" = "$n" ] || { echo "error: $t.jsonl has $lines lines, expected $n" >&2; exit 1; }
  rm -f "$out_dir/$t".*
done
# the same export at a fifth of the rows: peak RSS must not follow the row count
measure "accounts/5 csv"   "$fifth" "$out_dir/fifth.csv"   "${export_cmd[@]}" -c "$accounts_fifth" --format csv --output "$out_dir/fifth.csv"
measure "accounts/5 jsonl" "$fifth" "$out_dir/fifth.jsonl" "${export_cmd[@]}" -c "$accounts_fifth" --format jsonl --output "$out_dir/fifth.jsonl"

ratio() { awk -v base="${SECONDS_OF[$1]}" -v s="${SECONDS_OF[$2]}" 'BEGIN { printf "%.2f", base / (s > 0 ? s : 0.001) }'; }
line() {
  local label="$1" what="$2" vs="${3:-}"
  awk -v l="$label" -v w="$what" -v r="${ROWS_OF[$label]}" -v s="${SECONDS_OF[$label]}" -v b="${BYTES_OF[$label]}" \
      -v m="${RSS_OF[$label]}" -v ratio="$vs" 'BEGIN {
        s = (s > 0 ? s : 0.001)
        printf "%-18s %-28s %10d %8.2f %11.0f %8.1f %9.0f  %s\n", l, w, r, s, r / s, b / 1e6 / s, m / 1024, ratio }'
}

echo
echo "pgbridge export benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM, load average $(cut -d' ' -f1-3 /proc/loadavg)"
# the JDK the launcher runs (JDK 21 or newer), not whichever java is first on PATH
java_version="$( ("$(java_bin_21)" -version 2>&1 || true) | head -1)"
echo "server: PostgreSQL $(pg -At -c 'SHOW server_version'); psql $(psql --version | awk '{ print $3 }'); $java_version"
echo "PGBRIDGE_JAVA_OPTS=${PGBRIDGE_JAVA_OPTS}; median of $RUNS run(s); wall-clock times include the JVM start (pgbridge --version: ${start} s)"
echo
printf "%-18s %-28s %10s %8s %11s %8s %9s  %s\n" "data" "tool" "rows" "seconds" "rows/s" "MB/s" "RSS MB" "pgbridge/baseline"
for t in accounts wide; do
  line "$t psql"  "psql \\copy csv (baseline)"
  line "$t csv"   "pgbridge export csv"   "$(ratio "$t psql" "$t csv") (target >= 0.90; same bytes as psql: ${SAME[$t]})"
  line "$t jsonl" "pgbridge export jsonl" "$(ratio "$t psql" "$t jsonl") (target >= 0.60 of the CSV baseline)"
  line "$t csv par"   "export csv --parallel $PARALLEL"   "$(ratio "$t psql" "$t csv par") (issue 13: >= 1.4; same lines as psql: ${SAME_PAR[$t]})"
  line "$t jsonl par" "export jsonl --parallel $PARALLEL" "$(ratio "$t psql" "$t jsonl par")"
done
line "accounts/5 csv"   "pgbridge export csv"   "RSS at N/5: ${RSS_OF[accounts/5 csv]} KB vs N: ${RSS_OF[accounts csv]} KB"
line "accounts/5 jsonl" "pgbridge export jsonl" "RSS at N/5: ${RSS_OF[accounts/5 jsonl]} KB vs N: ${RSS_OF[accounts jsonl]} KB"
