package io.cdae.score;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.cdae.config.ConfigException;

import java.io.Serializable;

/**
 * The anomaly threshold calibrated on held-out training rows, stored with the model.
 *
 * <p>Two rules: {@code quantile} flags the top {@code contamination} fraction of held-out scores
 * (threshold = their (1 - contamination) quantile); {@code mad} needs no contamination guess:
 * threshold = median + k * 1.4826 * MAD, the robust analogue of mean + k sigma (1.4826 makes the MAD a
 * consistent estimate of sigma for normal data; Rousseeuw and Croux 1993).
 *
 * <p>For the {@code weighted-reconstruction} and {@code combined} scores the calibration also holds the
 * per-feature weights computed on the same held-out rows, and for {@code combined} the z-scales of its two parts
 * ({@link CombinedScale}); scoring applies them.
 */
public record Calibration(@JsonProperty("anomaly-score") String anomalyScore,
                          @JsonProperty("rule") String rule,
                          @JsonProperty("threshold") double threshold,
                          @JsonProperty("held-out-rows") long heldOutRows,
                          @JsonProperty("median") double median,
                          @JsonProperty("mad") double mad,
                          @JsonProperty("mad-k") double madK,
                          @JsonProperty("contamination") double contamination,
                          @JsonProperty("quantile-threshold") double quantileThreshold,
                          @JsonProperty("mad-threshold") double madThreshold,
                          @JsonProperty("error-weight-floor") double errorWeightFloor,
                          @JsonProperty("feature-weights") double[] featureWeights,
                          @JsonProperty("combined-scale") CombinedScale combinedScale) implements Serializable {

    public static final String RULE_MAD = "mad";
    public static final String RULE_QUANTILE = "quantile";
    /** MAD to sigma for normal data. */
    public static final double MAD_TO_SIGMA = 1.4826;

    public Calibration {
        AnomalyScore score = AnomalyScore.parse(anomalyScore);
        checkRule(rule);
        if (score.needsFeatureWeights() && featureWeights == null) {
            throw new IllegalArgumentException("anomaly score " + anomalyScore + " needs feature weights");
        }
        if (score.needsScale() && combinedScale == null) {
            throw new IllegalArgumentException("anomaly score " + anomalyScore + " needs its z-scales (combined-scale)");
        }
    }

    /**
     * The calibration from held-out statistics: the median, the MAD and the (1 - contamination) quantile of
     * the held-out anomaly scores.
     */
    public static Calibration of(AnomalyScore score, String rule, long rows, double median, double mad, double madK,
                                 double contamination, double quantile) {
        return of(score, rule, rows, median, mad, madK, contamination, quantile, Double.NaN, null, null);
    }

    /**
     * The same for a score with per-feature weights ({@link FeatureWeights}, computed with {@code floor} on
     * the same held-out rows) and z-scales; {@code weights} and {@code scale} are null for the scores that do not
     * use them.
     */
    public static Calibration of(AnomalyScore score, String rule, long rows, double median, double mad, double madK,
                                 double contamination, double quantile, double floor, double[] weights,
                                 CombinedScale scale) {
        checkRule(rule);
        double madThreshold = median + madK * MAD_TO_SIGMA * mad;
        double threshold = RULE_MAD.equals(rule) ? madThreshold : quantile;
        return new Calibration(score.key(), rule, threshold, rows, median, mad, madK, contamination, quantile,
                madThreshold, floor, weights == null ? null : weights.clone(), scale);
    }

    private static void checkRule(String rule) {
        if (!RULE_MAD.equals(rule) && !RULE_QUANTILE.equals(rule)) {
            throw new ConfigException("threshold-rule", rule, "one of mad, quantile");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Calibration c && anomalyScore.equals(c.anomalyScore) && rule.equals(c.rule)
                && Double.compare(threshold, c.threshold) == 0 && heldOutRows == c.heldOutRows
                && Double.compare(median, c.median) == 0 && Double.compare(mad, c.mad) == 0
                && Double.compare(madK, c.madK) == 0 && Double.compare(contamination, c.contamination) == 0
                && Double.compare(quantileThreshold, c.quantileThreshold) == 0
                && Double.compare(madThreshold, c.madThreshold) == 0
                && Double.compare(errorWeightFloor, c.errorWeightFloor) == 0
                && java.util.Arrays.equals(featureWeights, c.featureWeights)
                && java.util.Objects.equals(combinedScale, c.combinedScale);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(anomalyScore, rule, threshold, heldOutRows, median, mad, madK, contamination,
                quantileThreshold, madThreshold, errorWeightFloor, java.util.Arrays.hashCode(featureWeights), combinedScale);
    }

    @Override
    public String toString() {
        return "Calibration[" + anomalyScore + ", " + rule + ", threshold " + threshold + ", " + heldOutRows
                + " held-out rows" + (featureWeights == null ? "" : ", " + featureWeights.length + " feature weights") + "]";
    }

    /** The score type as an enum. */
    public AnomalyScore score() {
        return AnomalyScore.parse(anomalyScore);
    }
}
