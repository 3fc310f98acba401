package io.cdae.spark.train;

import io.cdae.config.CdaeConfig;
import io.cdae.io.CdaeModel;
import io.cdae.io.Normaliser;
import io.cdae.random.SeedSequence;
import io.cdae.spark.config.JobConfig;
import io.cdae.spark.data.InputException;
import io.cdae.train.EpochStats;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The training pipeline shared by the CLI job and the Spark ML estimator: hold out a fraction of the rows
 * (chosen by seed, so reruns agree), fit the normaliser on the rest in one pass, and train with the configured
 * engine ({@link TrainingEngine}: parameter averaging, or DL4J's training master) with per-epoch checkpoints.
 * The {@link Split} keeps the held-out and training rows cached until it is closed, for the calibration that
 * follows ({@code io.cdae.spark.score.HeldOutCalibration}, called by the job).
 */
public final class CdaeTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(CdaeTrainer.class);

    /** The trained model (not yet calibrated), what training did and what the engine adds to the training report. */
    public record Result(CdaeModel model, List<EpochStats> epochs, Map<Integer, Long> corruptedRowsByPartition,
                         long corruptedRowsInTasks, EngineReport report) {
    }

    /**
     * The raw rows split into training and held-out rows (chosen by seed), and the code-space reference sample
     * drawn from the training rows. The held-out rows are cached on their own until {@link #close()}; the training
     * rows are a view of the cached source rows, which go once training has read them
     * ({@link #trainingRowsRead()}), unless calibration needs them again (no held-out rows).
     *
     * @param referenceSample at most {@code reference-rows} raw training rows, drawn by seed without replacement
     * @param source          the raw rows, cached
     * @param ownsSource      whether the split cached the source itself (and releases it on close)
     */
    public record Split(JavaRDD<float[]> train, JavaRDD<float[]> heldOut, long trainRows, long heldOutRows,
                        List<float[]> referenceSample, JavaRDD<float[]> source, boolean ownsSource)
            implements AutoCloseable {
        /**
         * Training has read the training rows for the last time (they are in the workers' blocks): the cached
         * source rows are released, the held-out rows (cached on their own) and the reference sample stay.
         */
        public void trainingRowsRead() {
            if (heldOutRows > 0) {
                source.unpersist(true); // blocking: the memory is free before the blocks are built
            }
        }

        /** Releases the cached rows. */
        @Override
        public void close() {
            heldOut.unpersist(false);
            if (ownsSource) {
                source.unpersist(false);
            }
        }
    }

    private final SparkSession spark;
    private final JobConfig job;
    private final CdaeConfig config;

    public CdaeTrainer(SparkSession spark, JobConfig job, CdaeConfig config) {
        this.spark = spark;
        this.job = job;
        this.config = config;
    }

    /**
     * Holds out {@code holdout-fraction} of the rows, chosen by the seed alone, counts both parts and draws the
     * reference sample. {@code raw} is cached here unless the caller has cached it.
     */
    public static Split split(JavaRDD<float[]> raw, JobConfig job) {
        double fraction = job.holdoutFraction();
        long seed = job.seed();
        boolean owns = raw.getStorageLevel().equals(StorageLevel.NONE());
        if (owns) {
            raw.persist(job.sparkStorageLevel());
        }
        JavaRDD<scala.Tuple2<float[], Boolean>> tagged = raw.zipWithIndex()
                .map(t -> new scala.Tuple2<>(t._1(), isHeldOut(seed, t._2(), fraction)));
        JavaRDD<float[]> train = tagged.filter(t -> !t._2()).map(scala.Tuple2::_1);
        JavaRDD<float[]> heldOut = tagged.filter(scala.Tuple2::_2).map(scala.Tuple2::_1).persist(job.sparkStorageLevel());
        try {
            long trainRows = train.count();
            if (trainRows == 0) {
                throw new InputException("no training rows left (holdout-fraction = " + fraction + ")");
            }
            long heldOutRows = heldOut.count();
            if (heldOutRows == 0) {
                LOG.warn("no held-out rows (holdout-fraction = {}): calibrating the threshold on training rows", fraction);
            }
            List<float[]> reference = train.takeSample(false, job.referenceRows(), seed);
            return new Split(train, heldOut, trainRows, heldOutRows, reference, raw, owns);
        } catch (Exception e) { // a failed Spark job too (its SparkException is not a RuntimeException)
            heldOut.unpersist(false);
            if (owns) {
                raw.unpersist(false);
            }
            throw e;
        }
    }

    /**
     * Trains on the split's training rows (features in model order).
     *
     * @param resumed     a checkpoint to continue from (its normaliser is kept), or empty
     * @param checkpoints where to write per-epoch checkpoints, or null for none
     * @param metadata    provenance to store with the model
     */
    public Result fit(Split split, Optional<CdaeModel> resumed, CheckpointStore checkpoints, Map<String, String> metadata) {
        JavaRDD<float[]> train = split.train();
        Normaliser normaliser = resumed.map(CdaeModel::normaliser).orElseGet(() -> fitNormaliser(train, job.normalisation()));
        Map<String, String> meta = new java.util.LinkedHashMap<>(metadata);
        meta.put("engine", job.engine().key());
        CdaeModel start = resumed.map(m -> new CdaeModel(config, m.parameters(), normaliser, m.updaterState(),
                m.iterations(), m.epochs(), meta)).orElse(null);
        long t0 = System.nanoTime();
        TrainingEngine.Result result = engine().train(JavaSparkContext.fromSparkContext(spark.sparkContext()),
                train.map(normaliser::apply), start, (stats, model) -> {
                    boolean due = false;
                    for (EpochStats e : stats) {
                        logEpoch(e, config.epochs(), (System.nanoTime() - t0) / 1e9);
                        due |= (e.epoch() + 1) % job.checkpointInterval() == 0 || e.epoch() + 1 == config.epochs();
                    }
                    if (checkpoints != null && due) {
                        checkpoints.save(finish(model, normaliser, meta));
                    }
                }, split::trainingRowsRead);
        if (result.discardedRounds() > 0) {
            meta.put("discarded-rounds", Integer.toString(result.discardedRounds()));
            meta.put("final-learning-rate", Double.toString(result.learningRate()));
        }
        return new Result(finish(result.model(), normaliser, meta), result.epochs(), result.corruptedRowsByPartition(),
                result.corruptedRowsInTasks(), result.report());
    }

    /** The engine of key {@code engine}, with the job's averaging frequency, partitions and storage level. */
    private TrainingEngine engine() {
        return switch (job.engine()) {
            case AVERAGING -> new ParameterAveragingTrainer(config, job.dataType(), job.averagingFrequency(),
                    job.partitions(), job.sparkStorageLevel(), job.divergenceRetries());
            case DL4J_SPARK -> new Dl4jSparkTrainer(config, job.dataType(), job.averagingFrequency(), job.partitions(),
                    job.sparkStorageLevel(), job.divergenceRetries());
        };
    }

    /** Row {@code index} is held out with probability {@code fraction}, decided by the seed alone. */
    public static boolean isHeldOut(long seed, long index, double fraction) {
        return fraction > 0 && new SplittableRandom(SeedSequence.derive(seed, SeedSequence.HOLDOUT, index)).nextDouble() < fraction;
    }

    private static CdaeModel finish(CdaeModel m, Normaliser normaliser, Map<String, String> metadata) {
        return new CdaeModel(m.config(), m.parameters(), normaliser, m.updaterState(), m.iterations(), m.epochs(),
                metadata, m.calibration());
    }

    /**
     * Per-feature min, max, mean and sample variance in one pass ({@link ColumnStatistics}: the same figures as
     * Spark's MultivariateOnlineSummarizer, which costs about 20x more per value on wide rows).
     */
    public static Normaliser fitNormaliser(JavaRDD<float[]> rows, String method) {
        ColumnStatistics s = rows.mapPartitions(it -> List.of(ColumnStatistics.of(it)).iterator())
                .treeReduce(ColumnStatistics::merge);
        return Normaliser.fromStatistics(method, s.min(), s.max(), s.mean(), s.variance());
    }

    private static void logEpoch(EpochStats s, int epochs, double elapsed) {
        LOG.info(String.format(java.util.Locale.ROOT,
                "epoch %d/%d: loss %.6g = reconstruction %.6g + lambda * contractive %.6g | %d samples, %.0f samples/s, "
                        + "%.2f s (elapsed %.1f s)", s.epoch() + 1, epochs, s.total(), s.reconstruction(), s.contractive(),
                s.samples(), s.samplesPerSecond(), s.seconds(), elapsed));
    }
}
