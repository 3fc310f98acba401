package io.cdae.spark.score;

import io.cdae.io.CdaeModel;
import io.cdae.score.AnomalyScore;
import io.cdae.score.Calibration;
import io.cdae.score.CodeSpace;
import io.cdae.score.CombinedScale;
import io.cdae.score.FeatureWeights;
import io.cdae.spark.config.JobConfig;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * What a trained model learns from data it was not trained on, before it is written: the code space of the
 * code-space scores and the calibration of the anomaly score in force.
 * <ol>
 *   <li>code space: the codes of a sample of at most {@code reference-rows} training rows (drawn by seed), their
 *       mean and precision ({@link CodeSpace});</li>
 *   <li>feature weights of the weighted scores, from the held-out rows' mean feature errors ({@link FeatureWeights});</li>
 *   <li>z-scales of {@code combined} ({@link CombinedScale}), on the held-out rows (weights and z-scales are
 *       stored whichever score is in force, so that the model can be scored by any of them);</li>
 *   <li>the threshold rules, from the held-out rows' scores (median, MAD, upper quantile).</li>
 * </ol>
 * Every pass over the held-out rows is a distributed minibatch scoring pass; only the reference sample and a few
 * statistics reach the driver.
 */
public final class HeldOutCalibration {
    private final SparkSession spark;
    private final JobConfig job;

    public HeldOutCalibration(SparkSession spark, JobConfig job) {
        this.spark = spark;
        this.job = job;
    }

    /**
     * The model with its code space and calibration.
     *
     * @param heldOut         raw held-out rows; when empty, the training rows are used (and the threshold is
     *                        optimistic)
     * @param training        raw training rows
     * @param referenceSample the code space's reference rows: at most {@code reference-rows} raw training rows,
     *                        sampled by seed without replacement ({@code CdaeTrainer.split})
     */
    public CdaeModel calibrate(CdaeModel model, JavaRDD<float[]> heldOut, JavaRDD<float[]> training,
                               List<float[]> referenceSample, long heldOutRows) {
        CdaeModel withCodes = model.withCodeSpace(codeSpace(model, referenceSample));
        JavaRDD<float[]> rows = heldOutRows > 0 ? heldOut : training;
        AnomalyScore score = AnomalyScore.parse(job.anomalyScore());
        ModelPayload payload = new ModelPayload(withCodes);
        // the weights and z-scales of every score are stored, whichever is in force: a model can then be scored
        // by any anomaly score (the threshold belongs to the one in force)
        double[] weights = FeatureWeights.fromMeanErrors(DistributedScores.featureMeanErrors(spark, payload, rows),
                job.errorWeightFloor());
        CombinedScale scale = DistributedScores.combinedScale(spark, payload, weights, rows);
        DistributedScores.Quantiles q = DistributedScores.quantiles(spark, payload, score, weights, scale, rows,
                1 - job.contamination());
        return withCodes.withCalibration(Calibration.of(score, job.thresholdRule(), q.rows(), q.median(), q.mad(),
                job.madK(), job.contamination(), q.quantile(), job.errorWeightFloor(), weights, scale));
    }

    /** The codes of the reference sample. */
    private CodeSpace codeSpace(CdaeModel model, List<float[]> sample) {
        if (sample.isEmpty()) {
            throw new IllegalArgumentException("no training rows to draw the code-space reference sample from");
        }
        return CodeSpace.of(model.codePoints(Nd4j.create(sample.toArray(new float[0][]))), job.knnK());
    }
}
