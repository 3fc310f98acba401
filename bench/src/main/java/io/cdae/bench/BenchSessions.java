package io.cdae.bench;

import org.apache.spark.sql.SparkSession;

/**
 * The Spark session of the benchmark commands: a local master bound to loopback, no UI, Kryo with the project's
 * registrator (as conf/spark-defaults.conf sets it for the jobs), Spark's log at WARN.
 */
public final class BenchSessions {
    private BenchSessions() {
    }

    /** A session on {@code master} (e.g. {@code local[2]}) named {@code app}. */
    public static SparkSession local(String master, String app) {
        SparkSession spark = SparkSession.builder().master(master).appName(app)
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .config("spark.kryo.registrator", "io.cdae.spark.CdaeKryoRegistrator").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        return spark;
    }
}
