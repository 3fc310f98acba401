package io.cdae.spark;

import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;

/**
 * The shared local Spark session of the tests (one SparkContext per JVM): reused while the requested master
 * stays the same, replaced when a test needs another one. UI off, loopback only.
 */
public final class SparkTestSession {
    private static SparkSession session;
    private static String master;

    private SparkTestSession() {
    }

    public static synchronized SparkSession get(String wantedMaster) {
        if (session != null && wantedMaster.equals(master) && !session.sparkContext().isStopped()) {
            return session;
        }
        if (session != null) {
            session.stop();
        }
        session = SparkSession.builder().master(wantedMaster).appName("cdae-tests")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4")
                // as conf/spark-defaults.conf, so the tests exercise the serialisation a cluster uses
                .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .config("spark.kryo.registrator", "io.cdae.spark.CdaeKryoRegistrator,org.nd4j.kryo.Nd4jRegistrator")
                .getOrCreate();
        session.sparkContext().setLogLevel("WARN");
        master = wantedMaster;
        return session;
    }

    /** The shipped Fashion-MNIST subset. */
    public static Path fashionSubset() {
        return Path.of(System.getProperty("cdae.project.dir", ".."), "data", "fmnist_trouser_small.csv.gz");
    }
}
