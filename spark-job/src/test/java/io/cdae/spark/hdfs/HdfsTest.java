package io.cdae.spark.hdfs;

import io.cdae.io.CdaeModel;
import io.cdae.spark.MiniHdfs;
import io.cdae.spark.SparkTestSession;
import io.cdae.spark.io.ModelRepository;
import io.cdae.spark.score.ScoreJob;
import io.cdae.spark.train.TrainJob;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Input, model, checkpoints and scores on a real HDFS, including a resume from a checkpoint on HDFS. */
class HdfsTest {
    private static MiniHdfs hdfs;

    @BeforeAll
    static void start() throws Exception {
        hdfs = new MiniHdfs();
    }

    @AfterAll
    static void stop() throws Exception {
        hdfs.close();
    }

    private static TrainJob.Outcome train(SparkSession spark, String input, String out, int epochs, boolean resume) {
        List<String> sets = new ArrayList<>(List.of("exclude-columns=class", "where=split = 'train'", "epochs=" + epochs,
                "partitions=2", "batch-size=32", "encoder-widths=32", "checkpoint-dir=" + hdfs.uri() + "/checkpoints/m",
                // rounds within an epoch (about 7 minibatches per worker), so that a run stopped after epoch 1 forms
                // the rounds of the first epoch of a longer run; larger values train several epochs per round
                "averaging-frequency=5"));
        return new TrainJob(spark).run(new TrainJob.Request(input, out, null, sets, null, "label", resume));
    }

    @Test
    void trainResumeAndScoreWithEveryPathOnHdfs() throws Exception {
        SparkSession spark = SparkTestSession.get("local[2]");
        FileSystem fs = hdfs.fileSystem();
        String input = hdfs.uri() + "/data/fmnist_trouser_small.csv.gz";
        fs.copyFromLocalFile(new Path(SparkTestSession.fashionSubset().toUri()), new Path(input));

        String full = hdfs.uri() + "/models/full";
        train(spark, input, full, 2, false);
        CdaeModel uninterrupted = new ModelRepository(spark.sparkContext().hadoopConfiguration()).load(full);
        assertTrue(fs.exists(new Path(full, "manifest.json")));
        assertTrue(fs.exists(new Path(full, "training-report.html")));

        // a run stopped after epoch 1, resumed from its checkpoint on HDFS, equals the uninterrupted run
        fs.delete(new Path(hdfs.uri() + "/checkpoints/m"), true);
        String resumed = hdfs.uri() + "/models/resumed";
        train(spark, input, resumed, 1, false);
        assertTrue(fs.exists(new Path(hdfs.uri() + "/checkpoints/m/epoch-00001/manifest.json")));
        TrainJob.Outcome second = train(spark, input, resumed, 2, true);
        assertEquals(1, second.epochs().size());
        CdaeModel continued = new ModelRepository(spark.sparkContext().hadoopConfiguration()).load(resumed);
        assertEquals(uninterrupted.parameters(), continued.parameters());

        String scores = hdfs.uri() + "/scores/test";
        ScoreJob.Outcome o = new ScoreJob(spark).run(new ScoreJob.Request(full, input, scores, "parquet", null, "label",
                null, 0, false, List.of("where=split = 'test'"), null));
        assertEquals(425, spark.read().parquet(scores).count());
        assertTrue(fs.exists(new Path(scores + "-report/metrics.json")));
        assertTrue(o.metrics().rocAuc() > 0.8, "ROC-AUC " + o.metrics().rocAuc());
        assertEquals(0, fs.listStatus(new Path(hdfs.uri() + "/scores")).length - 2, "no temporary directories left");
    }
}
