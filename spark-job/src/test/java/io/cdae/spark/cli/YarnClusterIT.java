package io.cdae.spark.cli;

import io.cdae.io.CdaeModel;
import io.cdae.spark.ChildProcesses;
import io.cdae.spark.MiniHdfs;
import io.cdae.spark.MiniYarn;
import io.cdae.spark.SparkHome;
import io.cdae.spark.SparkTestSession;
import io.cdae.spark.io.ModelRepository;
import io.cdae.spark.ml.ScoreColumns;
import io.cdae.spark.score.ScoreJob;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end on YARN: a MiniYARNCluster (ResourceManager and one NodeManager whose containers are processes of
 * this machine) and a MiniDFSCluster on 127.0.0.1, their client configuration in a HADOOP_CONF_DIR, and the
 * cdae-train and cdae-score scripts submitting the shaded jar through SPARK_HOME/bin/spark-submit with
 * {@code --master yarn}, in client and in cluster mode. Each application's outcome is read from the
 * ResourceManager; its outputs from HDFS.
 */
class YarnClusterIT {
    private static final String DATA = "data/fmnist_trouser_small.csv.gz";

    @TempDir
    static java.nio.file.Path tmp;
    private static MiniHdfs hdfs;
    private static MiniYarn yarn;
    private static SparkHome spark;
    private static String input;

    @BeforeAll
    static void start() throws Exception {
        hdfs = new MiniHdfs();
        yarn = new MiniYarn(tmp.resolve("yarn"), hdfs, 4096);
        spark = SparkHome.build(tmp.resolve("spark-home"));
        input = hdfs.uri() + "/data/fmnist.csv.gz";
        hdfs.fileSystem().copyFromLocalFile(new Path(ChildProcesses.ROOT.resolve(DATA).toUri()), new Path(input));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (yarn != null) {
                yarn.close();
            }
        } finally {
            if (hdfs != null) {
                hdfs.close();
            }
        }
    }

    /**
     * The environment of a cdae-* script submitting to this YARN: HADOOP_CONF_DIR, SPARK_HOME, and options for a
     * small machine. Spark's jars are on the node already (spark.yarn.jars=local:...), so spark-submit uploads
     * only the application jar. The ApplicationMaster and the executors bind to 127.0.0.1 (SPARK_LOCAL_IP, as
     * spark-submit's own JVM). The tag finds the application in the ResourceManager.
     */
    private static Map<String, String> submitEnvironment(String deployMode, String tag) {
        Map<String, String> env = new HashMap<>(spark.environment());
        env.putAll(yarn.clientEnvironment());
        env.put("CDAE_SUBMIT_OPTS", "--deploy-mode " + deployMode
                + " --conf spark.yarn.jars=local:" + spark.jars() + "/*"
                + " --conf spark.yarn.tags=" + tag
                + " --conf spark.yarn.appMasterEnv.SPARK_LOCAL_IP=127.0.0.1"
                + " --conf spark.executorEnv.SPARK_LOCAL_IP=127.0.0.1"
                + " --conf spark.driver.memory=1g --conf spark.executor.memory=768m"
                + " --conf spark.executor.memoryOverhead=384m --conf spark.executor.instances=1"
                + " --conf spark.executor.cores=2 --conf spark.ui.enabled=false");
        return env;
    }

    private static String script(String name) {
        return ChildProcesses.ROOT.resolve("submit-scripts/" + name).toString();
    }

    @Test
    void trainsInClientModeAndScoresInClusterModeOnYarnAsALocalScoringDoes() throws Exception {
        FileSystem fs = hdfs.fileSystem();
        String model = hdfs.uri() + "/models/cdae";
        java.nio.file.Path trainLog = tmp.resolve("train.log");
        int rc = ChildProcesses.run(trainLog, submitEnvironment("client", "cdae-it-train"), script("cdae-train"),
                "--master", "yarn", "--input", input, "--output", model, "--label-column", "label",
                "--set", "exclude-columns=class", "--set", "where=split = 'train'", "--set", "epochs=2",
                "--set", "partitions=2", "--set", "encoder-widths=32");
        String log = Files.readString(trainLog);
        assertEquals(0, rc, log);
        assertTrue(log.contains("bin/spark-submit --master yarn"), "went through spark-submit: " + log);
        ApplicationReport train = yarn.endedApplication("cdae-it-train");
        assertEquals(FinalApplicationStatus.SUCCEEDED, train.getFinalApplicationStatus(), train.getDiagnostics());
        assertEquals(1, yarn.attempts(train));
        CdaeModel trained = new ModelRepository(fs.getConf()).load(model);
        assertEquals(2, trained.epochs());

        String scores = hdfs.uri() + "/scores/test";
        java.nio.file.Path scoreLog = tmp.resolve("score.log");
        rc = ChildProcesses.run(scoreLog, submitEnvironment("cluster", "cdae-it-score"), script("cdae-score"),
                "--master", "yarn", "--model", model, "--input", input, "--output", scores, "--label-column", "label",
                "--set", "where=split = 'test'");
        log = Files.readString(scoreLog);
        assertEquals(0, rc, log);
        ApplicationReport score = yarn.endedApplication("cdae-it-score");
        assertEquals(FinalApplicationStatus.SUCCEEDED, score.getFinalApplicationStatus(),
                score.getDiagnostics() + "\n" + yarn.amStderr(score));
        assertEquals(1, yarn.attempts(score));
        assertTrue(fs.exists(new Path(scores + "-report/metrics.json")), "metrics written on HDFS");

        // the same model scored here in local mode: the same rows, ids and scores
        SparkSession local = SparkTestSession.get("local[2]");
        String expected = tmp.resolve("local-scores").toString();
        new ScoreJob(local).run(new ScoreJob.Request(model, ChildProcesses.ROOT.resolve(DATA).toString(), expected,
                "parquet", null, "label", null, 0, false, List.of("where=split = 'test'"), null));
        assertSameScores(sorted(local, expected), sorted(local, scores));
    }

    private static List<Row> sorted(SparkSession spark, String path) {
        return spark.read().parquet(path).select(ScoreJob.ROW_ID, "label", ScoreColumns.RECONSTRUCTION_ERROR,
                ScoreColumns.CONTRACTIVE_SCORE, ScoreColumns.ANOMALY_SCORE, ScoreColumns.IS_ANOMALY)
                .orderBy(ScoreJob.ROW_ID).collectAsList();
    }

    private static void assertSameScores(List<Row> expected, List<Row> actual) {
        assertEquals(425, expected.size(), "the test rows of the shipped subset");
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            Row e = expected.get(i);
            Row a = actual.get(i);
            String row = "row_id " + e.get(0);
            assertEquals(e.get(0), a.get(0), "row ids");
            assertEquals(e.get(1), a.get(1), row + ": label");
            for (int c = 2; c <= 4; c++) {
                double x = ((Number) e.get(c)).doubleValue();
                assertEquals(x, ((Number) a.get(c)).doubleValue(), 1e-9 * Math.max(1, Math.abs(x)),
                        row + ": " + e.schema().fieldNames()[c]);
            }
            assertEquals(e.get(5), a.get(5), row + ": " + ScoreColumns.IS_ANOMALY);
        }
    }

    @Test
    void anInputErrorInClusterModeFailsTheCommandAndTheApplicationWithItsOneLineMessage() throws Exception {
        String missing = hdfs.uri() + "/data/no-such.csv";
        String model = hdfs.uri() + "/models/never";
        java.nio.file.Path log = tmp.resolve("bad-input.log");
        int rc = ChildProcesses.run(log, submitEnvironment("cluster", "cdae-it-bad-input"), script("cdae-train"),
                "--master", "yarn", "--input", missing, "--output", model, "--set", "epochs=1");
        String client = Files.readString(log);
        assertEquals(1, rc, "spark-submit's exit code for a FAILED YARN application: " + client);

        String message = "cdae-train: input error: input path does not exist: " + missing;
        ApplicationReport app = yarn.endedApplication("cdae-it-bad-input");
        assertEquals(FinalApplicationStatus.FAILED, app.getFinalApplicationStatus());
        assertEquals(YarnApplicationState.FINISHED, app.getYarnApplicationState(), "the ApplicationMaster unregistered");
        assertEquals(1, yarn.attempts(app), "no second attempt for an input error (spark.yarn.maxAppAttempts 1)");
        String diagnostics = app.getDiagnostics().strip();
        assertEquals("User class threw exception: " + message + " (exit code " + ExitCodes.INPUT + ")", diagnostics);
        assertTrue(client.contains("Application diagnostics message: " + diagnostics), client);
        assertTrue(yarn.amStderr(app).contains(message + "\n"), "the driver's own line in the AM container's stderr");
        FileSystem fs = hdfs.fileSystem();
        org.apache.hadoop.fs.FileStatus[] left = fs.globStatus(new Path(hdfs.uri() + "/models/*never*"));
        assertTrue(left == null || left.length == 0, "nothing written, not even a temporary model: " + java.util.Arrays.toString(left));
    }
}
