#!/usr/bin/env bash
# Kafka sink benchmark (issue 13): `pgbridge capture run` into the Kafka sink, against a real KRaft broker that the
# bench starts itself from Kafka's own test kit (the one KafkaSinkIT uses; nothing to install, no Docker), beside the
# streaming baselines of bench/cdc.sh, on the same server in the same run. Prints events/s, MB/s, peak RSS and
# baseline/pgbridge for each.
#
#   bench/kafka.sh URL              URL: a libpq URL; the server needs wal_level=logical and the role REPLICATION and
#   BENCH_URL=URL bench/kafka.sh    the right to create schemas, publications and slots (the demo's demo_owner has both)
#   CHANGES=100000 bench/kafka.sh URL                                        # a quick check
#
# Streaming only: CHANGES row changes (default 1,000,000: 50% updates, 30% inserts, 20% deletes in transactions of
# TXN_ROWS=10,000, pgbench_accounts shape, as in bench/cdc.sh) written after every slot exists and while nobody reads;
# then each reader drains that backlog from its own slot:
#   1. pg_recvlogical (pgoutput, proto_version 1) to /dev/null: the baseline;
#   2. pgbridge capture run, jsonl sink (its files must hold CHANGES lines);
#   3. pgbridge capture run, kafka sink into the bench's broker: one topic per table as the sink makes it
#      (<topicPrefix>.<schema>.<table>, created by the sink with the broker's num.partitions = PARTITIONS), the sink's
#      own producer settings (idempotent, acks=all, lz4, linger 5 ms); the topic must then hold exactly CHANGES records
#      (its end offsets, read through the Admin API).
# Optionally (N > 0) a backfill row: N rows (pgbench_accounts shape), psql COPY TO STDOUT > /dev/null (baseline)
# against a capture's backfill into the Kafka sink, timed until its checkpoint marks the backfill done; the topic must
# then hold exactly N records.
# A streaming capture is timed from its start until its checkpoint's commit_lsn passes the workload's last commit (the
# checkpoint is written after the sink's flush: the files fsynced, or every record acknowledged by the broker); the
# Kafka topic is created by the sink at its first event, inside the timing, as a user's first run does.
#
# The broker runs in a JVM of its own (bench/KafkaBroker.java, on pgbridge-cdc's test class path from Maven, offline),
# so the capture's RSS and CPU are its own; the broker's CPU seconds during the Kafka run are printed beside them.
#
# Environment: CHANGES, TXN_ROWS, N (backfill rows, default 0: no backfill row), PARTITIONS (default 1, Kafka's own
# default), PGBRIDGE_JAVA_OPTS (default -Xmx256m), KAFKA_JAVA_OPTS (the broker's JVM, default -Xmx1g), PGBRIDGE (the
# launcher, default bin/pgbridge), BENCH_DIR (where the work directory goes: PGBRIDGE_HOME, the jsonl files, the
# broker's log directories; about 450 bytes per event for the jsonl files and less for the broker's lz4 batches;
# default TMPDIR or /tmp). Everything it creates (schema
# pgbridge_kafkabench, slots and publications pgbridge_kafkabench_*, the broker and its data, the work directory) is
# removed on exit, even on failure or Ctrl-C. Needs psql, pg_recvlogical, GNU time, mvn (offline: ~/.m2 must hold
# the test dependencies, as after a build of pgbridge-cdc's tests) and a JDK >= 21.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
repo="$(dirname "$here")"
url="${1:-${BENCH_URL:-}}"
if [ -z "$url" ]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
fi
export BENCH_URL="$url"
CHANGES="${CHANGES:-1000000}"
N="${N:-0}"
TXN_ROWS="${TXN_ROWS:-10000}"
PARTITIONS="${PARTITIONS:-1}"
KAFKA_JAVA_OPTS="${KAFKA_JAVA_OPTS--Xmx1g}"
export PGBRIDGE_JAVA_OPTS="${PGBRIDGE_JAVA_OPTS--Xmx256m}"
pgbridge="${PGBRIDGE:-$repo/bin/pgbridge}"
S=pgbridge_kafkabench                        # schema, and prefix of slots and publications
RECV_SLOT="${S}_recv" RECV_PUB="${S}_recv"
TOPIC_PREFIX=kafkabench
TOPIC="$TOPIC_PREFIX.$S.stream"              # the sink's topic for table $S.stream
BACKFILL_TOPIC="$TOPIC_PREFIX.$S.accounts"

for tool in psql pg_recvlogical mvn; do
  command -v "$tool" >/dev/null || { echo "$tool is needed (apt-get install postgresql-client maven)" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "GNU time is needed (apt-get install time)" >&2; exit 1; }
java_bin=""
for candidate in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
  [ -n "$candidate" ] && [ -x "$candidate" ] || continue
  major="$("$candidate" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  if [ "${major:-0}" -ge 21 ] 2>/dev/null; then java_bin="$candidate"; break; fi
done
[ -n "$java_bin" ] || { echo "a JDK 21 or newer is needed" >&2; exit 1; }

if [ -n "${BENCH_DIR:-}" ]; then mkdir -p "$BENCH_DIR"; fi
dir="$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/pgbridge-kafkabench.XXXXXX")"
export PGBRIDGE_HOME="$dir/home"
# the captures name their source as `connection: kafkabench`, resolved from this variable: no password in a file
export AIRFLOW_CONN_KAFKABENCH="$BENCH_URL"

sql() { psql "$BENCH_URL" -X -q -v ON_ERROR_STOP=1 "$@"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
lsn_num() { local hi="${1%/*}" lo="${1#*/}"; echo $(( (16#$hi << 32) | 16#$lo )); }

# --- cleanup: every process started here (by PID), the broker, slots, publications, schema and work directory ---
pids=() # background processes not yet waited for: only those may be signalled (a reaped PID can be reused)
forget() { local p keep=(); for p in "${pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done; pids=("${keep[@]}"); }
kafka_pid="" kafka_in="" kafka_out=""
drop_slots() { # drop_slots PREFIX: as in bench/cdc.sh (a walsender still holding its slot is ended after 5 s)
  local i left
  for i in $(seq 100); do
    left="$(sql -At -c "SELECT count(*) FROM pg_replication_slots WHERE starts_with(slot_name, '$1')" 2>/dev/null)" || return 0
    [ "$left" = 0 ] && return 0
    sql -At -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
                WHERE starts_with(slot_name, '$1') AND NOT active" >/dev/null 2>&1 || true
    [ "$i" -gt 25 ] && sql -At -c "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots
                                   WHERE starts_with(slot_name, '$1') AND active" >/dev/null 2>&1 || true
    sleep 0.2
  done
}
drop_server_objects() {
  drop_slots "${S}_"
  sql -At <<SQL >/dev/null 2>&1 || true
SELECT format('DROP PUBLICATION %I', pubname) FROM pg_publication WHERE starts_with(pubname, '${S}_') \gexec
DROP SCHEMA IF EXISTS $S CASCADE;
SQL
}
stop_broker() { # "stop", then end of input; the broker closes (deleting its log directories) and exits; killed after 60 s
  local i
  [ -n "$kafka_pid" ] || return 0
  to_broker stop || true
  [ -z "$kafka_in" ] || exec {kafka_in}>&- 2>/dev/null || true
  for i in $(seq 600); do kill -0 "$kafka_pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$kafka_pid" 2>/dev/null; then
    echo "the broker did not stop within 60 s; killing it" >&2
    kill -TERM "$kafka_pid" 2>/dev/null || true; sleep 2; kill -KILL "$kafka_pid" 2>/dev/null || true
  fi
  wait "$kafka_pid" 2>/dev/null || true
  kafka_pid=""
}
cleanup() {
  local status=$? p
  trap - EXIT INT TERM
  for p in "${pids[@]}"; do
    # the process itself and its children (time → java), by PID
    for c in $(ps -o pid= --ppid "$p" 2>/dev/null); do kill -TERM "$c" 2>/dev/null || true; done
    kill -TERM "$p" 2>/dev/null || true
  done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
  stop_broker
  drop_server_objects
  rm -rf "${dir:?}"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the broker ---
# start_broker: builds the test class path of pgbridge-cdc (Kafka's test kit and its dependencies; offline, nothing
# installed), starts bench/KafkaBroker.java as a coprocess and waits for its "ready BOOTSTRAP" line
start_broker() {
  local line
  echo "# starting the KRaft broker (Kafka's test kit, $PARTITIONS partition(s) per topic)" >&2
  # the project's own modules are left out (the broker needs none of them) but must resolve: from ~/.m2 when there,
  # else from the reactor, which needs them compiled (bin/pgbridge compiled them above)
  local mvn_cp=(dependency:build-classpath -Dmdep.includeScope=test -DexcludeGroupIds=dev.pgbridge
                -Dmdep.outputFile="$dir/broker.classpath")
  (cd "$repo" && { mvn -q -o -pl pgbridge-cdc "${mvn_cp[@]}" || mvn -q -o -pl pgbridge-cdc -am compile "${mvn_cp[@]}"; } \
      > "$dir/mvn.log" 2>&1) \
    || { echo "mvn could not give pgbridge-cdc's test class path (offline):" >&2; cat "$dir/mvn.log" >&2; exit 1; }
  mkdir -p "$dir/broker-tmp"
  cat > "$dir/logback.xml" <<'XML'
<configuration>
  <appender name="err" class="ch.qos.logback.core.ConsoleAppender">
    <target>System.err</target>
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="err"/></root>
</configuration>
XML
  # shellcheck disable=SC2086 # KAFKA_JAVA_OPTS is a list of options
  coproc KAFKA { exec "$java_bin" $KAFKA_JAVA_OPTS -Djava.io.tmpdir="$dir/broker-tmp" \
      -Dlogback.configurationFile="$dir/logback.xml" -cp "$(cat "$dir/broker.classpath")" "$here/KafkaBroker.java" \
      "$PARTITIONS" 2> "$dir/broker.log"; }
  kafka_pid="$KAFKA_PID" kafka_out="${KAFKA[0]}" kafka_in="${KAFKA[1]}" # the numbers: bash unsets KAFKA when it exits
  if ! read -t 300 -r -u "$kafka_out" line || [ "${line%% *}" != ready ]; then
    echo "the broker did not start within 300 s:" >&2; cat "$dir/broker.log" >&2; exit 1
  fi
  BOOTSTRAP="${line#ready }"
}
# to_broker LINE: one line to the broker's standard input; fails if the broker is gone. SIGPIPE is ignored while
# writing (only then: children would inherit it), else a broker that died would end this shell before its cleanup;
# not from a subshell: bash closes a coprocess's descriptors in subshells
to_broker() {
  local rc=0
  trap '' PIPE
  { echo "$1" >&"$kafka_in"; } 2>/dev/null || rc=$?
  trap - PIPE
  return "$rc"
}
# broker ASK...: one command to the broker, its answer in $reply (fails on an "error" answer)
broker() {
  to_broker "$*" || { echo "the broker is gone:" >&2; cat "$dir/broker.log" >&2; exit 1; }
  read -t 120 -r -u "$kafka_out" reply || { echo "the broker did not answer '$*':" >&2; cat "$dir/broker.log" >&2; exit 1; }
  [ "${reply%% *}" != error ] || { echo "the broker answered '$*' with: $reply" >&2; exit 1; }
  reply="${reply#* }"
}

# --- the captures ---
# capture_config NAME SINK [TABLE SKIP]: writes $dir/NAME.yaml (slot, publication and watermarks table of its own);
# TABLE (default stream) in schema $S, SKIP its skip_backfills (default: $S.stream, streamed only); SINK is jsonl
# (files in $dir/jsonl-NAME) or kafka (the bench's broker)
capture_config() {
  local name="$1" sink="$2" table="${3:-stream}" skip="${4-$S.stream}" sink_yaml
  if [ "$sink" = kafka ]; then
    sink_yaml="{type: kafka, bootstrapServers: \"$BOOTSTRAP\", topicPrefix: $TOPIC_PREFIX}"
  else
    mkdir -p "$dir/jsonl-$name"
    sink_yaml="{type: jsonl, dir: $dir/jsonl-$name}"
  fi
  cat > "$dir/$name.yaml" <<YAML
name: kafkabench_$name
connection: kafkabench
advanced: {slotName: ${S}_$name, publicationName: ${S}_$name, watermarksTable: $S.wm_$name,
           skip_backfills: "$skip"}
bindings: [{namespace: $S, stream: $table}]
sink: $sink_yaml
YAML
}
checkpoint() { echo "$PGBRIDGE_HOME/captures/kafkabench_$1/checkpoint.json"; }
checkpoint_lsn() { sed -n 's/.*"commit_lsn" *: *"\([0-9A-Fa-f]*\/[0-9A-Fa-f]*\)".*/\1/p' "$(checkpoint "$1")" 2>/dev/null || true; }
start_capture() { # start_capture NAME: `capture run` under GNU time in the background; sets cap_pid, cap_t0
  local name="$1"
  cap_t0="$(now)"
  /usr/bin/time -f "%e %M %U %S" -o "$dir/$name.time.txt" \
    "$pgbridge" capture run --config "$dir/$name.yaml" --status-every 0 > "$dir/$name.log" 2>&1 &
  cap_pid=$!
  pids+=("$cap_pid")
}
alive() { kill -0 "$cap_pid" 2>/dev/null || { echo "capture $1 exited early:" >&2; cat "$dir/$1.log" >&2; exit 1; }; }
mark_started() { [ -n "$cap_work0" ] || ! grep -q ': starting (' "$dir/$1.log" || cap_work0="$(now)"; }
stop_capture() { # stop_capture NAME: SIGTERM to the JVM (GNU time's child), waits; sets cap_rss (KB), cap_cpu (s)
  local name="$1" child i rc=0
  child="$(ps -o pid= --ppid "$cap_pid" | tr -d ' ' | head -1)"
  [ -n "$child" ] && kill -TERM "$child" 2>/dev/null || true
  for i in $(seq 600); do kill -0 "$cap_pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$cap_pid" 2>/dev/null; then
    echo "capture $name did not stop within 60 s of SIGTERM; killing it" >&2
    [ -n "$child" ] && kill -KILL "$child" 2>/dev/null || true
  fi
  wait "$cap_pid" || rc=$?
  forget "$cap_pid"
  [ "$rc" = 0 ] || { echo "capture $name failed (exit $rc):" >&2; cat "$dir/$name.log" >&2; exit 1; }
  cap_rss="$(awk 'END { print $2 }' "$dir/$name.time.txt")"
  cap_cpu="$(awk 'END { printf "%.2f", $3 + $4 }' "$dir/$name.time.txt")"
}
wait_slot_active() {
  local name="$1" i
  for i in $(seq 1200); do
    alive "$name"
    [ "$(sql -At -c "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '${S}_$name' AND active")" = 1 ] && return
    sleep 0.1
  done
  echo "capture $name did not start streaming within 120 s" >&2; cat "$dir/$name.log" >&2; exit 1
}
# drain NAME: runs the capture from its start until its checkpoint passes the target; sets secs, work, cap_rss, cap_cpu
drain() {
  local name="$1" l t1
  cap_work0=""
  start_capture "$name"
  while :; do
    alive "$name"; mark_started "$name"
    l="$(checkpoint_lsn "$name")"
    if [ -n "$l" ] && [ "$(lsn_num "$l")" -ge "$target_num" ]; then break; fi
    sleep 0.05
  done
  t1="$(now)"
  secs="$(elapsed "$cap_t0" "$t1")"; work="$(elapsed "${cap_work0:-$cap_t0}" "$t1")"
  stop_capture "$name"
}

# --- data ---
txns=$(( CHANGES / TXN_ROWS )); [ "$txns" -ge 1 ] || txns=1
CHANGES=$(( txns * TXN_ROWS ))
upd=$(( TXN_ROWS / 2 )) ins=$(( TXN_ROWS * 3 / 10 )); del=$(( TXN_ROWS - upd - ins ))
prefill=$(( txns * (upd + del) )) # rows the updates (from aid 1 up) and the deletes (from the top down) touch

drop_server_objects # leftovers of an interrupted run
"$pgbridge" --version >/dev/null # builds the CLI jar now if needed, outside the timings (and the mvn of the broker)
start_broker
echo "# broker at $BOOTSTRAP; building data in schema $S: stream $prefill rows (work dir $dir)" >&2
sql <<SQL
CREATE SCHEMA $S;
CREATE TABLE $S.stream (aid int PRIMARY KEY, bid int NOT NULL, abalance int NOT NULL, filler char(84));
INSERT INTO $S.stream SELECT g, (g - 1) / 100000 + 1, 0, '' FROM generate_series(1, $prefill) g;
VACUUM ANALYZE $S.stream;
CREATE TABLE $S.accounts (aid int PRIMARY KEY, bid int NOT NULL, abalance int NOT NULL, filler char(84));
INSERT INTO $S.accounts SELECT g, (g - 1) / 100000 + 1, 0, '' FROM generate_series(1, $N) g;
VACUUM ANALYZE $S.accounts;
SQL
sql -c "CHECKPOINT" 2>/dev/null || true # needs pg_checkpoint (a superuser); only evens out the runs
jvm_start="$( { /usr/bin/time -f "%e" "$pgbridge" --version >/dev/null; } 2>&1 | tail -1)"

# every slot before the workload: pg_recvlogical's, and each capture's (its first run makes slot, publication and
# watermarks table; stopped before the workload, not timed)
pg_recvlogical -d "$BENCH_URL" --slot "$RECV_SLOT" --create-slot --plugin pgoutput
sql -c "CREATE PUBLICATION $RECV_PUB FOR TABLE $S.stream"
for name in jsonl kafka; do
  capture_config "$name" "$name"
  cap_work0=""
  start_capture "$name"
  wait_slot_active "$name"
  stop_capture "$name"
done

echo "# writing $CHANGES changes in $txns transactions of $TXN_ROWS (nobody reading)" >&2
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
target_num="$(lsn_num "$target")"
echo "# written in $write_secs s, $((wal_bytes / 1000000)) MB of WAL up to $target" >&2

# 1. baseline: pg_recvlogical exits at the first message past the target (the last transaction's commit)
echo "# pg_recvlogical" >&2
/usr/bin/time -f "%e %M %U %S" -o "$dir/recv.time.txt" pg_recvlogical -d "$BENCH_URL" --slot "$RECV_SLOT" --start \
  --endpos "$target" --plugin pgoutput -o proto_version=1 -o "publication_names=$RECV_PUB" -f /dev/null -F 0 \
  > "$dir/recv.log" 2>&1 || { cat "$dir/recv.log" >&2; exit 1; }
read -r recv_secs recv_rss recv_user recv_sys < "$dir/recv.time.txt"
recv_cpu="$(awk -v u="$recv_user" -v s="$recv_sys" 'BEGIN { printf "%.2f", u + s }')"
drop_slots "$RECV_SLOT"

# 2. jsonl
echo "# pgbridge capture run -> jsonl" >&2
drain jsonl
jsonl_secs="$secs" jsonl_work="$work" jsonl_rss="$cap_rss" jsonl_cpu="$cap_cpu"
jsonl_events="$(cat "$dir/jsonl-jsonl"/*.jsonl 2>/dev/null | wc -l)"
jsonl_bytes="$(cat "$dir/jsonl-jsonl"/*.jsonl 2>/dev/null | wc -c)"
[ "$jsonl_events" = "$CHANGES" ] || { echo "jsonl: the files hold $jsonl_events events, not $CHANGES" >&2; exit 1; }
rm -rf "$dir/jsonl-jsonl"; drop_slots "${S}_jsonl"

# 3. kafka
echo "# pgbridge capture run -> kafka ($BOOTSTRAP)" >&2
broker cpu; broker_cpu0="$reply"
drain kafka
kafka_secs="$secs" kafka_work="$work" kafka_rss="$cap_rss" kafka_cpu="$cap_cpu"
broker cpu; broker_cpu="$(awk -v a="$broker_cpu0" -v b="$reply" 'BEGIN { printf "%.2f", (b - a) / 1000 }')"
broker count "$TOPIC"; kafka_records="$reply"
[ "$kafka_records" = "$CHANGES" ] || { echo "kafka: topic $TOPIC holds $kafka_records records, not $CHANGES" >&2; exit 1; }
drop_slots "${S}_kafka"

# 4. optional backfill: N rows, psql COPY TO STDOUT > /dev/null against a capture's backfill into the Kafka sink, timed
# until its checkpoint marks the table's backfill done (slot, publication and watermarks table made inside the timing)
if [ "$N" -gt 0 ]; then
  echo "# backfill: $N rows, psql COPY, then pgbridge capture run -> kafka" >&2
  table_bytes="$(sql -At -c "SELECT pg_relation_size('$S.accounts')")"
  /usr/bin/time -f "%e %M %U %S" -o "$dir/copy.time.txt" psql "$BENCH_URL" -X -q -v ON_ERROR_STOP=1 \
    -c "COPY (SELECT * FROM $S.accounts) TO STDOUT" > /dev/null
  read -r copy_secs copy_rss copy_user copy_sys < "$dir/copy.time.txt"
  copy_cpu="$(awk -v u="$copy_user" -v s="$copy_sys" 'BEGIN { printf "%.2f", u + s }')"
  capture_config backfill kafka accounts ""
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
  backfill_rss="$cap_rss" backfill_cpu="$cap_cpu"
  broker count "$BACKFILL_TOPIC"; backfill_records="$reply"
  [ "$backfill_records" = "$N" ] || { echo "kafka: topic $BACKFILL_TOPIC holds $backfill_records records, not $N" >&2; exit 1; }
  drop_slots "${S}_backfill"
fi

# --- report ---
line() { # LABEL COUNT SECONDS BYTES RSS_KB RATIO WORK CPU
  awk -v l="$1" -v r="$2" -v s="$3" -v b="$4" -v m="$5" -v ratio="$6" -v w="$7" -v cpu="$8" 'BEGIN {
    if (s <= 0) s = 0.01
    printf "%-44s %10d %8.2f %11.0f %8.1f %7.0f %8s %7s %7s\n", l, r, s, r / s, b / 1e6 / s, m / 1024, ratio, w, cpu }'
}
ratio() { awk -v base="$1" -v s="$2" 'BEGIN { printf "%.2f", (s > 0 ? base / s : 0) }'; }
echo
echo "pgbridge Kafka sink benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "server: PostgreSQL $(sql -At -c 'SHOW server_version') (fsync $(sql -At -c 'SHOW fsync'), synchronous_commit $(sql -At -c 'SHOW synchronous_commit')); $(pg_recvlogical --version); PGBRIDGE_JAVA_OPTS=$PGBRIDGE_JAVA_OPTS"
echo "broker: Kafka $(tr ':' '\n' < "$dir/broker.classpath" | sed -n 's|.*/kafka-clients-\([0-9.]*\)\.jar$|\1|p' | head -1) KRaft, 1 combined node (Kafka's test kit, its own JVM: $KAFKA_JAVA_OPTS), topic $TOPIC, $PARTITIONS partition(s); sink defaults: idempotent, acks=all, lz4, linger.ms 5"
echo "pgbridge times are wall clock from the command's start, JVM start included (pgbridge --version: $jvm_start s); work s: from its \"starting\" line"
echo
printf "%-44s %10s %8s %11s %8s %7s %8s %7s %7s\n" "run" "events" "seconds" "events/s" "MB/s" "RSS MB" "ratio" "work s" "cpu s"
echo "## streaming: $CHANGES changes ($txns transactions), $((wal_bytes / 1000000)) MB of WAL (MB/s: WAL read)"
line "pg_recvlogical pgoutput > /dev/null (base)" "$CHANGES" "$recv_secs" "$wal_bytes" "$recv_rss" "" "" "$recv_cpu"
line "pgbridge capture run -> jsonl" "$CHANGES" "$jsonl_secs" "$wal_bytes" "$jsonl_rss" \
  "$(ratio "$recv_secs" "$jsonl_secs")" "$jsonl_work" "$jsonl_cpu"
line "pgbridge capture run -> kafka" "$kafka_records" "$kafka_secs" "$wal_bytes" "$kafka_rss" \
  "$(ratio "$recv_secs" "$kafka_secs")" "$kafka_work" "$kafka_cpu"
if [ "$N" -gt 0 ]; then
  echo "## backfill: $N rows, table $((table_bytes / 1000000)) MB (MB/s: table read)"
  line "psql COPY TO STDOUT > /dev/null (base)" "$N" "$copy_secs" "$table_bytes" "$copy_rss" "" "" "$copy_cpu"
  line "pgbridge capture run backfill -> kafka" "$backfill_records" "$backfill_secs" "$table_bytes" "$backfill_rss" \
    "$(ratio "$copy_secs" "$backfill_secs")" "$backfill_work" "$backfill_cpu"
fi
echo
echo "ratio = baseline seconds / pgbridge seconds; cpu s = the process's user + system CPU seconds (GNU time)"
echo "kafka: topic $TOPIC holds $kafka_records records (end offsets, checked = $CHANGES); the broker's JVM used $broker_cpu s of CPU during that run"
[ "$N" -le 0 ] || echo "kafka: topic $BACKFILL_TOPIC holds $backfill_records records (end offsets, checked = $N)"
echo "jsonl written: $((jsonl_bytes / 1000000)) MB ($((jsonl_bytes / CHANGES)) B/event); workload written in $write_secs s"
