package io.cdae.spark.train;

import io.cdae.config.CdaeConfig;
import io.cdae.io.CdaeModel;
import io.cdae.io.Normaliser;
import io.cdae.random.SeedSequence;
import io.cdae.score.AnomalyScore;
import io.cdae.score.Calibration;
import io.cdae.score.FeatureWeights;
import io.cdae.spark.config.JobConfig;
import io.cdae.spark.data.InputException;
import io.cdae.spark.ml.ModelPayload;
import io.cdae.spark.score.DistributedScores;
import io.cdae.train.EpochStats;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.stat.MultivariateOnlineSummarizer;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The training pipeline shared by the CLI job and the Spark ML estimator: hold out a fraction of the rows
 * (chosen by seed, so reruns agree), fit the normaliser on the rest in one pass, train by parameter
 * averaging with per-epoch checkpoints, and calibrate the anomaly threshold on the held-out rows.
 */
public final class CdaeTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(CdaeTrainer.class);

    /** The trained, calibrated model and what training did. */
    public record Result(CdaeModel model, List<EpochStats> epochs, long trainRows, long heldOutRows,
                         Map<Integer, Long> corruptedRowsByPartition, long corruptedRowsInTasks) {
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
     * Trains on the raw rows (features in model order).
     *
     * @param resumed     a checkpoint to continue from (its normaliser is kept), or empty
     * @param checkpoints where to write per-epoch checkpoints, or null for none
     * @param metadata    provenance to store with the model
     */
    public Result fit(JavaRDD<float[]> raw, Optional<CdaeModel> resumed, CheckpointStore checkpoints,
                      Map<String, String> metadata) {
        double fraction = job.holdoutFraction();
        long seed = config.seed();
        JavaRDD<scala.Tuple2<float[], Boolean>> tagged = raw.zipWithIndex()
                .map(t -> new scala.Tuple2<>(t._1(), isHeldOut(seed, t._2(), fraction)))
                .persist(job.sparkStorageLevel());
        try {
            JavaRDD<float[]> train = tagged.filter(t -> !t._2()).map(scala.Tuple2::_1);
            JavaRDD<float[]> heldOut = tagged.filter(scala.Tuple2::_2).map(scala.Tuple2::_1);
            long trainRows = train.count();
            if (trainRows == 0) {
                throw new InputException("no training rows left (holdout-fraction = " + fraction + ")");
            }
            Normaliser normaliser = resumed.map(CdaeModel::normaliser).orElseGet(() -> fitNormaliser(train, job.normalisation()));
            CdaeModel start = resumed.map(m -> new CdaeModel(config, m.parameters(), normaliser, m.updaterState(),
                    m.iterations(), m.epochs(), metadata)).orElse(null);
            ParameterAveragingTrainer trainer = new ParameterAveragingTrainer(config, job.dataType(),
                    job.averagingFrequency(), job.partitions(), job.sparkStorageLevel(), job.divergenceRetries());
            long t0 = System.nanoTime();
            ParameterAveragingTrainer.Result result = trainer.train(JavaSparkContext.fromSparkContext(spark.sparkContext()),
                    train.map(normaliser::apply), start, (stats, model) -> {
                        logEpoch(stats, config.epochs(), (System.nanoTime() - t0) / 1e9);
                        boolean due = (stats.epoch() + 1) % job.checkpointInterval() == 0
                                || stats.epoch() + 1 == config.epochs();
                        if (checkpoints != null && due) {
                            checkpoints.save(finish(model, normaliser, metadata));
                        }
                    });
            Map<String, String> meta = new java.util.LinkedHashMap<>(metadata);
            if (result.discardedRounds() > 0) {
                meta.put("discarded-rounds", Integer.toString(result.discardedRounds()));
                meta.put("final-learning-rate", Double.toString(result.learningRate()));
            }
            CdaeModel model = finish(result.model(), normaliser, meta);
            long heldOutRows = heldOut.count();
            JavaRDD<float[]> calibrationRows = heldOutRows > 0 ? heldOut : train;
            if (heldOutRows == 0) {
                LOG.warn("no held-out rows (holdout-fraction = {}): calibrating the threshold on training rows", fraction);
            }
            model = model.withCalibration(calibrate(model, calibrationRows));
            LOG.info("threshold ({} rule on {} {} rows): {}", job.thresholdRule(), heldOutRows > 0 ? heldOutRows : trainRows,
                    heldOutRows > 0 ? "held-out" : "training", model.calibration().threshold());
            return new Result(model, result.epochs(), trainRows, heldOutRows, result.corruptedRowsByPartition(),
                    result.corruptedRowsInTasks());
        } finally {
            tagged.unpersist(false);
        }
    }

    /** Row {@code index} is held out with probability {@code fraction}, decided by the seed alone. */
    public static boolean isHeldOut(long seed, long index, double fraction) {
        return fraction > 0 && new SplittableRandom(SeedSequence.derive(seed, SeedSequence.HOLDOUT, index)).nextDouble() < fraction;
    }

    private static CdaeModel finish(CdaeModel m, Normaliser normaliser, Map<String, String> metadata) {
        return new CdaeModel(m.config(), m.parameters(), normaliser, m.updaterState(), m.iterations(), m.epochs(),
                metadata, m.calibration());
    }

    private Calibration calibrate(CdaeModel model, JavaRDD<float[]> rows) {
        AnomalyScore score = AnomalyScore.parse(job.anomalyScore());
        ModelPayload payload = new ModelPayload(model);
        double[] weights = null;
        if (score.needsFeatureWeights()) {
            weights = FeatureWeights.fromMeanErrors(DistributedScores.featureMeanErrors(spark, payload, rows),
                    job.errorWeightFloor());
        }
        DistributedScores.Quantiles q = DistributedScores.quantiles(spark, payload, score, weights, rows,
                1 - job.contamination());
        return Calibration.of(score, job.thresholdRule(), q.rows(), q.median(), q.mad(), job.madK(), job.contamination(),
                q.quantile(), score.needsFeatureWeights() ? job.errorWeightFloor() : Double.NaN, weights);
    }

    /** Per-feature min, max, mean and variance in one pass (Spark's MultivariateOnlineSummarizer). */
    public static Normaliser fitNormaliser(JavaRDD<float[]> rows, String method) {
        MultivariateOnlineSummarizer s = rows.treeAggregate(new MultivariateOnlineSummarizer(),
                (acc, v) -> acc.add(Vectors.dense(toDouble(v))), MultivariateOnlineSummarizer::merge);
        return Normaliser.fromStatistics(method, s.min().toArray(), s.max().toArray(), s.mean().toArray(),
                s.variance().toArray());
    }

    static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    private static void logEpoch(EpochStats s, int epochs, double elapsed) {
        LOG.info(String.format(java.util.Locale.ROOT,
                "epoch %d/%d: loss %.6g = reconstruction %.6g + lambda * contractive %.6g | %d samples, %.0f samples/s, "
                        + "%.2f s (elapsed %.1f s)", s.epoch() + 1, epochs, s.total(), s.reconstruction(), s.contractive(),
                s.samples(), s.samplesPerSecond(), s.seconds(), elapsed));
    }
}
