#!/usr/bin/env bash
# A real Spark standalone cluster on this machine: one master and two workers, each its own JVM
# bound to 127.0.0.1, run from the Spark jars Maven resolved for the build. Executors and
# cluster-mode drivers are further JVMs that the workers start. Meant for trying spark-submit
# and for the integration tests; see deploy/README.md.
#
#   deploy/local-cluster.sh up|down|status [RUN_DIR]
#
# RUN_DIR (default: runs/local-cluster) holds everything: a Spark home whose jars/ links to the
# resolved jars, each daemon's log and pid file, the workers' work directories, the event log,
# and spark.conf, the properties to submit with. `down` stops exactly what `up` started: each
# daemon is the leader of its own process group, which holds the executors and drivers its
# worker launched, and only members whose command line names RUN_DIR are signalled.
#
# Settings (environment): SPARKPROP_MASTER_PORT (default 7077; 0 picks a free port),
# SPARKPROP_MASTER_UI_PORT (8080; 0 picks one), SPARKPROP_WORKER_CORES (2),
# SPARKPROP_WORKER_MEMORY (2g), SPARKPROP_DAEMON_MEMORY (256m), JAVA_HOME.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
launcher="$root/trainer/target/launcher"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
workers=(worker-1 worker-2)
wait_seconds=120

usage() {
  echo "usage: deploy/local-cluster.sh up|down|status [RUN_DIR]" >&2
  exit 2
}

(( $# >= 1 && $# <= 2 )) || usage
command="$1"
[[ "$command" =~ ^(up|down|status)$ ]] || usage
run="${2:-$root/runs/local-cluster}"
mkdir -p "$run"
run="$(cd "$run" && pwd)"

# The pids of the process group led by $1 whose command line names the run directory: the
# daemon itself and the JVMs it launched, never an unrelated process that reused a number.
members() {
  ps -ww -eo pid=,pgid=,args= | awk -v g="$1" -v run="$run/" '$2 == g && index($0, run) { print $1 }'
}

# "running PID" when the daemon in $1 (master, worker-1, ...) is alive, else "stopped".
state() {
  local pidfile="$run/$1/pid" pid
  if [[ -f "$pidfile" ]]; then
    pid="$(<"$pidfile")"
    if [[ -n "$pid" ]] && members "$pid" | grep -qx "$pid"; then
      echo "running $pid"
      return
    fi
  fi
  echo "stopped"
}

# Starts a daemon as the leader of a new session (so of a new process group) and records its pid.
start() {
  local name="$1"
  shift
  local dir="$run/$name"
  mkdir -p "$dir"
  rm -f "$dir/pid"
  : > "$dir/log"
  # bash writes its own pid, then becomes the JVM: the pid file names the JVM itself.
  setsid bash -c 'echo $$ > "$0"; exec "$@"' "$dir/pid" \
    env SPARK_HOME="$run/spark-home" SPARK_CONF_DIR="$run/spark-home/conf" SPARK_SCALA_VERSION="$scala" \
      SPARK_LOCAL_IP=127.0.0.1 \
      SPARK_LOCAL_DIRS="$dir/local" OPENBLAS_NUM_THREADS=1 \
    "$java" "-Xmx${SPARKPROP_DAEMON_MEMORY:-256m}" "${jvm_options[@]}" \
      -Dspark.master.rest.enabled=false \
      -cp "$run/spark-home/jars/*" "$@" \
    > "$dir/log" 2>&1 < /dev/null &
  local waited=0
  until [[ -s "$dir/pid" ]]; do
    sleep 0.1
    (( ++waited < 100 )) || fail "$name did not start"
  done
}

# Waits until the daemon's log has a line matching $2; gives up if it died or took too long.
await() {
  local name="$1" pattern="$2" deadline=$((SECONDS + wait_seconds))
  until grep -qE "$pattern" "$run/$name/log"; do
    [[ "$(state "$name")" == running* ]] || fail "$name exited during start-up"
    (( SECONDS < deadline )) || fail "$name not ready after $wait_seconds s"
    sleep 0.2
  done
}

fail() {
  echo "local-cluster: $1; last lines of the logs under $run:" >&2
  for log in "$run"/*/log; do
    [[ -f "$log" ]] && { echo "--- $log" >&2; tail -n 5 "$log" >&2; }
  done
  stop_all >&2
  exit 1
}

# Stops one daemon's process group: TERM first, so a worker can stop its executors cleanly,
# then KILL whatever is left after 15 s.
stop() {
  local name="$1" pidfile="$run/$1/pid" pid pids
  [[ -f "$pidfile" ]] || return 0
  pid="$(<"$pidfile")"
  pids="$(members "$pid")"
  if [[ -n "$pids" ]]; then
    echo "stopping $name: pids" $pids
    kill -TERM $pids 2>/dev/null || true
    local deadline=$((SECONDS + 15))
    while [[ -n "$(members "$pid")" ]] && (( SECONDS < deadline )); do
      sleep 0.2
    done
    pids="$(members "$pid")"
    if [[ -n "$pids" ]]; then
      echo "killing what is left of $name: pids" $pids
      kill -KILL $pids 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
}

stop_all() {
  for name in "${workers[@]}" master; do
    stop "$name"
  done
}

up() {
  [[ -f "$launcher/spark-classpath" && -f "$launcher/jvm-options" ]] \
    || { echo "local-cluster: build first: mvn -B -DskipTests package" >&2; exit 2; }
  local running=0 name
  for name in master "${workers[@]}"; do
    [[ "$(state "$name")" == running* ]] && running=$((running + 1))
  done
  if (( running == 1 + ${#workers[@]} )); then
    echo "already up: $(<"$run/master-url")"
    return
  elif (( running > 0 )); then
    echo "local-cluster: partly running in $run; run 'deploy/local-cluster.sh down' first" >&2
    exit 1
  fi
  read -r -a jvm_options < "$launcher/jvm-options"

  # A Spark home as a distribution lays it out, so the workers can launch executors from it.
  rm -rf "$run/spark-home"
  mkdir -p "$run/spark-home/jars" "$run/spark-home/conf" "$run/events"
  local jars
  IFS=: read -r -a jars < "$launcher/spark-classpath" || (( ${#jars[@]} ))
  ln -s "${jars[@]}" "$run/spark-home/jars/"
  # Spark's launcher, which the workers use for executors, asks for the Scala version of the jars.
  scala="$(printf '%s\n' "${jars[@]}" | grep -oE 'spark-core_[0-9.]+[0-9]' | head -n 1)"
  scala="${scala#spark-core_}"

  start master org.apache.spark.deploy.master.Master --host 127.0.0.1 \
    --port "${SPARKPROP_MASTER_PORT:-7077}" --webui-port "${SPARKPROP_MASTER_UI_PORT:-8080}"
  await master "Starting Spark master at spark://"
  await master "elected leader"
  local url ui
  url="$(grep -oE 'Starting Spark master at spark://[^ ]+' "$run/master/log" | head -n 1 | awk '{print $NF}')"
  ui="$(grep -oE 'http://[^ ]+:[0-9]+' "$run/master/log" | head -n 1 || true)"
  echo "$url" > "$run/master-url"

  for name in "${workers[@]}"; do
    start "$name" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --port 0 --webui-port 0 \
      --cores "${SPARKPROP_WORKER_CORES:-2}" --memory "${SPARKPROP_WORKER_MEMORY:-2g}" \
      --work-dir "$run/$name/work" "$url"
  done
  for name in "${workers[@]}"; do
    await "$name" "Successfully registered with master"
  done

  # What to submit with: the template, then what only this run knows (later keys win).
  { cat "$here/local-cluster.conf"
    echo
    echo "# Added by deploy/local-cluster.sh up for this run."
    echo "spark.master                 $url"
    echo "spark.eventLog.dir           file://$run/events"
  } > "$run/spark.conf"

  echo "master $url (web UI ${ui:-unknown}), ${#workers[@]} workers"
  echo "submit with: deploy/submit.sh $run/spark.conf train --data digits"
}

status() {
  local all=0 name s
  for name in master "${workers[@]}"; do
    s="$(state "$name")"
    if [[ "$s" == running* ]]; then
      local n
      n="$(members "${s#running }" | wc -l)"
      printf '%-9s running  pid %-8s %s\n' "$name" "${s#running }" \
        "$([[ $n -gt 1 ]] && echo "and $((n - 1)) JVMs it launched")"
    else
      printf '%-9s stopped\n' "$name"
      all=1
    fi
  done
  [[ "$(state master)" == running* && -f "$run/master-url" ]] && echo "master URL: $(<"$run/master-url")"
  return $all
}

case "$command" in
  up) up ;;
  down) stop_all ;;
  status) status ;;
  *) usage ;;
esac
