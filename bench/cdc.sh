#!/usr/bin/env bash
# Change-data-capture benchmark (issue 4): `pgbridge capture run` into a jsonl sink against the physical limits, on the
# same server in the same run. Prints seconds, events/s or rows/s, MB/s, peak RSS and pgbridge/baseline.
#
#   bench/cdc.sh URL              URL: a libpq URL; the server needs wal_level=logical and the role REPLICATION and
#   BENCH_URL=URL bench/cdc.sh    the right to create schemas, publications and slots (the demo's demo_owner has both)
#   N=100000 CHANGES=100000 LAT_SECONDS=5 LAT_RATE=500 bench/cdc.sh URL     # a quick check
#
# 1. streaming: CHANGES row changes (default 1,000,000: 50% updates, 30% inserts, 20% deletes in transactions of
#    TXN_ROWS=10,000, pgbench_accounts shape) written while nobody reads, then each reader drains that backlog from
#    its own slot: pg_recvlogical (pgoutput, proto_version 1) to /dev/null (baseline), pgbridge into jsonl, and
#    pgbridge's stdout sink into a pipe read by `grep -c`; with KAFKA=1 also pgbridge's Kafka sink into a one-node
#    KRaft broker the bench starts from Kafka's own test kit (bench/kafka-broker.sh, bench/KafkaBroker.java; needs mvn
#    and the project's test dependencies offline), its topic checked to hold every change.
# 2. backfill: N rows (default 5,000,000, pgbench_accounts shape): psql COPY TO STDOUT > /dev/null (baseline) against a
#    capture's backfill into jsonl, timed until its checkpoint says the table's backfill is done.
# 3. latency: LAT_RATE single-row commits per second (default 5000) for LAT_SECONDS (default 20), after LAT_WARMUP
#    seconds at that rate, while a capture runs; commit-to-sink latency = when the event's line can be read from the
#    jsonl file - its commit time (source.ts_ms).
#
# Environment: N, CHANGES, TXN_ROWS, LAT_SECONDS, LAT_RATE, LAT_WARMUP (seconds at LAT_RATE before the measured
# LAT_SECONDS, not counted; default 3), LAT_CLIENTS (pgbench connections, default 4),
# LAT_WRITER (pgbench, or psql for a paced PL/pgSQL loop; pgbench when installed), LAT_DUMP (a file to keep
# "commit_ms arrival_ms" of every latency event in), KAFKA (0; 1 adds the Kafka row), PARTITIONS (1, of the Kafka
# topic), KAFKA_JAVA_OPTS (the broker's JVM, default -Xmx1g), PGBRIDGE_JAVA_OPTS (default none: the launcher's heap), PGBRIDGE (the launcher,
# default bin/pgbridge), BENCH_DIR (where its work directory goes: PGBRIDGE_HOME and the jsonl files, about 450 bytes
# per event, so 2.3 GB at the default N; default TMPDIR or /tmp). Everything it creates (schema pgbridge_cdcbench,
# slots and publications pgbridge_cdcbench_*, the work directory) is removed on exit, even on failure.
# Needs psql, pg_recvlogical, python3 and GNU time (apt-get install postgresql-client python3 time).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
repo="$(dirname "$here")"
url="${1:-${BENCH_URL:-}}"
if [ -z "$url" ]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
fi
export BENCH_URL="$url"
N="${N:-5000000}"
CHANGES="${CHANGES:-1000000}"
TXN_ROWS="${TXN_ROWS:-10000}"
LAT_SECONDS="${LAT_SECONDS:-20}"
LAT_WARMUP="${LAT_WARMUP:-3}"
LAT_RATE="${LAT_RATE:-5000}"
LAT_CLIENTS="${LAT_CLIENTS:-4}"
KAFKA="${KAFKA:-0}"
PARTITIONS="${PARTITIONS:-1}"
KAFKA_JAVA_OPTS="${KAFKA_JAVA_OPTS--Xmx1g}"
export PGBRIDGE_JAVA_OPTS="${PGBRIDGE_JAVA_OPTS-}"
pgbridge="${PGBRIDGE:-$repo/bin/pgbridge}"
S=pgbridge_cdcbench                          # schema, and prefix of slots and publications
RECV_SLOT="${S}_recv" RECV_PUB="${S}_recv"

for tool in psql pg_recvlogical python3; do
  command -v "$tool" >/dev/null || { echo "$tool is needed (apt-get install postgresql-client python3)" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "GNU time is needed (apt-get install time)" >&2; exit 1; }

if [ -n "${BENCH_DIR:-}" ]; then mkdir -p "$BENCH_DIR"; fi
dir="$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/pgbridge-cdcbench.XXXXXX")"
export PGBRIDGE_HOME="$dir/home"
# the captures name their source as `connection: cdcbench`, resolved from this variable: no password in a file
export AIRFLOW_CONN_CDCBENCH="$BENCH_URL"
CAPTURE=cdcbench

. "$here/capture-common.sh"

# --- data ---
txns=$(( CHANGES / TXN_ROWS )); [ "$txns" -ge 1 ] || txns=1
CHANGES=$(( txns * TXN_ROWS ))
upd=$(( TXN_ROWS / 2 )) ins=$(( TXN_ROWS * 3 / 10 )); del=$(( TXN_ROWS - upd - ins ))
prefill=$(( txns * (upd + del) )) # rows the updates (from aid 1 up) and the deletes (from the top down) touch

drop_server_objects # leftovers of an interrupted run
echo "# building data in schema $S: accounts $N rows, stream $prefill rows (work dir $dir)" >&2
sql <<SQL
CREATE SCHEMA $S;
CREATE TABLE $S.accounts (aid int PRIMARY KEY, bid int NOT NULL, abalance int NOT NULL, filler char(84));
INSERT INTO $S.accounts SELECT g, (g - 1) / 100000 + 1, 0, '' FROM generate_series(1, $N) g;
CREATE TABLE $S.stream (aid int PRIMARY KEY, bid int NOT NULL, abalance int NOT NULL, filler char(84));
INSERT INTO $S.stream SELECT g, (g - 1) / 100000 + 1, 0, '' FROM generate_series(1, $prefill) g;
CREATE TABLE $S.latency (id bigserial PRIMARY KEY, t_ms bigint NOT NULL, note text);
VACUUM ANALYZE $S.accounts;
VACUUM ANALYZE $S.stream;
SQL
sql -c "CHECKPOINT" 2>/dev/null || true # needs pg_checkpoint (a superuser); only evens out the runs
"$pgbridge" --version >/dev/null # builds the CLI jar now if needed, outside the timings
jvm_start="$( { /usr/bin/time -f "%e" "$pgbridge" --version >/dev/null; } 2>&1 | tail -1)"
if [ "$KAFKA" = 1 ]; then
  . "$here/kafka-broker.sh"
  TOPIC_PREFIX=cdcbench
  start_broker
fi

# --- 1. streaming ---
capture_config stream stream "$S.stream"
pg_recvlogical -d "$BENCH_URL" --slot "$RECV_SLOT" --create-slot --plugin pgoutput
sql -c "CREATE PUBLICATION $RECV_PUB FOR TABLE $S.stream"
# pgbridge makes its slot, publication and watermarks table on its first run; stop it before the workload
cap_work0=""
start_capture stream
wait_slot_active stream
stop_capture stream
capture_config streamout stream "$S.stream" stdout
cap_work0=""
start_capture streamout stdout
wait_slot_active streamout
stop_capture streamout
wait "$counter_pid" || true; forget "$counter_pid" # grep -c exits 1 when it counted 0
if [ "$KAFKA" = 1 ]; then
  capture_config streamkafka stream "$S.stream" kafka
  cap_work0=""
  start_capture streamkafka
  wait_slot_active streamkafka
  stop_capture streamkafka
fi

echo "# streaming: writing $CHANGES changes in $txns transactions of $TXN_ROWS (nobody reading)" >&2
{
  echo "\\set ON_ERROR_STOP 1"
  for (( k = 0; k < txns; k++ )); do
    echo "BEGIN;"
    echo "UPDATE $S.stream SET abalance = abalance + $((k + 1)), filler = 'u$k' WHERE aid BETWEEN $((k * upd + 1)) AND $(((k + 1) * upd));"
    echo "INSERT INTO $S.stream SELECT g, (g - 1) / 100000 + 1, $k, 'i$k' FROM generate_series($((prefill + k * ins + 1)), $((prefill + (k + 1) * ins))) g;"
    echo "DELETE FROM $S.stream WHERE aid BETWEEN $((prefill - (k + 1) * del + 1)) AND $((prefill - k * del));"
    # the target: an LSN inside the last transaction, after its changes, before its commit record
    [ "$k" = $((txns - 1)) ] && echo "SELECT pg_current_wal_insert_lsn();"
    echo "COMMIT;"
  done
} > "$dir/workload.sql"
start_lsn="$(sql -At -c "SELECT pg_current_wal_lsn()")"
w0="$(now)"
target="$(sql -At -f "$dir/workload.sql")"
write_secs="$(elapsed "$w0" "$(now)")"
wal_bytes="$(sql -At -c "SELECT pg_wal_lsn_diff('$target', '$start_lsn')::bigint")"
echo "# streaming: written in $write_secs s, $((wal_bytes / 1000000)) MB of WAL up to $target" >&2

# baseline: pg_recvlogical exits at the first message past the target: the last transaction's commit, which it does not
# write out (its confirmed_flush_lsn stays at the last change), but every change has arrived by then
/usr/bin/time -f "%e %M %U %S" -o "$dir/recv.time.txt" pg_recvlogical -d "$BENCH_URL" --slot "$RECV_SLOT" --start \
  --endpos "$target" --plugin pgoutput -o proto_version=1 -o "publication_names=$RECV_PUB" -f /dev/null -F 0 \
  > "$dir/recv.log" 2>&1 || { cat "$dir/recv.log" >&2; exit 1; }
read -r recv_secs recv_rss recv_user recv_sys < "$dir/recv.time.txt"
recv_cpu="$(awk -v u="$recv_user" -v s="$recv_sys" 'BEGIN { printf "%.2f", u + s }')"

# pgbridge: from its start until its checkpoint (written after the jsonl files are fsynced) reaches the target
target_num="$(lsn_num "$target")"
drain stream
stream_secs="$secs" stream_work="$work"
stream_rss="$cap_rss"; stream_cpu="$cap_cpu"
stream_events="$(lines_in stream)"; stream_bytes="$(bytes_in stream)"
[ "$stream_events" = "$CHANGES" ] || { echo "streaming: the jsonl files hold $stream_events events, not $CHANGES" >&2; exit 1; }
rm -rf "$dir/jsonl-stream"

# the same backlog through the stdout sink into a pipe (read by grep -c)
drain streamout stdout
stdout_secs="$secs" stdout_work="$work"
stdout_rss="$cap_rss"; stdout_cpu="$cap_cpu"
wait "$counter_pid" || true; forget "$counter_pid" # grep -c exits 1 when it counted 0
stdout_events="$(tr -d ' ' < "$dir/streamout.count")"
[ "$stdout_events" = "$CHANGES" ] || { echo "streaming: the stdout sink wrote $stdout_events lines, not $CHANGES" >&2; exit 1; }

# the same backlog through the Kafka sink into the bench's broker (KAFKA=1): the topic must hold every change
if [ "$KAFKA" = 1 ]; then
  broker cpu; broker_cpu0="$reply"
  drain streamkafka
  kafka_secs="$secs" kafka_work="$work" kafka_rss="$cap_rss" kafka_cpu="$cap_cpu"
  broker cpu; broker_cpu="$(awk -v a="$broker_cpu0" -v b="$reply" 'BEGIN { printf "%.2f", (b - a) / 1000 }')"
  broker count "$TOPIC_PREFIX.$S.stream"; kafka_records="$reply"
  [ "$kafka_records" = "$CHANGES" ] || { echo "kafka: topic $TOPIC_PREFIX.$S.stream holds $kafka_records records, not $CHANGES" >&2; exit 1; }
fi
drop_slots "$RECV_SLOT"; drop_slots "${S}_stream" # so they hold no WAL during the rest

# --- 2. backfill ---
echo "# backfill: $N rows" >&2
table_bytes="$(sql -At -c "SELECT pg_relation_size('$S.accounts')")"
/usr/bin/time -f "%e %M %U %S" -o "$dir/copy.time.txt" psql "$BENCH_URL" -X -q -v ON_ERROR_STOP=1 \
  -c "COPY (SELECT * FROM $S.accounts) TO STDOUT" > /dev/null
read -r copy_secs copy_rss copy_user copy_sys < "$dir/copy.time.txt"
copy_cpu="$(awk -v u="$copy_user" -v s="$copy_sys" 'BEGIN { printf "%.2f", u + s }')"

capture_config backfill accounts ""
cap_work0=""
start_capture backfill
while :; do
  alive backfill; mark_started backfill
  grep -q '"state" *: *"done"' "$(checkpoint backfill)" 2>/dev/null && break
  sleep 0.05
done
t1="$(now)"
backfill_secs="$(elapsed "$cap_t0" "$t1")"; backfill_work="$(elapsed "${cap_work0:-$cap_t0}" "$t1")"
stop_capture backfill
backfill_rss="$cap_rss"; backfill_cpu="$cap_cpu"
backfill_rows="$(lines_in backfill)"; backfill_bytes="$(bytes_in backfill)"
[ "$backfill_rows" = "$N" ] || { echo "backfill: the jsonl files hold $backfill_rows events, not $N" >&2; exit 1; }
rm -rf "$dir/jsonl-backfill"

# --- 3. latency ---
echo "# latency: $LAT_RATE commits/s for $LAT_WARMUP s of warm-up, then $LAT_SECONDS s measured" >&2
capture_config latency latency "$S.latency"
cap_work0=""
start_capture latency
wait_slot_active latency
# the reader stamps each new line with the time it could be read from the file, then parses it; rows with note
# 'warm-up' are kept apart (the capture's first events pay for class loading, JIT and first look-ups)
cat > "$dir/latency.py" <<'PY'
import json, os, sys, time
d, stop, out, dump = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
files, lat, warm, raw = {}, [], [], []
while True:
    got = False
    for name in sorted(os.listdir(d)):
        if not name.endswith(".jsonl"):
            continue
        if name not in files:
            files[name] = [open(os.path.join(d, name), "rb"), b""]
        f = files[name]
        data = f[0].read()
        if not data:
            continue
        arrived = time.time() * 1000.0
        got = True
        lines = (f[1] + data).split(b"\n")
        f[1] = lines.pop()
        for line in lines:
            v = json.loads(line)["value"]
            commit = v["source"].get("ts_ms") or v["after"]["t_ms"]
            warmup = v["after"]["note"] == "warm-up"
            (warm if warmup else lat).append(arrived - commit)
            raw.append((commit, arrived, warmup))
    if not got:
        if os.path.exists(stop):
            break
        time.sleep(0.002)
if dump:
    with open(dump, "w") as o:
        o.writelines("%d %.1f%s\n" % (c, a, " warm-up" if w else "") for c, a, w in raw)
lat.sort()
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] if lat else float("nan")
with open(out, "w") as o:
    o.write("%d %.1f %.1f %.1f %d %.1f\n" % (len(lat), q(0.50), q(0.99), lat[-1] if lat else float("nan"),
                                           len(warm), max(warm) if warm else float("nan")))
PY
python3 "$dir/latency.py" "$dir/jsonl-latency" "$dir/latency.stop" "$dir/latency.txt" "${LAT_DUMP:-}" &
reader_pid=$!; pids+=("$reader_pid")
if command -v pgbench >/dev/null && [ "${LAT_WRITER:-pgbench}" = pgbench ]; then
  writer="pgbench -R $LAT_RATE -c $LAT_CLIENTS"
else
  writer="a paced PL/pgSQL loop"
fi
# write_at_rate SECONDS NOTE: LAT_RATE single-row transactions per second. They commit with synchronous_commit on, as
# in production: with it off (the demo's setting) a commit waits for the WAL writer (wal_writer_delay, 200 ms)
# before a walsender may decode it.
write_at_rate() {
  local secs="$1" note="$2"
  local insert="INSERT INTO $S.latency (t_ms, note) VALUES ((extract(epoch FROM clock_timestamp()) * 1000)::bigint, '$note')"
  [ "$secs" -gt 0 ] || return 0
  if [ "$writer" != "a paced PL/pgSQL loop" ]; then
    echo "$insert;" > "$dir/latency.sql"
    PGOPTIONS="${PGOPTIONS:-} -c synchronous_commit=on" pgbench -n -R "$LAT_RATE" -T "$secs" -c "$LAT_CLIENTS" -j 1 \
      -f "$dir/latency.sql" "$BENCH_URL" > "$dir/pgbench.log" 2>&1 || { cat "$dir/pgbench.log" >&2; exit 1; }
  else # one connection, one commit per row, paced to the schedule i / rate
    PGOPTIONS="${PGOPTIONS:-} -c synchronous_commit=on" sql <<SQL
DO \$\$
DECLARE t0 double precision := extract(epoch FROM clock_timestamp()); i bigint := 0; ahead double precision;
BEGIN
  WHILE i < $LAT_RATE * $secs LOOP
    $insert;
    COMMIT;
    i := i + 1;
    ahead := t0 + i / $LAT_RATE::double precision - extract(epoch FROM clock_timestamp());
    IF ahead > 0.001 THEN PERFORM pg_sleep(ahead); END IF;
  END LOOP;
END \$\$;
SQL
  fi
}
write_at_rate "$LAT_WARMUP" warm-up
w0="$(now)"
write_at_rate "$LAT_SECONDS" probe
lat_secs="$(elapsed "$w0" "$(now)")"
lat_rows="$(sql -At -c "SELECT count(*) FROM $S.latency WHERE note = 'probe'")"
all_rows="$(sql -At -c "SELECT count(*) FROM $S.latency")"
for i in $(seq 600); do # until every row is in the files (at most 60 s)
  [ "$(lines_in latency)" -ge "$all_rows" ] && break
  alive latency; sleep 0.1
done
touch "$dir/latency.stop"
wait "$reader_pid"; forget "$reader_pid"
read -r lat_n lat_p50 lat_p99 lat_max warm_n warm_max < "$dir/latency.txt"
[ "$lat_n" = "$lat_rows" ] || { echo "latency: the jsonl files hold $lat_n probe events, not $lat_rows" >&2; exit 1; }
stop_capture latency
latency_rss="$cap_rss"

# --- report ---
echo
echo "pgbridge change-data-capture benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "server: PostgreSQL $(sql -At -c 'SHOW server_version') (fsync $(sql -At -c 'SHOW fsync'), synchronous_commit $(sql -At -c 'SHOW synchronous_commit')); $(pg_recvlogical --version); PGBRIDGE_JAVA_OPTS=$PGBRIDGE_JAVA_OPTS"
echo "pgbridge times are wall clock from the command's start, JVM start included (pgbridge --version: $jvm_start s); work s: from its \"starting\" line"
echo
printf "%-44s %10s %8s %11s %8s %7s %8s %7s %7s\n" "run" "events" "seconds" "events/s" "MB/s" "RSS MB" "ratio" "work s" "cpu s"
echo "## streaming: $CHANGES changes ($txns transactions), $((wal_bytes / 1000000)) MB of WAL (MB/s: WAL read)"
line "pg_recvlogical pgoutput > /dev/null (base)" "$CHANGES" "$recv_secs" "$wal_bytes" "$recv_rss" "" "" "$recv_cpu"
line "pgbridge capture run -> jsonl" "$CHANGES" "$stream_secs" "$wal_bytes" "$stream_rss" \
  "$(ratio "$recv_secs" "$stream_secs")" "$stream_work" "$stream_cpu"
line "pgbridge capture run -> stdout | grep -c" "$CHANGES" "$stdout_secs" "$wal_bytes" "$stdout_rss" \
  "$(ratio "$recv_secs" "$stdout_secs")" "$stdout_work" "$stdout_cpu"
if [ "$KAFKA" = 1 ]; then
  line "pgbridge capture run -> kafka" "$CHANGES" "$kafka_secs" "$wal_bytes" "$kafka_rss" \
    "$(ratio "$recv_secs" "$kafka_secs")" "$kafka_work" "$kafka_cpu"
fi
echo "## backfill: $N rows, table $((table_bytes / 1000000)) MB (MB/s: table read)"
line "psql COPY TO STDOUT > /dev/null (base)" "$N" "$copy_secs" "$table_bytes" "$copy_rss" "" "" "$copy_cpu"
line "pgbridge capture run backfill -> jsonl" "$N" "$backfill_secs" "$table_bytes" "$backfill_rss" \
  "$(ratio "$copy_secs" "$backfill_secs")" "$backfill_work" "$backfill_cpu"
echo
echo "ratio = baseline seconds / pgbridge seconds; targets (issue 13): streaming (jsonl and stdout) >= 0.9, backfill >= 0.35"
echo "cpu s = the process's user + system CPU seconds (GNU time), the server's not included: on a loaded machine it moves less than wall time"
echo "jsonl written: streaming $((stream_bytes / 1000000)) MB ($((stream_bytes / CHANGES)) B/event), backfill $((backfill_bytes / 1000000)) MB ($((backfill_bytes / N)) B/row); workload written in $write_secs s"
echo
echo "## latency: $lat_rows commits in $lat_secs s ($(awk -v n="$lat_rows" -v s="$lat_secs" 'BEGIN { printf "%.0f", n / s }')/s asked $LAT_RATE/s, $writer), commit (source.ts_ms) to line readable in the jsonl file"
echo "events $lat_n   p50 $lat_p50 ms   p99 $lat_p99 ms   max $lat_max ms   (target p99 < 200 ms; capture peak RSS $((latency_rss / 1024)) MB)"
echo "warm-up before it (not counted): $warm_n events in $LAT_WARMUP s, max $warm_max ms"
if [ "$KAFKA" = 1 ]; then
  echo "kafka: topic $TOPIC_PREFIX.$S.stream holds $kafka_records records (end offsets, checked = $CHANGES); the broker (its own JVM, $PARTITIONS partition(s), the sink's defaults: idempotent, acks=all, lz4) used $broker_cpu s of CPU during that run"
fi
