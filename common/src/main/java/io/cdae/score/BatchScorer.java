package io.cdae.score;

import io.cdae.io.CdaeModel;
import io.cdae.model.CdaeObjective;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
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
    private final CdaeObjective objective;
    private final io.cdae.model.CdaeParameters views;
    private final float[] offset;
    private final float[] scale;

    /** Scores of one row. {@code featureErrors} and {@code topFeatures} are null unless requested. */
    public record RowScore(double reconstruction, double contractive, double anomalyScore, boolean anomaly,
                           double[] featureErrors, int[] topFeatures) {
    }

    public BatchScorer(CdaeModel model, AnomalyScore score, double threshold) {
        this.model = model;
        this.score = score;
        this.threshold = threshold;
        this.objective = new CdaeObjective(model.config());
        this.views = model.views();
        int d = model.config().inputWidth();
        this.offset = new float[d];
        this.scale = new float[d];
        for (int j = 0; j < d; j++) {
            offset[j] = (float) model.normaliser().offset()[j];
            scale[j] = (float) model.normaliser().scale()[j];
        }
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
        int d = model.config().inputWidth();
        float[] flat = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != d) {
                throw new IllegalArgumentException("expected " + d + " features, found " + rows[i].length);
            }
            System.arraycopy(rows[i], 0, flat, i * d, d);
        }
        return score(flat, rows.length, topK, featureErrors);
    }

    /**
     * Scores {@code n} rows given as one row-major array of raw values ({@code n * d}, overwritten with the
     * normalised values): one copy into ND4J per minibatch, the normalisation done in the same loop.
     */
    public RowScore[] score(float[] raw, int n, int topK, boolean featureErrors) {
        int d = model.config().inputWidth();
        if (raw.length < n * d) {
            throw new IllegalArgumentException("expected " + n + " x " + d + " values, found " + raw.length);
        }
        for (int i = 0; i < n; i++) {
            int base = i * d;
            for (int j = 0; j < d; j++) {
                // the same float operations as Normaliser.apply on an INDArray: identical values
                raw[base + j] = (raw[base + j] - offset[j]) / scale[j];
            }
        }
        double[] rec;
        double[] con;
        double[][] errors;
        // every intermediate array of the minibatch lives in one per-thread workspace, reused by the next
        // minibatch: scoring allocates no native memory per row, so memory stays flat however many rows
        try (MemoryWorkspace ws = io.cdae.backend.Scratch.open(io.cdae.backend.Scratch.SCORING)) {
            INDArray x = io.cdae.backend.HostArrays.fromFloats(raw, n, d).castTo(model.parameters().dataType());
            CdaeObjective.RowTerms t = objective.rowTerms(views, x, model.config().seed());
            rec = t.reconstruction().castTo(DataType.DOUBLE).toDoubleVector();
            con = t.contractive().castTo(DataType.DOUBLE).toDoubleVector();
            errors = topK > 0 || featureErrors ? t.featureErrors().castTo(DataType.DOUBLE).toDoubleMatrix() : null;
        }
        double lambda = model.config().contractiveWeight();
        RowScore[] out = new RowScore[n];
        for (int i = 0; i < n; i++) {
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
