package io.cdae.spark.cli;

import io.cdae.io.CdaeModel;
import io.cdae.io.ModelStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's main command, run as a newcomer runs it (a child process of the real script, Spark in local
 * mode from the Maven-resolved jars), writes a model that loads without Spark; a bad option fails with the
 * usage exit code before anything runs.
 */
class ExampleCommandIT {
    private static final Path ROOT = Path.of(System.getProperty("cdae.project.dir", ".."));

    @TempDir
    Path tmp;

    private static Process start(Path log, java.util.Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().remove("SPARK_HOME");
        pb.environment().putAll(env);
        return pb.start();
    }

    @Test
    void mainCommandTrainsOnTheShippedSubsetAndWritesAModelThatLoads() throws Exception {
        Path log = tmp.resolve("example.log");
        Path classLog = Files.createDirectories(tmp.resolve("class-load"));
        Process p = start(log, java.util.Map.of("CDAE_EXAMPLE_DIR", tmp.toString(),
                        "CDAE_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog + "/%p.log"),
                ROOT.resolve("submit-scripts/cdae-example").toString(), "--set", "epochs=3", "--master", "local[2]");
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "timed out");
        String output = Files.readString(log);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("epoch 3/3"), output);
        // the embedded local mode's heap is spark.driver.memory of conf/spark-defaults.conf
        assertTrue(output.contains(" -Xmx4g "), output);
        // and the session runs with that file's settings (Kryo, the result size of training rounds)
        assertTrue(output.contains("serializer org.apache.spark.serializer.KryoSerializer, task result size up to 64m"),
                output);
        if (!Boolean.getBoolean("cdae.class-archive.skip")) {
            // the build wrote the class-data-sharing archive (mvn package), and both JVMs (train, score) mapped it:
            // Spark's classes came from it, not from the jars
            assertTrue(output.contains(" -XX:SharedArchiveFile="), output);
            List<Path> logs;
            try (var files = Files.list(classLog)) {
                logs = files.toList();
            }
            assertEquals(2, logs.size(), logs.toString());
            for (Path l : logs) {
                String loads = Files.readString(l);
                assertTrue(loads.contains("org.apache.spark.sql.SparkSession source: shared objects file (top)"),
                        l + ": SparkSession not loaded from the class archive");
            }
        }
        CdaeModel model = ModelStore.load(tmp.resolve("model"));
        assertEquals(3, model.epochs());
        assertEquals(784, model.config().inputWidth());
        assertTrue(Files.exists(tmp.resolve("model").resolve("training-report.html")));
    }

    @Test
    void missingOptionsAndBadConfigValuesFailWithTheUsageExitCode() throws Exception {
        Path log = tmp.resolve("usage.log");
        Process p = start(log, java.util.Map.of(), ROOT.resolve("submit-scripts/cdae-train").toString(), "--input", "x");
        assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        assertEquals(ExitCodes.USAGE, p.exitValue());
        assertTrue(Files.readString(log).contains("missing required option --output"));

        Process q = start(log, java.util.Map.of(), ROOT.resolve("submit-scripts/cdae-train").toString(),
                "--input", ROOT.resolve("data/fmnist_trouser_small.csv.gz").toString(), "--output",
                tmp.resolve("m").toString(), "--set", "learning-rate=fast");
        assertTrue(q.waitFor(5, TimeUnit.MINUTES));
        String out = Files.readString(log);
        assertEquals(ExitCodes.USAGE, q.exitValue(), out);
        assertTrue(out.contains("'learning-rate'"), out);
        assertTrue(!Files.exists(tmp.resolve("m")), "nothing written on a usage error");
    }
}
