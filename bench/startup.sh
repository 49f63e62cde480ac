#!/usr/bin/env bash
# Start-up benchmark (issues 11 and 13): wall time of short commands run by the launcher as a user runs them
# (`pgbridge --version`, `pgbridge conn list` on a home with 20 saved connections, `pgbridge conn list --format json`),
# RUNS times each, median and best printed, against the floor of the same JVM: `java -version` and a class that
# prints one line. The class-data files next to the jar (JDK 25+: per-command ahead-of-time caches; JDK 19-24: a
# dynamic CDS archive) are made first, as a user's first runs make them, so the timed runs are the steady state.
# The server's start to its first API answer is in bench/server.sh.
#
#   bench/startup.sh              RUNS=11
#   RUNS=21 bench/startup.sh
#
# Environment: RUNS (default 11), PGBRIDGE (the launcher, default bin/pgbridge), PGBRIDGE_JAVA_OPTS (passed on).
# Needs no PostgreSQL. A fresh PGBRIDGE_HOME in a temporary directory, removed on exit.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
repo="$(dirname "$here")"
pgbridge="${PGBRIDGE:-$repo/bin/pgbridge}"
RUNS="${RUNS:-11}"
dir="$(mktemp -d "${TMPDIR:-/tmp}/pgbridge-startbench.XXXXXX")"
trap 'rm -rf "${dir:?}"' EXIT
"$pgbridge" --version >/dev/null # builds the jar if needed, outside the timings
export PGBRIDGE_HOME="$dir/home"
target="$repo/pgbridge-cli/target"

# the JVM the launcher picks (its search order: JAVA_HOME, PATH, /usr/lib/jvm)
. "$here/common.sh"
java_bin="$(java_bin_21)"

for i in $(seq 1 20); do
  BENCH_CONN_URI="postgresql://app_$i:s3cret-$i@db-$i.internal.example.com:5432/orders?sslmode=require" \
    "$pgbridge" conn add "pg_$i" --uri-env BENCH_CONN_URI >/dev/null
done
mkdir -p "$dir/hello"
cat > "$dir/hello/Hello.java" <<'JAVA'
public class Hello { public static void main(String[] args) { System.out.println("hello"); } }
JAVA
"$(dirname "$java_bin")/javac" -d "$dir/hello" "$dir/hello/Hello.java" 2>/dev/null || true

# the class-data files: two runs of each command (record, then assemble in the background), then wait for them
warm_launcher "$pgbridge" --version
warm_launcher "$pgbridge" conn list

millis() { # runs "$@" RUNS times; prints the median and the best wall time in ms
  local i t0 t1 times=()
  for i in $(seq 1 "$RUNS"); do
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "%6d %6d", a[int((NR + 1) / 2)], a[1] }'
}

echo "pgbridge start-up benchmark — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$("$java_bin" -version 2>&1 | head -1); PGBRIDGE_JAVA_OPTS=${PGBRIDGE_JAVA_OPTS:-}; $RUNS runs each"
echo "class-data files: $(cd "$target" && ls pgbridge-*.aot pgbridge-*.jsa 2>/dev/null | tr '\n' ' ')"
echo
printf '%-52s %6s %6s %s\n' "command" "p50 ms" "best" "target"
printf '%-52s %s\n' "java -version (the JVM alone, baseline)" "$(millis "$java_bin" -version)"
if [ -f "$dir/hello/Hello.class" ]; then
  printf '%-52s %s\n' "java Hello (a class printing one line, baseline)" "$(millis "$java_bin" -cp "$dir/hello" Hello)"
fi
printf '%-52s %s %s\n' "pgbridge --version" "$(millis "$pgbridge" --version)" "<= 350"
printf '%-52s %s %s\n' "pgbridge conn list (20 connections)" "$(millis "$pgbridge" conn list)" "<= 350"
printf '%-52s %s\n' "pgbridge conn list --format json" "$(millis "$pgbridge" conn list --format json)"
printf '%-52s %s\n' "pgbridge --help (every command's model built)" "$(millis "$pgbridge" --help)"
