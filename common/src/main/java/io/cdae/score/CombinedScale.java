package io.cdae.score;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.io.Serializable;

/**
 * The z-scales of the {@code combined} anomaly score, calibrated on held-out training rows:
 *
 * <pre>combined = (w - mean_w) / sd_w + (k - mean_k) / sd_k</pre>
 *
 * with w the weighted reconstruction error and k the code-knn distance of the row. Each part then counts in
 * units of its own spread on normal data, whatever the scale of the features or the code. A standard
 * deviation of 0 (a single held-out row, or a constant score) is taken as 1.
 */
public record CombinedScale(@JsonProperty("weighted-reconstruction-mean") double weightedMean,
                            @JsonProperty("weighted-reconstruction-sd") double weightedSd,
                            @JsonProperty("code-knn-mean") double knnMean,
                            @JsonProperty("code-knn-sd") double knnSd) implements Serializable {

    public CombinedScale {
        for (double v : new double[] {weightedMean, weightedSd, knnMean, knnSd}) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("combined score scales must be finite, found " + v);
            }
        }
        weightedSd = weightedSd > 0 ? weightedSd : 1.0;
        knnSd = knnSd > 0 ? knnSd : 1.0;
    }

    /** The scales from held-out values of the two parts (sample standard deviations). */
    public static CombinedScale of(double[] weighted, double[] knn) {
        if (weighted.length == 0 || weighted.length != knn.length) {
            throw new IllegalArgumentException("combined score scales need the same non-zero number of weighted ("
                    + weighted.length + ") and code-knn (" + knn.length + ") values");
        }
        return new CombinedScale(mean(weighted), sd(weighted), mean(knn), sd(knn));
    }

    /** The combined score of a row's weighted reconstruction error and code-knn distance. */
    public double combine(double weighted, double knn) {
        return (weighted - weightedMean) / weightedSd + (knn - knnMean) / knnSd;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double sd(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }
}
