package io.cdae.spark.train;

import io.cdae.io.CdaeModel;
import io.cdae.io.ModelStore;
import io.cdae.spark.SparkTestSession;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole training job on local[2]: model directory, report, checkpoints and resume. */
class TrainJobTest {
    @TempDir
    Path tmp;

    private static TrainJob.Outcome train(SparkSession spark, Path out, int epochs, boolean resume, String... more) {
        List<String> sets = new ArrayList<>(List.of("exclude-columns=class", "where=split = 'train'", "epochs=" + epochs,
                "partitions=2", "averaging-frequency=3", "batch-size=32", "encoder-widths=32"));
        sets.addAll(List.of(more));
        return new TrainJob(spark).run(new TrainJob.Request(SparkTestSession.fashionSubset().toString(), out.toString(),
                null, sets, null, "label", resume));
    }

    @Test
    void writesASelfDescribingModelWithReportAndResumeEqualsAnUninterruptedRun() throws Exception {
        SparkSession spark = SparkTestSession.get("local[2]");
        Path full = tmp.resolve("full");
        TrainJob.Outcome uninterrupted = train(spark, full, 2, false);
        assertEquals(1000, uninterrupted.rows());

        CdaeModel loaded = ModelStore.load(full);
        assertEquals(784, loaded.config().inputWidth());
        assertEquals(2, loaded.epochs());
        assertEquals("1000", loaded.metadata().get("rows"));
        assertEquals("label", loaded.metadata().get("label-column"));
        assertEquals(spark.version(), loaded.metadata().get("spark-version"));
        assertEquals("averaging", loaded.metadata().get("engine"));
        assertTrue(!loaded.metadata().get("feature-columns").contains("class")
                && !loaded.metadata().get("feature-columns").contains("label"));
        for (String f : List.of(TrainingReport.HTML, TrainingReport.RECONSTRUCTION_PNG, TrainingReport.CONTRACTIVE_PNG)) {
            assertTrue(Files.size(full.resolve(f)) > 100, f);
        }
        assertTrue(Files.isDirectory(Path.of(full + ".checkpoints", "epoch-00002")));

        Path resumed = tmp.resolve("resumed");
        train(spark, resumed, 1, false);
        assertEquals(1, ModelStore.load(resumed).epochs());
        TrainJob.Outcome second = train(spark, resumed, 2, true);
        assertEquals(1, second.epochs().size(), "only the missing epoch is trained");
        assertEquals(loaded.parameters(), ModelStore.load(resumed).parameters());
        assertEquals(loaded.updaterState(), ModelStore.load(resumed).updaterState());

        // a damaged newest checkpoint is skipped: resume would continue from the one before
        Path newest = Path.of(resumed + ".checkpoints", "epoch-00002", "parameters.npy");
        byte[] bytes = Files.readAllBytes(newest);
        bytes[bytes.length - 1] ^= 1;
        Files.write(newest, bytes);
        CheckpointStore store = new CheckpointStore(resumed + ".checkpoints", spark.sparkContext().hadoopConfiguration());
        assertEquals(1, store.latest().orElseThrow().epochs());
    }

    /**
     * engine = dl4j-spark writes the same outputs (model, report, a checkpoint per epoch) plus DL4J's own training
     * statistics, and a run resumed from the epoch-1 checkpoint ends exactly where the uninterrupted run does: each
     * epoch's rounds are seeded by the epoch, and two workers' results add up the same in either order.
     */
    @Test
    void dl4jSparkEngineWritesTheSameOutputsWithDl4jsStatisticsAndResumesExactly() throws Exception {
        SparkSession spark = SparkTestSession.get("local[2]");
        Path full = tmp.resolve("dl4j");
        TrainJob.Outcome uninterrupted = train(spark, full, 2, false, "engine=dl4j-spark");
        CdaeModel loaded = ModelStore.load(full);
        assertEquals("dl4j-spark", loaded.metadata().get("engine"));
        assertEquals(2, loaded.epochs());
        assertEquals(2, uninterrupted.epochs().size());
        String report = Files.readString(full.resolve(TrainingReport.HTML));
        assertTrue(report.contains("DL4J training statistics") && report.contains(Dl4jTrainingStats.HTML_FILE), report);
        assertTrue(Files.size(full.resolve(Dl4jTrainingStats.HTML_FILE)) > 1000);
        assertTrue(Files.isDirectory(Path.of(full + ".checkpoints", "epoch-00001")));
        assertTrue(Files.isDirectory(Path.of(full + ".checkpoints", "epoch-00002")));

        // the run stopped after epoch 1: its checkpoint alone, resumed
        Path resumed = tmp.resolve("dl4j-resumed");
        Path epoch1 = Path.of(full + ".checkpoints", "epoch-00001");
        Path copy = Path.of(resumed + ".checkpoints", "epoch-00001");
        Files.createDirectories(copy);
        try (java.util.stream.Stream<Path> files = Files.list(epoch1)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        TrainJob.Outcome second = train(spark, resumed, 2, true, "engine=dl4j-spark");
        assertEquals(1, second.epochs().size(), "only the missing epoch is trained");
        CdaeModel continued = ModelStore.load(resumed);
        assertEquals(loaded.parameters(), continued.parameters());
        assertEquals(loaded.updaterState(), continued.updaterState());
        assertEquals(loaded.iterations(), continued.iterations());
    }
}
