#!/usr/bin/env bash
# Server benchmark (issue 11): how long `pgbridge server` takes from process start to its first successful API
# request, and the latency of listing CONNECTIONS saved connections over the REST API, against reading the same
# connections straight from the control store and `pgbridge conn list --format json`, in the same run. Needs no
# PostgreSQL: the connections are only saved (SQLite control store in a fresh PGBRIDGE_HOME), never opened.
#
#   bench/server.sh                         1,000 connections, 500 timed requests
#   CONNECTIONS=1000 REQUESTS=500 WARMUP=300 CLI_CALLS=5 PORT=18443 bench/server.sh
#
# 1. data: CONNECTIONS connections in tenant `bench` (host, port, database, login, a password, extra with sslmode and
#    application_name, a description), written as an `airflow connections export` JSON file and saved with
#    `pgbridge conn import`; then a viewer token (`pgbridge server token create`).
# 2. start: `pgbridge server` (HTTPS, self-signed) started by the launcher as a user starts it; the clock runs from
#    the process start to the first 200 of GET /api/v1/connections?limit=1. The first start makes the CA and the
#    server certificate under PGBRIDGE_HOME/tls; then one untimed start (on JDK 25+ it turns the first start's class
#    recording into the server's ahead-of-time cache, as a user's second start does; the bench waits for it), then
#    three timed restarts, their median printed.
# 3. listing: WARMUP requests (default 300), then REQUESTS timed requests (default 500) of
#    GET /api/v1/connections?limit=CONNECTIONS, one after another over one TLS keep-alive connection (JDK HttpClient).
#    The server's CPU time over the timed requests (/proc/PID/stat) is printed per request: on a busy machine the
#    latencies measure the machine's load as much as the server, the CPU time much less so. Then the same WARMUP +
#    REQUESTS timed by curl (one process, one keep-alive connection, each transfer's time_total), when curl is there:
#    the JDK client's own threads, copies and collections are part of its row.
# 4. baselines in the same run: the control store read in-process, without HTTP, JSON or TLS
#    (ConnectionStore.listWithoutPasswords, the read the listing does, and ConnectionStore.list, which decrypts every
#    password), and CLI_CALLS (default 5) runs of `pgbridge conn list --format json` (JVM start included).
#
# Environment: CONNECTIONS, REQUESTS, WARMUP, CLI_CALLS, PORT (default 18443; must be free), PGBRIDGE_JAVA_OPTS
# (default -Xmx256m), PGBRIDGE (the launcher, default bin/pgbridge), BENCH_DIR (where the work directory goes, default
# TMPDIR or /tmp). The work directory (PGBRIDGE_HOME with its master key and CA) is removed on exit.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
repo="$(dirname "$here")"
pgbridge="${PGBRIDGE:-$repo/bin/pgbridge}"
CONNECTIONS="${CONNECTIONS:-1000}"
REQUESTS="${REQUESTS:-500}"
WARMUP="${WARMUP:-300}"
CLI_CALLS="${CLI_CALLS:-5}"
PORT="${PORT:-18443}"
TENANT=bench
export PGBRIDGE_JAVA_OPTS="${PGBRIDGE_JAVA_OPTS--Xmx256m}"
[ "$CONNECTIONS" -ge 1 ] && [ "$REQUESTS" -ge 1 ] || { echo "CONNECTIONS and REQUESTS must be at least 1" >&2; exit 2; }

if [ -n "${BENCH_DIR:-}" ]; then mkdir -p "$BENCH_DIR"; fi
dir="$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/pgbridge-serverbench.XXXXXX")"
"$pgbridge" --version >/dev/null # builds the CLI jar now if needed, outside the timings (and before PGBRIDGE_HOME moves)
jar="$repo/pgbridge-cli/target/pgbridge.jar"
export PGBRIDGE_HOME="$dir/home"
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  rm -rf "${dir:?}"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# a JDK >= 21 for the client (the launcher's own search order: JAVA_HOME, PATH, /usr/lib/jvm)
. "$here/common.sh"
java_bin="$(java_bin_21)"

# --- 1. data ---
echo "# saving $CONNECTIONS connections in tenant $TENANT (work dir $dir)" >&2
{
  echo "{"
  for i in $(seq 1 "$CONNECTIONS"); do
    printf '  "pg_%05d": {"conn_type": "postgres", "description": "replica %d of the orders database", "login": "app_%d", ' "$i" "$i" $((i % 50))
    printf '"password": "s3cret-%d p@ss", "host": "db-%d.internal.example.com", "port": %d, "schema": "orders_%d", ' "$i" $((i % 40)) $((5432 + i % 3)) $((i % 20))
    printf '"extra": "{\\"sslmode\\": \\"verify-full\\", \\"application_name\\": \\"etl_%d\\"}"}' "$i"
    [ "$i" -lt "$CONNECTIONS" ] && echo "," || echo
  done
  echo "}"
} > "$dir/connections.json"
t0="$(date +%s.%N)"
"$pgbridge" conn import "$dir/connections.json" --tenant "$TENANT" >/dev/null
import_secs="$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')"
BENCH_TOKEN="$("$pgbridge" server token create --tenant "$TENANT" --role viewer --description bench 2>/dev/null | tail -n 1)"
export BENCH_TOKEN

# --- 2-4. the client: starts the server, times it, lists, and runs the baselines ---
echo "# timing: server start, 1 untimed + 3 timed restarts, $WARMUP + $REQUESTS listings, $REQUESTS store reads, $CLI_CALLS CLI calls" >&2
"$java_bin" --enable-native-access=ALL-UNNAMED -cp "$jar" "$here/ServerBench.java" "$pgbridge" "$PORT" "$TENANT" "$CONNECTIONS" "$REQUESTS" "$WARMUP" \
  "$CLI_CALLS" > "$dir/result.txt"

echo
echo "pgbridge server benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$("$java_bin" -version 2>&1 | head -1); PGBRIDGE_JAVA_OPTS=$PGBRIDGE_JAVA_OPTS; $CONNECTIONS connections saved by conn import in $import_secs s"
echo
cat "$dir/result.txt"
echo
echo "p50/API = the row's p50 / the API's p50. The store read is the floor the API stands on (no HTTP, TLS or JSON);"
echo "the CLI row is what a script pays per listing without a server (a JVM start each time)."
