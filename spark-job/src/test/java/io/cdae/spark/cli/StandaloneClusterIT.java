package io.cdae.spark.cli;

import io.cdae.io.CdaeModel;
import io.cdae.spark.ChildProcesses;
import io.cdae.spark.MiniHdfs;
import io.cdae.spark.StandaloneCluster;
import io.cdae.spark.io.ModelRepository;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.FSDataInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end on real parts: a Spark standalone master and two workers on 127.0.0.1, a MiniDFSCluster,
 * the shipped dataset on HDFS, and the cdae-train and cdae-score scripts submitting the shaded jar through
 * SPARK_HOME/bin/spark-submit; model and scores checked on HDFS.
 */
class StandaloneClusterIT {
    @TempDir
    java.nio.file.Path tmp;

    @Test
    void trainAndScoreOnAStandaloneClusterWithHdfs() throws Exception {
        try (MiniHdfs hdfs = new MiniHdfs(); StandaloneCluster cluster = new StandaloneCluster(tmp, 2, 1536)) {
            FileSystem fs = hdfs.fileSystem();
            String input = hdfs.uri() + "/data/fmnist.csv.gz";
            fs.copyFromLocalFile(new Path(ChildProcesses.ROOT.resolve("data/fmnist_trouser_small.csv.gz").toUri()),
                    new Path(input));
            String model = hdfs.uri() + "/models/cdae";
            java.nio.file.Path trainLog = tmp.resolve("train.log");
            int rc = ChildProcesses.run(trainLog, cluster.submitEnvironment(),
                    ChildProcesses.ROOT.resolve("submit-scripts/cdae-train").toString(), "--master", cluster.masterUrl(),
                    "--input", input, "--output", model, "--label-column", "label", "--set", "exclude-columns=class",
                    "--set", "where=split = 'train'", "--set", "epochs=4", "--set", "partitions=2",
                    "--set", "encoder-widths=64");
            String log = Files.readString(trainLog);
            assertEquals(0, rc, log);
            assertTrue(log.contains("bin/spark-submit --master " + cluster.masterUrl()), "went through spark-submit");
            assertTrue(log.contains("epoch 4/4"), log);

            CdaeModel m = new ModelRepository(fs.getConf()).load(model);
            assertEquals(4, m.epochs());
            assertTrue(fs.exists(new Path(model + ".checkpoints/epoch-00004/manifest.json")));

            String scores = hdfs.uri() + "/scores/test";
            java.nio.file.Path scoreLog = tmp.resolve("score.log");
            rc = ChildProcesses.run(scoreLog, cluster.submitEnvironment(),
                    ChildProcesses.ROOT.resolve("submit-scripts/cdae-score").toString(), "--master", cluster.masterUrl(),
                    "--model", model, "--input", input, "--output", scores, "--label-column", "label",
                    "--set", "where=split = 'test'");
            log = Files.readString(scoreLog);
            assertEquals(0, rc, log);
            assertTrue(log.contains("425 rows"), log);
            assertTrue(fs.listStatus(new Path(scores)).length > 1, "parquet part files on HDFS");
            try (FSDataInputStream in = fs.open(new Path(scores + "-report/metrics.json"))) {
                String metrics = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                double auc = io.cdae.config.CdaeConfigJson.mapper().readTree(metrics).get("roc-auc").asDouble();
                assertTrue(auc > 0.9, metrics);
            }
        }
    }
}
