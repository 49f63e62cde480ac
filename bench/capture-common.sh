# Shared by bench/cdc.sh and bench/kafka.sh (sourced, not run): SQL, timing, cleanup, and the captures they start,
# stop and report on. The script sets first: BENCH_URL, S (schema, and prefix of slots and publications), dir (its
# work directory), PGBRIDGE_HOME, pgbridge (the launcher), CAPTURE (the captures' name prefix and the connection id
# its AIRFLOW_CONN_<ID> variable holds); for the kafka sink BOOTSTRAP and TOPIC_PREFIX; and, to stop more at exit,
# a function cleanup_more.

sql() { psql "$BENCH_URL" -X -q -v ON_ERROR_STOP=1 "$@"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
lsn_num() { local hi="${1%/*}" lo="${1#*/}"; echo $(( (16#$hi << 32) | 16#$lo )); }

# --- cleanup: every process started here (by PID), the slots, publications, schema and work directory ---
pids=() # background processes not yet waited for: only those may be signalled (a reaped PID can be reused)
forget() { local p keep=(); for p in "${pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done; pids=("${keep[@]}"); }
# drop_slots PREFIX: drops the slots whose name starts with PREFIX; a walsender may need a moment to let go of its
# slot, and after 5 s it is ended
drop_slots() {
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
cleanup() {
  local status=$? p
  trap - EXIT INT TERM
  for p in "${pids[@]}"; do
    # the process itself and its children (time → java, pgbench), by PID
    for c in $(ps -o pid= --ppid "$p" 2>/dev/null); do kill -TERM "$c" 2>/dev/null || true; done
    kill -TERM "$p" 2>/dev/null || true
  done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
  if declare -F cleanup_more >/dev/null; then cleanup_more; fi # what the script started besides (kafka.sh: its broker)
  drop_server_objects
  rm -rf "${dir:?}"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the captures ---
# capture_config NAME TABLE SKIP [SINK]: writes $dir/NAME.yaml (slot, publication and watermarks table of its own);
# SINK is jsonl (default: files in $dir/jsonl-NAME), stdout or kafka (the broker at $BOOTSTRAP, topics $TOPIC_PREFIX.*)
capture_config() {
  local name="$1" table="$2" skip="$3" sink="${4:-jsonl}" sink_yaml
  mkdir -p "$dir/jsonl-$name"
  case "$sink" in
    stdout) sink_yaml="{type: stdout}" ;;
    kafka) sink_yaml="{type: kafka, bootstrapServers: \"$BOOTSTRAP\", topicPrefix: $TOPIC_PREFIX}" ;;
    *) sink_yaml="{type: jsonl, dir: $dir/jsonl-$name}" ;;
  esac
  cat > "$dir/$name.yaml" <<YAML
name: ${CAPTURE}_$name
connection: $CAPTURE
advanced: {slotName: ${S}_$name, publicationName: ${S}_$name, watermarksTable: $S.wm_$name,
           skip_backfills: "$skip"}
bindings: [{namespace: $S, stream: $table}]
sink: $sink_yaml
YAML
}
checkpoint() { echo "$PGBRIDGE_HOME/captures/${CAPTURE}_$1/checkpoint.json"; }
checkpoint_lsn() { sed -n 's/.*"commit_lsn" *: *"\([0-9A-Fa-f]*\/[0-9A-Fa-f]*\)".*/\1/p' "$(checkpoint "$1")" 2>/dev/null || true; }
# start_capture NAME [stdout]: runs `capture run` under GNU time in the background; sets cap_pid (the time process),
# cap_t0; with stdout, its standard output goes through a pipe to `grep -c`, which writes the count of event lines
# (not the JVM's own messages, such as JFR's) to $dir/NAME.count
start_capture() {
  local name="$1"
  cap_t0="$(now)"
  if [ "${2:-}" = stdout ]; then
    rm -f "$dir/$name.count" "$dir/$name.fifo"
    mkfifo "$dir/$name.fifo"
    grep -c "^{" < "$dir/$name.fifo" > "$dir/$name.count" &
    counter_pid=$!
    pids+=("$counter_pid")
    /usr/bin/time -f "%e %M %U %S" -o "$dir/$name.time.txt" \
      "$pgbridge" capture run --config "$dir/$name.yaml" --status-every 0 > "$dir/$name.fifo" 2> "$dir/$name.log" &
  else
    /usr/bin/time -f "%e %M %U %S" -o "$dir/$name.time.txt" \
      "$pgbridge" capture run --config "$dir/$name.yaml" --status-every 0 > "$dir/$name.log" 2>&1 &
  fi
  cap_pid=$!
  pids+=("$cap_pid")
}
alive() { kill -0 "$cap_pid" 2>/dev/null || { echo "capture $1 exited early:" >&2; cat "$dir/$1.log" >&2; exit 1; }; }
# the moment the capture printed "starting" (JVM up, config read): work seconds are counted from there
mark_started() { [ -n "$cap_work0" ] || ! grep -q ': starting (' "$dir/$1.log" || cap_work0="$(now)"; }
# stop_capture NAME: SIGTERM to the JVM (GNU time's child), waits; sets cap_rss (KB)
stop_capture() {
  local name="$1" child i
  child="$(ps -o pid= --ppid "$cap_pid" | tr -d ' ' | head -1)"
  [ -n "$child" ] && kill -TERM "$child" 2>/dev/null || true
  for i in $(seq 600); do kill -0 "$cap_pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$cap_pid" 2>/dev/null; then
    echo "capture $name did not stop within 60 s of SIGTERM; killing it" >&2
    [ -n "$child" ] && kill -KILL "$child" 2>/dev/null || true
  fi
  local rc=0; wait "$cap_pid" || rc=$?
  forget "$cap_pid"
  [ "$rc" = 0 ] || { echo "capture $name failed (exit $rc):" >&2; cat "$dir/$name.log" >&2; exit 1; }
  cap_rss="$(awk 'END { print $2 }' "$dir/$name.time.txt")"
  cap_cpu="$(awk 'END { printf "%.2f", $3 + $4 }' "$dir/$name.time.txt")" # user + system CPU seconds
}
wait_slot_active() { # the capture streams from its slot
  local name="$1" i
  for i in $(seq 1200); do
    alive "$name"
    [ "$(sql -At -c "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '${S}_$name' AND active")" = 1 ] && return
    sleep 0.1
  done
  echo "capture $name did not start streaming within 120 s" >&2; cat "$dir/$name.log" >&2; exit 1
}
# drain NAME [stdout]: runs the capture from its start until its checkpoint passes $target_num (the LSN of the
# workload's last change; a checkpoint is written after the sink made the events durable); sets secs, work (from its
# "starting" line), cap_rss, cap_cpu
drain() {
  local name="$1" l t1
  cap_work0=""
  start_capture "$name" "${2:-}"
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
lines_in() { cat "$dir/jsonl-$1"/*.jsonl 2>/dev/null | wc -l; }
bytes_in() { cat "$dir/jsonl-$1"/*.jsonl 2>/dev/null | wc -c; }

# --- report ---
line() { # LABEL COUNT SECONDS BYTES RSS_KB RATIO WORK CPU
  awk -v l="$1" -v r="$2" -v s="$3" -v b="$4" -v m="$5" -v ratio="$6" -v w="$7" -v cpu="$8" 'BEGIN {
    if (s <= 0) s = 0.01
    printf "%-44s %10d %8.2f %11.0f %8.1f %7.0f %8s %7s %7s\n", l, r, s, r / s, b / 1e6 / s, m / 1024, ratio, w, cpu }'
}
ratio() { awk -v base="$1" -v s="$2" 'BEGIN { printf "%.2f", (s > 0 ? base / s : 0) }'; }
