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
 * input, the configured anomaly score ({@link AnomalyScore}; the code-space scores from the model's
 * {@link CodeSpace}), the anomaly flag against a threshold, and on request every feature's reconstruction loss
 * and the indices of the k features that contribute most to the score (largest loss; largest weighted loss
 * under {@code weighted-reconstruction} and {@code combined}). One instance per thread (it caches parameter
 * views).
 */
public final class BatchScorer {
    private final CdaeModel model;
    private final AnomalyScore score;
    private final double threshold;
    private final CdaeObjective objective;
    private final io.cdae.model.CdaeParameters views;
    private final float[] offset;
    private final float[] scale;
    /** [1, d] feature weights of the weighted score, or null; the same as doubles for the top features. */
    private final INDArray weights;
    private final double[] featureWeights;
    private final CombinedScale combinedScale;
    private final CodeSpace codeSpace;

    /**
     * Scores of one row. {@code weightedReconstruction}, {@code codeKnn} and {@code codeMahalanobis} are NaN
     * unless the scorer computes them; {@code featureErrors} and {@code topFeatures} are null unless requested.
     */
    public record RowScore(double reconstruction, double contractive, double weightedReconstruction, double codeKnn,
                           double codeMahalanobis, double anomalyScore, boolean anomaly, double[] featureErrors,
                           int[] topFeatures) {
    }

    /**
     * A scorer by {@code score} against {@code threshold}; feature weights and z-scales come from the model's
     * calibration, code distances from its code space.
     */
    public BatchScorer(CdaeModel model, AnomalyScore score, double threshold) {
        this(model, score, threshold, score.needsFeatureWeights() ? storedWeights(model, score) : null,
                score.needsScale() ? storedScale(model) : null);
    }

    /**
     * A scorer with explicit feature weights ({@link FeatureWeights}; a weighted error is computed whenever they
     * are given) and z-scales (null unless the score needs them), as the calibration uses before they are stored.
     */
    public BatchScorer(CdaeModel model, AnomalyScore score, double threshold, double[] featureWeights,
                       CombinedScale combinedScale) {
        int d = model.config().inputWidth();
        if (score.needsFeatureWeights() && featureWeights == null) {
            throw new IllegalArgumentException("anomaly score " + score.key() + " needs " + d + " feature weights, found none");
        }
        if (featureWeights != null && featureWeights.length != d) {
            throw new IllegalArgumentException("expected " + d + " feature weights, found " + featureWeights.length);
        }
        if (score.needsCodeSpace() && model.codeSpace() == null) {
            throw new IllegalArgumentException("anomaly score " + score.key() + " needs the model's code space "
                    + "(reference codes); this model has none (train it with this version of cdae-spark)");
        }
        if (score.needsScale() && combinedScale == null) {
            throw new IllegalArgumentException("anomaly score " + score.key() + " needs the z-scales of its calibration");
        }
        this.featureWeights = featureWeights == null ? null : featureWeights.clone();
        try (MemoryWorkspace out = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            this.weights = featureWeights == null ? null
                    : Nd4j.create(featureWeights, new long[] {1, featureWeights.length}, 'c')
                    .castTo(model.parameters().dataType());
        }
        this.combinedScale = combinedScale;
        this.codeSpace = score.needsCodeSpace() ? model.codeSpace() : null;
        this.model = model;
        this.score = score;
        this.threshold = threshold;
        this.objective = new CdaeObjective(model.config());
        this.views = model.views();
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

    private static double[] storedWeights(CdaeModel model, AnomalyScore score) {
        Calibration c = model.calibration();
        if (c == null || c.featureWeights() == null) {
            throw new IllegalArgumentException("anomaly score " + score.key() + " needs the feature weights of a "
                    + "calibration; this model has none (train it with anomaly-score = " + score.key() + ")");
        }
        return c.featureWeights();
    }

    private static CombinedScale storedScale(CdaeModel model) {
        Calibration c = model.calibration();
        if (c == null || c.combinedScale() == null) {
            throw new IllegalArgumentException("anomaly score combined needs the z-scales of a calibration; this "
                    + "model has none (train it with anomaly-score = combined)");
        }
        return c.combinedScale();
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
        double[] weighted;
        double[] knn;
        double[] mahalanobis;
        double[][] errors;
        // every intermediate array of the minibatch lives in one per-thread workspace, reused by the next
        // minibatch: scoring allocates no native memory per row, so memory stays flat however many rows
        try (MemoryWorkspace ws = io.cdae.backend.Scratch.open(io.cdae.backend.Scratch.SCORING)) {
            INDArray x = io.cdae.backend.HostArrays.fromFloats(raw, n, d).castTo(model.parameters().dataType());
            CdaeObjective.RowTerms t = objective.rowTerms(views, x, model.config().seed());
            rec = t.reconstruction().castTo(DataType.DOUBLE).toDoubleVector();
            con = t.contractive().castTo(DataType.DOUBLE).toDoubleVector();
            weighted = weights == null ? null : t.featureErrors().mulRowVector(weights).sum(1).castTo(DataType.DOUBLE)
                    .toDoubleVector();
            knn = score == AnomalyScore.CODE_KNN || score == AnomalyScore.COMBINED ? codeSpace.knnDistances(t.codePreActivation()) : null;
            mahalanobis = score == AnomalyScore.CODE_MAHALANOBIS ? codeSpace.mahalanobis(t.codePreActivation()) : null;
            errors = topK > 0 || featureErrors ? rows(t.featureErrors(), n, d) : null;
        }
        double lambda = model.config().contractiveWeight();
        RowScore[] out = new RowScore[n];
        for (int i = 0; i < n; i++) {
            AnomalyScore.Components c = new AnomalyScore.Components(rec[i], weighted == null ? Double.NaN : weighted[i],
                    con[i], knn == null ? Double.NaN : knn[i], mahalanobis == null ? Double.NaN : mahalanobis[i]);
            double s = score.value(c, lambda, combinedScale);
            out[i] = new RowScore(rec[i], con[i], c.weightedReconstruction(), c.codeKnn(), c.codeMahalanobis(), s,
                    s > threshold, featureErrors ? errors[i] : null,
                    topK > 0 ? top(contributions(errors[i], featureWeights), topK) : null);
        }
        return out;
    }
    /** The rows of an [n, d] array as doubles, with one bulk copy (toDoubleMatrix copies row by row). */
    private static double[][] rows(INDArray a, int n, int d) {
        double[] flat = a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            out[i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
        }
        return out;
    }

    /** Each feature's share of the anomaly score: its loss, times its weight under the weighted score. */
    private static double[] contributions(double[] errors, double[] weights) {
        if (weights == null) {
            return errors;
        }
        double[] c = new double[errors.length];
        for (int j = 0; j < c.length; j++) {
            c[j] = errors[j] * weights[j];
        }
        return c;
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
