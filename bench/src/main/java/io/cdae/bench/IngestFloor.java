package io.cdae.bench;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The least any Spark job that trains on a CSV file must spend before its first minibatch (docs/BENCHMARKS.md,
 * "what the targets would take"): in a fresh JVM started as cdae-train starts it, the time to a running Spark
 * session, to the CSV's header (Spark's schema inference), and one typed pass over every row (Spark's CSV reader,
 * every column a double, FAILFAST: the plain read without the project's caching, column choice, split,
 * statistics or blocks), then the same pass again in the warm JVM. Min-max scaling, the shipped default that the
 * benchmark pins, needs every row's values before the first minibatch can be scaled, so no job can start training
 * before one such pass has ended. Prints one line of seconds since the JVM started.
 *
 * <p>Usage: {@code IngestFloor CSV [MASTER]} (default {@code local[2]}); launched by Spark's launcher
 * ({@code SparkSubmit}, as bench/e2e-vs-torch does, with the defaults file cdae-train reads) it takes the master
 * and settings it was given.
 */
public final class IngestFloor {
    private IngestFloor() {
    }

    public static void main(String[] args) {
        String csv = args[0];
        String master = args.length > 1 ? args[1] : "local[2]";
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        double main = since(jvmStart);
        SparkSession spark = System.getProperty("spark.master") != null
                ? SparkSession.builder().appName("ingest-floor").getOrCreate()
                : BenchSessions.local(master, "ingest-floor");
        double session = since(jvmStart);
        StructType header = spark.read().option("header", "true").csv(csv).schema();
        double headerRead = since(jvmStart);
        StructType typed = new StructType();
        for (StructField f : header.fields()) {
            typed = typed.add(DataTypes.createStructField(f.name(), DataTypes.DoubleType, true));
        }
        double[] passes = new double[2];
        long rows = 0;
        for (int i = 0; i < passes.length; i++) {
            long t0 = System.nanoTime();
            Dataset<Row> df = spark.read().option("header", "true").option("mode", "FAILFAST").schema(typed).csv(csv);
            int last = typed.fields().length - 1;
            // every column parsed (the whole schema is read), one value of each row touched
            rows = df.queryExecution().toRdd().toJavaRDD().filter(r -> !Double.isNaN(r.getDouble(last))).count();
            passes[i] = (System.nanoTime() - t0) / 1e9;
        }
        double mb = new java.io.File(csv).length() / 1e6;
        System.out.println(String.format(Locale.ROOT, "ingest-floor master=%s rows=%d columns=%d mb=%.0f main=%.2f "
                        + "session=%.2f header=%.2f first_pass=%.2f first_pass_end=%.2f second_pass=%.2f "
                        + "mb_per_s_per_core_warm=%.1f", spark.sparkContext().master(), rows, typed.fields().length, mb, main, session,
                headerRead, passes[0], headerRead + passes[0], passes[1],
                mb / passes[1] / spark.sparkContext().defaultParallelism()));
        spark.stop();
    }

    private static double since(long epochMillis) {
        return (System.currentTimeMillis() - epochMillis) / 1000.0;
    }
}
