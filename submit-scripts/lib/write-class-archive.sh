#!/usr/bin/env bash
# Writes the class-data-sharing archive of the embedded local mode, spark-job/target/cdae-classes.jsa: the
# build runs this after packaging spark-job (mvn package; -Dcdae.class-archive.skip=true skips it). A local-mode
# cdae-* command spends about 3 of its first 10 s loading and verifying classes from some 200 jars (Spark SQL,
# Hadoop, ND4J); with the archive the JVM maps them ready-made (docs/BENCHMARKS.md, session 9). The archive is
# written by the JVM of one short training run on the shipped example data (-XX:ArchiveClassesAtExit: the classes
# that run loaded), to a temporary name, then moved into place with its size beside it, which the commands check
# before they use it (cdae_class_archive in cdae-submit.sh). An archive newer than the jars it was written from is
# kept. Never fails the build: without an archive the commands start as before.
set -uo pipefail
CDAE_PROG=write-class-archive
# shellcheck source=cdae-submit.sh
source "$(dirname "${BASH_SOURCE[0]}")/cdae-submit.sh"
archive="$CDAE_TARGET/cdae-classes.jsa"
jar="$(cdae_app_jar)" || { echo "class archive: no application jar in $CDAE_TARGET; not written"; exit 0; }
if cdae_class_archive >/dev/null && [[ "$archive" -nt "$jar" && "$archive" -nt "$CDAE_TARGET/classpath.txt" ]]; then
  echo "class archive: $archive is up to date"
  exit 0
fi
rm -f "$archive" "$archive.size"
work="$CDAE_TARGET/class-archive-run"
rm -rf "$work"
mkdir -p "$work"
# the run's own options only: the JVM logs a warning per class it cannot archive (classes generated at run time)
CDAE_JAVA_OPTS="-XX:ArchiveClassesAtExit=$work/classes.jsa -Xlog:cds=off,cds+dynamic=off"
cdae_local_command "local[2]" io.cdae.spark.cli.TrainCommand --input "$CDAE_ROOT/data/fmnist_trouser_small.csv.gz" \
  --output "$work/model" --set epochs=1
start=$SECONDS
if "${CDAE_CMD[@]}" > "$work/run.log" 2>&1 && [[ -s "$work/classes.jsa" ]]; then
  mv "$work/classes.jsa" "$archive.tmp" && stat -c %s "$archive.tmp" > "$archive.size" && mv "$archive.tmp" "$archive"
  echo "class archive: $archive ($(( $(cat "$archive.size") / 1048576 )) MiB, written in $(( SECONDS - start )) s)"
  rm -rf "$work"
else
  rm -f "$archive.size"
  echo "class archive: not written (the cdae-* commands start without it; the run's output is in $work/run.log)"
fi
exit 0
