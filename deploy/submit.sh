#!/usr/bin/env bash
# Submits a sparkprop command to Spark with a properties file of Spark settings:
#
#   deploy/submit.sh PROPERTIES [SPARK-SUBMIT OPTIONS] train|evaluate|predict [ARGUMENTS]
#
# for example
#
#   deploy/submit.sh deploy/standalone.conf --deploy-mode cluster train --data hdfs:///data/x.csv --out /models/x
#
# The arguments after the command are the launcher's (./sparkprop train --help lists them).
# Uses $SPARK_HOME/bin/spark-submit when SPARK_HOME is set; otherwise runs Spark's own
# org.apache.spark.deploy.SparkSubmit from the Spark jars Maven resolved for the build.
# Either way it adds the JVM flags Spark needs on Java 17 (the parent pom's spark.jvm.options)
# in front of the driver's and executors' extraJavaOptions.
#
# Environment: SPARK_HOME; SPARKPROP_APP_JAR, the application jar (default: the one the build
# makes; a cluster that has it in its image takes a URI such as local:///opt/sparkprop/sparkprop.jar);
# JAVA_HOME.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
launcher="$root/trainer/target/launcher"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

usage() {
  echo "usage: deploy/submit.sh PROPERTIES [SPARK-SUBMIT OPTIONS] train|evaluate|predict [ARGUMENTS]" >&2
  exit 2
}

(( $# >= 2 )) || usage
properties="$1"
shift
[[ -f "$properties" ]] || { echo "submit: $properties: no such properties file" >&2; exit 2; }

# The value of key $1 in the properties file, or nothing. Java properties separate a key from
# its value by '=', ':' or white space; later lines win, as in java.util.Properties.
property() {
  awk -v key="$1" '
    /^[ \t]*([#!]|$)/ { next }
    {
      line = $0
      sub(/^[ \t]+/, "", line)
      k = line
      sub(/[ \t=:].*$/, "", k)
      if (k != key) next
      v = substr(line, length(k) + 1)
      sub(/^[ \t]*[=:]?[ \t]*/, "", v)
      sub(/[ \t]+$/, "", v)
      value = v
    }
    END { print value }' "$properties"
}

# spark-submit's own options come before the sparkprop command; every one of them takes a value
# except the few flags listed here. Java options are collected so that ours can go in front.
submit_options=()
driver_java="$(property spark.driver.extraJavaOptions)"
executor_java="$(property spark.executor.extraJavaOptions)"
deploy_mode="$(property spark.submit.deployMode)"
master="$(property spark.master)"
driver_memory="$(property spark.driver.memory)"
while (( $# )); do
  case "$1" in
    train|evaluate|predict) break ;;
    --verbose|-v|--supervise) submit_options+=("$1"); shift ;;
    --class|--class=*) echo "submit: the main class is sparkprop's; leave out $1" >&2; exit 2 ;;
    --*=*) submit_options+=("$1"); shift ;;
    --*)
      (( $# >= 2 )) || usage
      case "$1=$2" in
        --conf=spark.driver.extraJavaOptions=*) driver_java="${2#*=}" ;;
        --conf=spark.executor.extraJavaOptions=*) executor_java="${2#*=}" ;;
        --conf=spark.submit.deployMode=*|--deploy-mode=*) deploy_mode="${2#*=}"; submit_options+=("$1" "$2") ;;
        --conf=spark.driver.memory=*|--driver-memory=*) driver_memory="${2#*=}"; submit_options+=("$1" "$2") ;;
        --conf=spark.master=*|--master=*) master="${2#*=}"; submit_options+=("$1" "$2") ;;
        *) submit_options+=("$1" "$2") ;;
      esac
      shift 2
      ;;
    *) echo "submit: expected a spark-submit option or train, evaluate or predict, not '$1'" >&2; exit 2 ;;
  esac
done
(( $# )) || usage

[[ -f "$launcher/jvm-options" ]] || { echo "submit: build first: mvn -B -DskipTests package" >&2; exit 2; }
read -r -a jvm_options < "$launcher/jvm-options"
app_jar="${SPARKPROP_APP_JAR:-}"
if [[ -z "$app_jar" ]]; then
  app_jar="$(ls "$root"/trainer/target/app/sparkprop-*.jar 2>/dev/null | head -n 1)"
  [[ -n "$app_jar" ]] || { echo "submit: no application jar; build it: mvn -B -DskipTests package" >&2; exit 2; }
fi

arguments=(--properties-file "$properties" --class dev.sparkprop.cli.Main
  --conf "spark.driver.extraJavaOptions=${jvm_options[*]}${driver_java:+ $driver_java}"
  --conf "spark.executor.extraJavaOptions=${jvm_options[*]}${executor_java:+ $executor_java}"
  ${submit_options[@]+"${submit_options[@]}"} "$app_jar" "$@")

# One BLAS thread per Spark task, for a driver that computes too (local mode).
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
# A master on this machine's loopback interface keeps every Spark process there, this one too
# (Spark would otherwise bind to the address the host name resolves to).
case "$master" in
  local*|spark://127.0.0.1:*|spark://localhost:*) export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}" ;;
esac

if [[ -n "${SPARK_HOME:-}" ]]; then
  exec "$SPARK_HOME/bin/spark-submit" "${arguments[@]}"
fi

# Without a Spark distribution this JVM is spark-submit itself, and in client mode also the
# driver, so it gets the driver's heap and JVM flags here (spark-submit's launcher would).
[[ -f "$launcher/spark-classpath" ]] || { echo "submit: build first: mvn -B -DskipTests package" >&2; exit 2; }
heap="-Xmx${driver_memory:-1g}"
[[ "$deploy_mode" == cluster ]] && heap="-Xmx256m"
# shellcheck disable=SC2086 # the driver's extra options are a list of words, as Spark splits them
exec "$java" "$heap" "${jvm_options[@]}" ${driver_java:-} -cp "$(<"$launcher/spark-classpath")" \
  org.apache.spark.deploy.SparkSubmit "${arguments[@]}"
