# Shared by the bench scripts (sourced, not run): the launcher's class-data files made before anything is timed.
#
# bin/pgbridge keeps one class-data file per command next to the jar (JDK 25+: an ahead-of-time cache, recorded by a
# command's first run and assembled in the background by its second; JDK 19-24: a dynamic CDS archive written at the
# first run's exit). A timed run that records (the recording is written at exit) or that races the assembly for the
# CPU measures the launcher's first runs, not the command: warm_launcher runs a command twice, untimed, and waits
# until nothing is being recorded or assembled, as a user's third run finds it.

# settle_class_data DIR: waits (at most 120 s) until no cache is being assembled in DIR (the launcher's assembler
# holds pgbridge-<jdk>-<command>.aotlock from its start to its end; JDK 19-24 write their archive at the run's exit)
settle_class_data() {
  local target="$1" deadline=$((SECONDS + 120))
  while [ $SECONDS -lt $deadline ]; do
    if ! ls "$target" 2>/dev/null | grep -Eq '\.aotlock$|\.aot\..*\.tmp$'; then return 0; fi
    sleep 0.5
  done
  echo "warning: class-data files still being written after 120 s" >&2
}

# warm_launcher CMD...: runs CMD (a pgbridge command line, output discarded) twice, each followed by settle_class_data
warm_launcher() {
  local target="${WARM_TARGET:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)/pgbridge-cli/target}" round
  for round in 1 2; do
    "$@" >/dev/null 2>&1 || true
    settle_class_data "$target"
  done
}

# java_bin_21: prints the first java of JDK 21 or newer (the launcher's search order: JAVA_HOME, PATH, /usr/lib/jvm),
# or fails with a message
java_bin_21() {
  local candidate major
  for candidate in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    major="$("$candidate" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
    if [ "${major:-0}" -ge 21 ] 2>/dev/null; then echo "$candidate"; return 0; fi
  done
  echo "a JDK 21 or newer is needed" >&2
  return 1
}
