package io.cdae.spark;

import java.nio.file.Path;
import java.util.Map;

/**
 * A Spark installation built by {@code submit-scripts/spark-home-from-maven} from the Spark jars Maven resolved
 * ({@code jars/}, {@code bin/spark-class}, {@code bin/spark-submit}): what the cluster tests start daemons with
 * and submit through, as an operator's SPARK_HOME.
 */
public final class SparkHome {
    private final Path dir;

    private SparkHome(Path dir) {
        this.dir = dir;
    }

    /** Builds the installation in {@code dir} (its log beside it, {@code dir.log}). */
    public static SparkHome build(Path dir) throws Exception {
        ChildProcesses.runOrFail(dir.resolveSibling(dir.getFileName() + ".log"),
                ChildProcesses.ROOT.resolve("submit-scripts/spark-home-from-maven").toString(), dir.toString());
        return new SparkHome(dir);
    }

    public Path dir() {
        return dir;
    }

    /** {@code bin/spark-class}, which starts Spark's daemons. */
    public Path sparkClass() {
        return dir.resolve("bin/spark-class");
    }

    /** {@code jars/}: Spark and its dependencies. */
    public Path jars() {
        return dir.resolve("jars");
    }

    /** SPARK_HOME, and SPARK_LOCAL_IP on the loopback address. */
    public Map<String, String> environment() {
        return Map.of("SPARK_HOME", dir.toString(), "SPARK_LOCAL_IP", "127.0.0.1");
    }
}
