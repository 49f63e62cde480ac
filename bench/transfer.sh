#!/usr/bin/env bash
# Transfer benchmark: psql -c "COPY … TO STDOUT" | psql -c "COPY … FROM STDIN" (the baseline) against pgbridge copy of
# the same table, on the same server in the same run. Prints seconds, rows/s, MB/s, peak RSS and pgbridge/baseline.
#
#   bench/transfer.sh URL [TARGET_URL]     URLs: libpq URLs, e.g. postgresql://postgres@127.0.0.1:5432/postgres
#   BENCH_URL=URL [BENCH_TARGET_URL=URL] bench/transfer.sh    (the same, keeping passwords out of the process list)
#
# The source tables are built in URL's database and copied into TARGET_URL's (default: the same database).
# Environment: N rows of the pgbench_accounts shape (default 5,000,000), WIDE_N rows of the wide table (timestamptz,
# jsonb, numeric, text; default 1,000,000), PGBRIDGE_JAVA_OPTS for the JVM (default none: the launcher's heap),
# PARALLEL (2) source sessions of the `copy --parallel` row, RUNS (3): each row is the median of RUNS runs.
# With `bin/pgbridge demo` running: BENCH_URL="$(bin/pgbridge conn uri demo --reveal)" bench/transfer.sh
# The tables bench_* are created and dropped. Needs psql and GNU time (apt-get install time).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
repo="$(dirname "$here")"
url="${1:-${BENCH_URL:-}}"
if [ -z "$url" ]; then
  sed -n '2,14p' "$0" >&2
  exit 2
fi
export BENCH_URL="$url"
export BENCH_TARGET_URL="${2:-${BENCH_TARGET_URL:-$url}}"
N="${N:-5000000}"
WIDE_N="${WIDE_N:-1000000}"
PARALLEL="${PARALLEL:-2}"
RUNS="${RUNS:-3}"
export PGBRIDGE_JAVA_OPTS="${PGBRIDGE_JAVA_OPTS:-}"
pgbridge="$repo/bin/pgbridge"
command -v psql >/dev/null || { echo "psql is needed (apt-get install postgresql-client)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time is needed (apt-get install time)" >&2; exit 1; }
dir="$(mktemp -d)"; trap 'rm -rf "$dir"' EXIT

src() { psql "$BENCH_URL" -X -q -v ON_ERROR_STOP=1 "$@"; }
dst() { psql "$BENCH_TARGET_URL" -X -q -v ON_ERROR_STOP=1 "$@"; }

echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# building data: $N rows (pgbench_accounts shape), $WIDE_N rows (wide)"
src <<SQL
DROP TABLE IF EXISTS bench_accounts_src, bench_wide_src;
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
VACUUM ANALYZE bench_accounts_src, bench_wide_src;
SQL
dst <<SQL
DROP TABLE IF EXISTS bench_accounts_copy, bench_wide_copy;
CREATE TABLE bench_accounts_copy (aid integer, bid integer, abalance integer, filler char(84));
CREATE TABLE bench_wide_copy (id integer, created_at timestamptz, payload jsonb, amount numeric(14,2), note text);
SQL
"$pgbridge" --version >/dev/null # builds the CLI jar now if needed, outside the timings
. "$here/common.sh"
warm_launcher "$pgbridge" copy --from-env BENCH_URL -c "SELECT * FROM bench_accounts_src LIMIT 10" \
  --to-env BENCH_TARGET_URL --target-table bench_accounts_copy

# run LABEL ROWS BYTES CMD…: empties the target, times CMD, prints one line; sets $secs
run() { # LABEL ROWS BYTES CMD…: runs CMD RUNS times; the median wall time, the largest RSS
  local label="$1" rows="$2" bytes="$3"; shift 3
  local times=() works=() max_rss=0 i
  for i in $(seq "$RUNS"); do
    dst -c "TRUNCATE $target"
    /usr/bin/time -f "%e %M" -o "$dir/time.out" "$@" > "$dir/cmd.out" 2>&1 || { cat "$dir/cmd.out" >&2; exit 1; }
    read -r secs rss < "$dir/time.out"
    local copied; copied="$(dst -At -c "SELECT count(*) FROM $target")"
    [ "$copied" = "$rows" ] || { echo "$label copied $copied rows, not $rows" >&2; cat "$dir/cmd.out" >&2; exit 1; }
    times+=("$secs")
    [ "$rss" -gt "$max_rss" ] && max_rss="$rss"
    # pgbridge prints its own time, without the JVM's start-up: "… in 12.3 s, …"
    works+=("$(sed -n 's/^.* in \([0-9.]*\) s, .*$/\1/p' "$dir/cmd.out" | tail -n 1)")
  done
  secs="$(printf '%s\n' "${times[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')"
  local work; work="$(printf '%s\n' "${works[@]}" | grep . | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')"
  awk -v l="$label" -v s="$secs" -v r="$rows" -v b="$bytes" -v m="$max_rss" -v base="${base:-}" -v w="${work:--}" 'BEGIN {
    if (s <= 0) s = 0.01;
    ratio = base == "" ? "" : sprintf("%.2f", base / s);
    printf "%-34s %8.2f %12.0f %9.1f %9.0f %8s %8s\n", l, s, r / s, b / 1e6 / s, m / 1024, ratio, w }'
}

for shape in accounts wide; do
  if [ "$shape" = accounts ]; then rows="$N"; else rows="$WIDE_N"; fi
  source_table="bench_${shape}_src"
  target="bench_${shape}_copy"
  # the volume moved, as COPY's text format has it
  bytes="$(src -At -c "SELECT sum(octet_length(t::text)) FROM $source_table t")"
  echo
  echo "## transfer $shape: $rows rows ($((bytes / 1000000)) MB as text)"
  printf "%-34s %8s %12s %9s %9s %8s %8s\n" "run" "seconds" "rows/s" "MB/s" "RSS MB" "ratio" "work s"
  base=""
  run "psql COPY | psql COPY (baseline)" "$rows" "$bytes" sh -c "psql \"\$BENCH_URL\" -X -q -c 'COPY $source_table TO STDOUT' \
      | psql \"\$BENCH_TARGET_URL\" -X -q -c 'COPY $target FROM STDIN'"
  base="$secs"
  run "pgbridge copy --table" "$rows" "$bytes" "$pgbridge" copy --from-env BENCH_URL --table "$source_table" \
      --to-env BENCH_TARGET_URL --target-table "$target"
  run "pgbridge copy -c" "$rows" "$bytes" "$pgbridge" copy --from-env BENCH_URL -c "SELECT * FROM $source_table" \
      --to-env BENCH_TARGET_URL --target-table "$target"
  # issue 13: the source read by PARALLEL sessions in one snapshot, into the target's one COPY
  run "pgbridge copy --table --parallel $PARALLEL" "$rows" "$bytes" "$pgbridge" copy --from-env BENCH_URL \
      --table "$source_table" --to-env BENCH_TARGET_URL --target-table "$target" --parallel "$PARALLEL"
done
echo
echo "ratio = baseline seconds / run seconds (above 1: faster than the baseline); work s = pgbridge's own time without JVM start-up; RSS: the largest process; JVM: $PGBRIDGE_JAVA_OPTS"
src -c "DROP TABLE bench_accounts_src, bench_wide_src"
dst -c "DROP TABLE bench_accounts_copy, bench_wide_copy"
