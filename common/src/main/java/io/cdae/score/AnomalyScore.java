package io.cdae.score;

import io.cdae.config.ConfigException;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Which per-row quantity is the anomaly score:
 * <ul>
 *   <li>{@code reconstruction} (default): the reconstruction error sum_i e_i of g(f(x));</li>
 *   <li>{@code weighted-reconstruction}: sum_i w_i e_i, each feature's loss divided by its typical loss on
 *       held-out normal rows ({@link FeatureWeights}), so that a feature the model always reconstructs well
 *       counts more when it is off than one that is noisy in normal data;</li>
 *   <li>{@code contractive}: ||J_f(x)||_F^2 on the clean input;</li>
 *   <li>{@code total}: the model's loss, reconstruction + lambda * contractive.</li>
 * </ul>
 */
public enum AnomalyScore {
    RECONSTRUCTION("reconstruction"),
    WEIGHTED_RECONSTRUCTION("weighted-reconstruction"),
    CONTRACTIVE("contractive"),
    TOTAL("total");

    private final String key;

    AnomalyScore(String key) {
        this.key = key;
    }

    /**
     * The score of one row from its reconstruction error, its weighted reconstruction error (NaN when the
     * score does not use it) and its contractive score.
     */
    public double combine(double reconstruction, double weightedReconstruction, double contractive, double lambda) {
        return switch (this) {
            case RECONSTRUCTION -> reconstruction;
            case WEIGHTED_RECONSTRUCTION -> weightedReconstruction;
            case CONTRACTIVE -> contractive;
            case TOTAL -> reconstruction + lambda * contractive;
        };
    }

    /** Whether this score needs per-feature weights calibrated on held-out rows. */
    public boolean needsFeatureWeights() {
        return this == WEIGHTED_RECONSTRUCTION;
    }

    public String key() {
        return key;
    }

    /** Every key, comma-separated (for messages and config checks). */
    public static String keys() {
        return Arrays.stream(values()).map(AnomalyScore::key).collect(Collectors.joining(", "));
    }

    public static AnomalyScore parse(String text) {
        for (AnomalyScore s : values()) {
            if (s.key().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return s;
            }
        }
        throw new ConfigException("anomaly-score", text, "one of " + keys());
    }
}
