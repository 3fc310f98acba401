package io.cdae.score;

import io.cdae.io.CdaeModel;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The per-feature weights of the {@code weighted-reconstruction} anomaly score:
 *
 * <pre>w_i = 1 / max(m_i, floor * mean_j m_j)</pre>
 *
 * where m_i is the mean reconstruction loss of feature i on held-out (normal) rows. The score
 * sum_i w_i e_i measures each feature's error in units of its usual error on normal data, a diagonal
 * Mahalanobis distance of the residuals. The floor keeps features that are reconstructed almost perfectly
 * (a constant border pixel) from dominating through a near-zero m_i. On the Fashion-MNIST one-class
 * benchmark it raised the mean ROC-AUC from 0.919 to 0.921 (docs/BENCHMARKS.md).
 */
public final class FeatureWeights {
    private FeatureWeights() {
    }

    /** The weights from the mean held-out losses {@code meanErrors}; {@code floor} > 0. */
    public static double[] fromMeanErrors(double[] meanErrors, double floor) {
        if (!(floor > 0) || Double.isInfinite(floor)) {
            throw new io.cdae.config.ConfigException("error-weight-floor", Double.toString(floor), "a number > 0");
        }
        double mean = 0;
        for (double m : meanErrors) {
            if (!(m >= 0) || Double.isInfinite(m)) {
                throw new IllegalArgumentException("mean feature losses must be finite and >= 0, found " + m);
            }
            mean += m / meanErrors.length;
        }
        double[] w = new double[meanErrors.length];
        for (int i = 0; i < w.length; i++) {
            double denominator = Math.max(meanErrors[i], floor * mean);
            // every held-out row reconstructed exactly: nothing to weigh by, plain reconstruction error
            w[i] = denominator > 0 ? 1.0 / denominator : 1.0;
        }
        return w;
    }

    /**
     * The sum of every feature's reconstruction loss over {@code rows} (raw values), scored in minibatches of
     * {@code batch} rows; element d (one past the features) is the number of rows. Sums of several parts
     * add up element by element ({@link #add}); {@link #meanErrors} turns them into the means.
     */
    public static double[] errorSums(CdaeModel model, Iterator<float[]> rows, int batch) {
        BatchScorer scorer = new BatchScorer(model, AnomalyScore.RECONSTRUCTION, Double.POSITIVE_INFINITY);
        int d = model.config().inputWidth();
        double[] sums = new double[d + 1];
        List<float[]> part = new ArrayList<>(batch);
        while (rows.hasNext()) {
            part.add(rows.next());
            if (part.size() == batch || !rows.hasNext()) {
                for (BatchScorer.RowScore s : scorer.score(part.toArray(new float[0][]), 0, true)) {
                    for (int j = 0; j < d; j++) {
                        sums[j] += s.featureErrors()[j];
                    }
                }
                sums[d] += part.size();
                part.clear();
            }
        }
        return sums;
    }

    /** The element-wise sum of two {@link #errorSums} results. */
    public static double[] add(double[] a, double[] b) {
        double[] c = a.clone();
        for (int j = 0; j < c.length; j++) {
            c[j] += b[j];
        }
        return c;
    }

    /** The mean loss of every feature from {@link #errorSums}. */
    public static double[] meanErrors(double[] sums) {
        int d = sums.length - 1;
        if (sums[d] == 0) {
            throw new IllegalArgumentException("no rows to compute feature weights on");
        }
        double[] means = new double[d];
        for (int j = 0; j < d; j++) {
            means[j] = sums[j] / sums[d];
        }
        return means;
    }
}
