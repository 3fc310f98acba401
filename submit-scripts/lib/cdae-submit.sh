# Shared by the cdae-* wrappers (sourced, not run): finds the build, chooses spark-submit or the embedded
# local mode, prints the command line it runs, and runs it. Exit codes: 64 usage, 65 input, 70 runtime.

CDAE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CDAE_TARGET="$CDAE_ROOT/spark-job/target"

# Java 17 module openings Spark and ND4J need, and the incubating Vector API the fused training step uses (the
# same list as the pom's surefire argLine; the JVM prints one "WARNING: Using incubator modules" line for it).
CDAE_JAVA_OPENS="--add-modules=jdk.incubator.vector --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
--add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
--add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
--add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED \
--add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false"

cdae_die_usage() {
  echo "$CDAE_PROG: $1" >&2
  echo "usage: $CDAE_USAGE" >&2
  exit 64
}

# cdae_require OPTION ARGS...: fails with a usage error unless OPTION is among ARGS.
cdae_require() {
  local want="$1"; shift
  local a
  for a in "$@"; do
    [[ "$a" == "$want" || "$a" == "$want="* ]] && return 0
  done
  cdae_die_usage "missing required option $want"
}

cdae_app_jar() {
  local jar
  for jar in "$CDAE_TARGET"/cdae-spark-job-*.jar; do
    case "$jar" in *-sources.jar|*-tests.jar|*-shaded.jar) continue ;; esac
    [[ -f "$jar" ]] && { echo "$jar"; return 0; }
  done
  return 1
}

cdae_shaded_jar() {
  local jar
  for jar in "$CDAE_TARGET"/cdae-spark-job-*-shaded.jar; do
    [[ -f "$jar" ]] && { echo "$jar"; return 0; }
  done
  return 1
}

cdae_ensure_built() {
  if ! cdae_app_jar >/dev/null || ! cdae_shaded_jar >/dev/null || [[ ! -f "$CDAE_TARGET/classpath.txt" ]]; then
    echo "$CDAE_PROG: no build found; building once with: mvn -B -DskipTests package" >&2
    (cd "$CDAE_ROOT" && mvn -q -B -DskipTests package) || { echo "$CDAE_PROG: build failed" >&2; exit 70; }
  fi
}

cdae_spark_submit_binary() {
  if [[ -n "${SPARK_HOME:-}" && -x "$SPARK_HOME/bin/spark-submit" ]]; then
    echo "$SPARK_HOME/bin/spark-submit"
  elif command -v spark-submit >/dev/null 2>&1; then
    command -v spark-submit
  else
    return 1
  fi
}

# cdae_spark_defaults: the Spark defaults file every job runs with (CDAE_SPARK_DEFAULTS, else conf/spark-defaults.conf).
cdae_spark_defaults() {
  echo "${CDAE_SPARK_DEFAULTS:-$CDAE_ROOT/conf/spark-defaults.conf}"
}

# cdae_driver_memory: spark.driver.memory of the Spark defaults file, as a JVM heap size (4g, 4096m; Spark's
# "4gb" spelling too); empty when the file does not set it. The key and its value are separated as Java's
# properties files allow (spaces, "=" or ":"), the last setting wins, as when Spark reads the file.
cdae_driver_memory() {
  local file; file="$(cdae_spark_defaults)"
  [[ -f "$file" ]] || return 0
  awk '{ sub(/^[ \t]+/, "") }
       match($0, /^spark\.driver\.memory[ \t]*[=: \t][ \t]*/) {
         v = tolower(substr($0, RLENGTH + 1)); sub(/[ \t\r]+$/, "", v); sub(/b$/, "", v); print v }' "$file" | tail -1
}

# cdae_submit MAIN_CLASS ARGS...: runs MAIN_CLASS through spark-submit (or Spark's SparkSubmit from the
# Maven-resolved jars in local mode when there is no Spark install). --master URL is taken out of ARGS.
cdae_submit() {
  local main="$1"; shift
  local master="" args=()
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --master) [[ $# -ge 2 ]] || cdae_die_usage "--master needs a URL"; master="$2"; shift 2 ;;
      --master=*) master="${1#--master=}"; shift ;;
      *) args+=("$1"); shift ;;
    esac
  done
  cdae_ensure_built
  local jar; jar="$(cdae_app_jar)"
  local cmd=()
  local submit
  if submit="$(cdae_spark_submit_binary)"; then
    # A Spark installation: the shaded application jar and conf/spark-defaults.conf, plus any options in
    # CDAE_SUBMIT_OPTS (e.g. "--deploy-mode cluster --num-executors 8 --principal p --keytab k").
    # Split on whitespace only: no pathname expansion, so values such as
    # spark.yarn.jars=local:/opt/spark/jars/* reach spark-submit as written.
    set -f
    # shellcheck disable=SC2206
    local submit_opts=(${CDAE_SUBMIT_OPTS:-})
    set +f
    cmd=("$submit")
    [[ -n "$master" ]] && cmd+=(--master "$master")
    cmd+=(--class "$main" --properties-file "$(cdae_spark_defaults)"
          "${submit_opts[@]}" "$(cdae_shaded_jar)" "${args[@]}")
  else
    # No Spark installation: Spark's own launcher class, from the jars Maven resolved.
    echo "$CDAE_PROG: Spark local mode from the Maven-resolved jars (CLASSPATH=$jar + spark-job/target/classpath.txt)" >&2
    cdae_local_command "${master:-local[*]}" "$main" "${args[@]}"
    cmd=("${CDAE_CMD[@]}")
  fi
  printf '+' >&2; printf ' %q' "${cmd[@]}" >&2; printf '\n' >&2
  exec "${cmd[@]}"
}

# cdae_local_command MASTER MAIN_CLASS ARGS...: sets CDAE_CMD to the java command line of the embedded local mode
# (Spark's own launcher class from the jars Maven resolved, no Spark installation) and exports its CLASSPATH.
cdae_local_command() {
  local master="$1" main="$2"; shift 2
  local jar; jar="$(cdae_app_jar)"
  local log4j="-Dlog4j2.configurationFile=file:$CDAE_ROOT/conf/log4j2.properties"
  [[ -z "${SPARK_LOCAL_IP:-}" ]] && export SPARK_LOCAL_IP=127.0.0.1
  # shellcheck disable=SC2206
  local opens=($CDAE_JAVA_OPENS)
  # shellcheck disable=SC2206
  local extra=(${CDAE_JAVA_OPTS:-})
  # The classpath travels in CLASSPATH (not -cp) so that the printed command line stays readable.
  export CLASSPATH="$jar:$(cat "$CDAE_TARGET/classpath.txt")"
  # Spark's progress bar redraws one terminal line; in a log file (cron, Airflow) it is noise, so it is on only
  # when stderr is a terminal. Logs get the jobs' per-epoch lines and a line per long Spark stage instead.
  local progress=false
  [[ -t 2 ]] && progress=true
  # The driver is the whole of a local-mode job: its heap is spark.driver.memory of the defaults file, as
  # spark-submit would set it (an -Xmx in CDAE_JAVA_OPTS comes later and wins).
  local heap; heap="$(cdae_driver_memory)"
  # The build's class-data-sharing archive, when there is a whole one (cdae_class_archive).
  local archive=()
  local a; a="$(cdae_class_archive)" && archive=("-XX:SharedArchiveFile=$a" -Xlog:cds=off,cds+dynamic=off)
  # The same defaults file as with an installation (Kryo and its registrator, result sizes, ...): without it a
  # local-mode job ran on Spark's built-in defaults (Java serialization of every task result).
  CDAE_CMD=(java "${opens[@]}" ${heap:+"-Xmx$heap"} "${archive[@]}" "${extra[@]}" "$log4j"
            org.apache.spark.deploy.SparkSubmit --master "$master"
            --properties-file "$(cdae_spark_defaults)"
            --conf "spark.ui.showConsoleProgress=$progress" --conf spark.ui.enabled=false
            --class "$main" "$jar" "$@")
}

# cdae_class_archive: the path of the class-data-sharing archive that the build writes for the embedded local
# mode (submit-scripts/lib/write-class-archive.sh), when it is whole: its size is the one the writer recorded (a
# JVM mapping a truncated archive crashes). Fails when there is none. The JVM itself ignores an archive whose jars
# or JVM differ from those it was written with (a later build, another Java), and the job then starts as it
# would without one: loading its classes from the jars, about 3 s slower (docs/BENCHMARKS.md, session 9).
cdae_class_archive() {
  local archive="$CDAE_TARGET/cdae-classes.jsa"
  [[ -f "$archive" && -f "$archive.size" ]] || return 1
  [[ "$(stat -c %s "$archive" 2>/dev/null)" == "$(cat "$archive.size")" ]] || return 1
  echo "$archive"
}

# cdae_java MAIN_CLASS ARGS...: runs a command that needs no Spark cluster in a plain JVM.
cdae_java() {
  local main="$1"; shift
  cdae_ensure_built
  local jar; jar="$(cdae_app_jar)"
  # shellcheck disable=SC2206
  local opens=($CDAE_JAVA_OPENS)
  export CLASSPATH="$jar:$(cat "$CDAE_TARGET/classpath.txt")"
  local cmd=(java "${opens[@]}" -Dorg.bytedeco.javacpp.maxbytes=2g -Dorg.bytedeco.javacpp.maxphysicalbytes=0 "-Dlog4j2.configurationFile=file:$CDAE_ROOT/conf/log4j2.properties" "$main" "$@")
  exec "${cmd[@]}"
}
