# Sourced by bench/cdc.sh with KAFKA=1 (not run): a one-node KRaft broker from Kafka's own test kit
# (bench/KafkaBroker.java, configured like KafkaSinkIT's), in a JVM of its own so the capture's RSS and CPU stay its
# own. It answers "count TOPIC" (records: end minus start offsets), "cpu" (its CPU time in ms) and "stop".
# Needs: here, repo, dir (the work directory), PARTITIONS, KAFKA_JAVA_OPTS; sets BOOTSTRAP; cleanup_more stops it.

. "$here/common.sh"
java_bin="$(java_bin_21)"
kafka_pid="" kafka_in="" kafka_out=""
cleanup_more() { stop_broker; }
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
  coproc BROKER { exec "$java_bin" $KAFKA_JAVA_OPTS -Djava.io.tmpdir="$dir/broker-tmp" \
      -Dlogback.configurationFile="$dir/logback.xml" -cp "$(cat "$dir/broker.classpath")" "$here/KafkaBroker.java" \
      "$PARTITIONS" 2> "$dir/broker.log"; }
  kafka_pid="$BROKER_PID" kafka_out="${BROKER[0]}" kafka_in="${BROKER[1]}" # the numbers: bash unsets BROKER when it exits
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

