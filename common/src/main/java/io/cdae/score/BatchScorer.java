package io.cdae.score;

import io.cdae.io.CdaeModel;
import io.cdae.model.CdaeObjective;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Scores minibatches of raw rows with a trained model: reconstruction error, contractive score on the clean
 * input, the configured anomaly score, the anomaly flag against a threshold, and on request every feature's
 * reconstruction loss and the indices of the k largest. One instance per thread (it caches parameter views).
 */
public final class BatchScorer {
    private final CdaeModel model;
    private final AnomalyScore score;
    private final double threshold;

    /** Scores of one row. {@code featureErrors} and {@code topFeatures} are null unless requested. */
    public record RowScore(double reconstruction, double contractive, double anomalyScore, boolean anomaly,
                           double[] featureErrors, int[] topFeatures) {
    }

    public BatchScorer(CdaeModel model, AnomalyScore score, double threshold) {
        this.model = model;
        this.score = score;
        this.threshold = threshold;
    }

    /**
     * The scorer of the model's calibration: its anomaly score and threshold, the threshold replaced by
     * {@code thresholdOverride} unless that is NaN. A model without calibration scores by reconstruction error
     * and needs an explicit threshold.
     */
    public static BatchScorer calibrated(CdaeModel model, double thresholdOverride) {
        Calibration c = model.calibration();
        if (Double.isNaN(thresholdOverride) && c == null) {
            throw new IllegalArgumentException("the model has no calibrated threshold; pass one explicitly");
        }
        return new BatchScorer(model, c == null ? AnomalyScore.RECONSTRUCTION : c.score(),
                Double.isNaN(thresholdOverride) ? c.threshold() : thresholdOverride);
    }

    public double threshold() {
        return threshold;
    }

    public AnomalyScore anomalyScore() {
        return score;
    }

    /** Scores the rows ([n][d] raw values); {@code topK} > 0 also returns per-feature errors and the top k. */
    public RowScore[] score(float[][] rows, int topK, boolean featureErrors) {
        INDArray x = Nd4j.create(rows).castTo(model.parameters().dataType());
        CdaeObjective.RowTerms t = model.score(x);
        double[] rec = t.reconstruction().castTo(DataType.DOUBLE).toDoubleVector();
        double[] con = t.contractive().castTo(DataType.DOUBLE).toDoubleVector();
        double[][] errors = topK > 0 || featureErrors ? t.featureErrors().castTo(DataType.DOUBLE).toDoubleMatrix() : null;
        double lambda = model.config().contractiveWeight();
        RowScore[] out = new RowScore[rows.length];
        for (int i = 0; i < rows.length; i++) {
            double s = score.combine(rec[i], con[i], lambda);
            out[i] = new RowScore(rec[i], con[i], s, s > threshold, featureErrors ? errors[i] : null,
                    topK > 0 ? top(errors[i], topK) : null);
        }
        return out;
    }

    /** Indices of the k largest values, largest first (ties by lower index). */
    static int[] top(double[] v, int k) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> v[b] != v[a] ? Double.compare(v[b], v[a]) : Integer.compare(a, b));
        int n = Math.min(k, v.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = idx[i];
        }
        return out;
    }
}
