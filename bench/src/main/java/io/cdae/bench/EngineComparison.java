package io.cdae.bench;

import io.cdae.config.CdaeConfig;
import io.cdae.spark.data.IdxReader;
import io.cdae.spark.train.Dl4jSparkTrainer;
import io.cdae.spark.train.ParameterAveragingTrainer;
import io.cdae.spark.train.TrainingEngine;
import io.cdae.train.EpochStats;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerBlockUpdated;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.BlockUpdatedInfo;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.api.buffer.DataType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The two training engines side by side (key {@code engine}): the project's parameter averaging and DL4J's
 * {@code ParameterAveragingTrainingMaster}, on the first ROWS Fashion-MNIST training images (pixels / 255),
 * 784-HIDDEN-784 (the benchmark model of {@link BenchData}), Spark local[2], 2 workers, the same seed and config.
 * One line per engine and averaging frequency:
 * <ul>
 *   <li>samples/s: rows trained per second, median over epochs 2..E (epoch 1 includes JIT and cache warm-up);</li>
 *   <li>rounds per epoch, and the time of one averaging round: the median epoch's time over its rounds;</li>
 *   <li>bytes shipped per round, from Spark's listener events over the whole run: broadcast (the serialized
 *       pieces of every broadcast the driver makes: the state sent to the workers and the tasks' closures; one copy,
 *       each executor fetches it once) and task results (what the workers send back); and the stages that wrote
 *       shuffle files, with their bytes: one, the clean rows' partitioning before training (row i to partition
 *       i mod n), under either engine; no minibatch is shuffled.</li>
 * </ul>
 * Usage: EngineComparison FASHION_MNIST_DIR [ROWS] [EPOCHS] [HIDDEN] [BATCH] [AVERAGING_FREQUENCIES, e.g. 5,20]
 */
public final class EngineComparison {
    private EngineComparison() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/usr/share/datasets/fashion-mnist");
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 24000;
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int hidden = args.length > 3 ? Integer.parseInt(args[3]) : 256;
        int batch = args.length > 4 ? Integer.parseInt(args[4]) : 64;
        int[] frequencies = Arrays.stream((args.length > 5 ? args[5] : "5,20").split(",")).mapToInt(Integer::parseInt)
                .toArray();
        CdaeConfig config = BenchData.config(hidden, batch, epochs);
        List<float[]> images = images(dir.resolve("train-images-idx3-ubyte.gz"), rows);

        io.cdae.backend.Nd4jThreads.set(1);
        SparkSession spark = BenchSessions.local("local[2]", "cdae-bench-engines");
        Traffic traffic = new Traffic();
        spark.sparkContext().addSparkListener(traffic);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int batchesPerWorker = (rows / 2 + batch - 1) / batch;
        for (int f : frequencies) {
            for (String engine : List.of("averaging", "dl4j-spark")) {
                traffic.reset();
                TrainingEngine trainer = engine.equals("averaging")
                        ? new ParameterAveragingTrainer(config, DataType.FLOAT, f, 2, StorageLevel.MEMORY_ONLY())
                        : new Dl4jSparkTrainer(config, DataType.FLOAT, f, 2, StorageLevel.MEMORY_ONLY(), 0);
                TrainingEngine.Result r;
                try {
                    r = trainer.train(sc, sc.parallelize(images, 2), null, (s, m) -> { });
                } catch (RuntimeException e) {
                    System.out.printf(Locale.ROOT, "engine-comparison engine=%s averaging_frequency=%d failed: %s%n",
                            engine, f, e);
                    continue;
                }
                spark.sparkContext().listenerBus().waitUntilEmpty();
                int rounds = engine.equals("averaging") ? (batchesPerWorker + f - 1) / f
                        : Math.max(1, 2 * batchesPerWorker / (2 * f));
                double medianSeconds = median(r.epochs().stream().skip(1).mapToDouble(EpochStats::seconds).toArray());
                long allRounds = (long) rounds * epochs;
                System.out.printf(Locale.ROOT, "engine-comparison engine=%s hidden=%d batch=%d rows=%d epochs=%d "
                                + "averaging_frequency=%d samples_per_s=%.0f trained_rows_per_epoch=%d rounds_per_epoch=%d "
                                + "round_ms=%.1f broadcast_bytes_per_round=%d result_bytes_per_round=%d shuffle_stages=%d "
                                + "shuffle_bytes=%d jobs=%d final_reconstruction=%.3f%n", engine, hidden, batch, rows, epochs, f,
                        median(r.epochs().stream().skip(1).mapToDouble(EpochStats::samplesPerSecond).toArray()),
                        r.epochs().get(epochs - 1).samples(), rounds, 1000 * medianSeconds / rounds,
                        traffic.broadcastBytes / allRounds, traffic.resultBytes / allRounds, traffic.shuffleStages,
                        traffic.shuffleBytes,
                        traffic.jobs, r.epochs().get(epochs - 1).reconstruction());
            }
        }
        spark.stop();
    }

    /** The first {@code n} images of an IDX file, pixels scaled to [0, 1]. */
    private static List<float[]> images(Path idx, int n) throws java.io.IOException {
        int[][] pixels = IdxReader.readImages(new org.apache.hadoop.fs.Path(idx.toUri()),
                new org.apache.hadoop.conf.Configuration());
        if (pixels.length < n) {
            throw new IllegalArgumentException("expected at least " + n + " images in " + idx + ", found " + pixels.length);
        }
        List<float[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] row = new float[pixels[i].length];
            for (int j = 0; j < row.length; j++) {
                row[j] = pixels[i][j] / 255f;
            }
            out.add(row);
        }
        return out;
    }

    /** Bytes Spark moves during a run, from its listener events. */
    private static final class Traffic extends SparkListener {
        private long broadcastBytes;
        private long resultBytes;
        private long shuffleBytes;
        private int shuffleStages;
        private int jobs;

        synchronized void reset() {
            broadcastBytes = 0;
            resultBytes = 0;
            shuffleBytes = 0;
            shuffleStages = 0;
            jobs = 0;
        }

        @Override
        public synchronized void onBlockUpdated(SparkListenerBlockUpdated e) {
            BlockUpdatedInfo b = e.blockUpdatedInfo();
            // a piece stored (not dropped) by the driver, which serialises every broadcast into pieces
            if (b.blockId().isBroadcast() && b.blockId().name().contains("_piece") && b.storageLevel().isValid()
                    && b.blockManagerId().isDriver()) {
                broadcastBytes += b.memSize() + b.diskSize();
            }
        }

        @Override
        public synchronized void onTaskEnd(SparkListenerTaskEnd e) {
            if (e.taskMetrics() != null) {
                resultBytes += e.taskMetrics().resultSize();
            }
        }

        @Override
        public synchronized void onStageCompleted(SparkListenerStageCompleted e) {
            long written = e.stageInfo().taskMetrics() == null ? 0
                    : e.stageInfo().taskMetrics().shuffleWriteMetrics().bytesWritten();
            shuffleStages += written > 0 ? 1 : 0;
            shuffleBytes += written;
        }

        @Override
        public synchronized void onJobStart(SparkListenerJobStart e) {
            jobs++;
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
