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
                          @JsonProperty("mad-threshold") double madThreshold) implements Serializable {

    public static final String RULE_MAD = "mad";
    public static final String RULE_QUANTILE = "quantile";
    /** MAD to sigma for normal data. */
    public static final double MAD_TO_SIGMA = 1.4826;

    public Calibration {
        AnomalyScore.parse(anomalyScore);
        checkRule(rule);
    }

    /**
     * The calibration from held-out statistics: the median, the MAD and the (1 - contamination) quantile of
     * the held-out anomaly scores.
     */
    public static Calibration of(AnomalyScore score, String rule, long rows, double median, double mad, double madK,
                                 double contamination, double quantile) {
        checkRule(rule);
        double madThreshold = median + madK * MAD_TO_SIGMA * mad;
        double threshold = RULE_MAD.equals(rule) ? madThreshold : quantile;
        return new Calibration(score.key(), rule, threshold, rows, median, mad, madK, contamination, quantile,
                madThreshold);
    }

    private static void checkRule(String rule) {
        if (!RULE_MAD.equals(rule) && !RULE_QUANTILE.equals(rule)) {
            throw new ConfigException("threshold-rule", rule, "one of mad, quantile");
        }
    }

    /** The score type as an enum. */
    public AnomalyScore score() {
        return AnomalyScore.parse(anomalyScore);
    }
}
