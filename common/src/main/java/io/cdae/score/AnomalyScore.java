package io.cdae.score;

import io.cdae.config.ConfigException;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Which per-row quantity is the anomaly score:
 * <ul>
 *   <li>{@code reconstruction}: the reconstruction error sum_i e_i of g(f(x));</li>
 *   <li>{@code weighted-reconstruction}: sum_i w_i e_i, each feature's loss divided by its typical loss on
 *       held-out normal rows ({@link FeatureWeights}), so that a feature the model always reconstructs well
 *       counts more when it is off than one that is noisy in normal data;</li>
 *   <li>{@code contractive}: ||J_f(x)||_F^2 on the clean input;</li>
 *   <li>{@code total}: the model's loss, reconstruction + lambda * contractive;</li>
 *   <li>{@code code-knn}: the mean distance from the code f(x) to its k nearest codes of a reference sample of
 *       training rows ({@link CodeSpace});</li>
 *   <li>{@code code-mahalanobis}: the Mahalanobis distance of f(x) from the reference codes' mean
 *       ({@link CodeSpace});</li>
 *   <li>{@code combined}: z(weighted-reconstruction) + z(code-knn), each z-scored with the mean and standard
 *       deviation of its values on held-out training rows ({@link CombinedScale}): a row is anomalous when it is
 *       reconstructed badly (off the data's manifold) or when its code is far from every normal code (on the
 *       manifold, but where no normal row lies).</li>
 * </ul>
 */
public enum AnomalyScore {
    RECONSTRUCTION("reconstruction"),
    WEIGHTED_RECONSTRUCTION("weighted-reconstruction"),
    CONTRACTIVE("contractive"),
    TOTAL("total"),
    CODE_KNN("code-knn"),
    CODE_MAHALANOBIS("code-mahalanobis"),
    COMBINED("combined");

    private final String key;

    AnomalyScore(String key) {
        this.key = key;
    }

    /**
     * The quantities of one row that scores are made of; NaN where the scorer did not compute one (a weighted
     * error without feature weights, code distances without a code space).
     */
    public record Components(double reconstruction, double weightedReconstruction, double contractive,
                             double codeKnn, double codeMahalanobis) {
    }

    /**
     * The score of one row.
     *
     * @param lambda the model's contractive weight ({@code total})
     * @param scale  the z-scales of {@code combined} (null for the other scores)
     */
    public double value(Components c, double lambda, CombinedScale scale) {
        return switch (this) {
            case RECONSTRUCTION -> c.reconstruction();
            case WEIGHTED_RECONSTRUCTION -> c.weightedReconstruction();
            case CONTRACTIVE -> c.contractive();
            case TOTAL -> c.reconstruction() + lambda * c.contractive();
            case CODE_KNN -> c.codeKnn();
            case CODE_MAHALANOBIS -> c.codeMahalanobis();
            case COMBINED -> scale.combine(c.weightedReconstruction(), c.codeKnn());
        };
    }

    /** Whether this score needs per-feature weights calibrated on held-out rows. */
    public boolean needsFeatureWeights() {
        return this == WEIGHTED_RECONSTRUCTION || this == COMBINED;
    }

    /** Whether this score needs the model's code space (reference codes, code mean and precision). */
    public boolean needsCodeSpace() {
        return this == CODE_KNN || this == CODE_MAHALANOBIS || this == COMBINED;
    }

    /** Whether this score needs z-scales calibrated on held-out rows. */
    public boolean needsScale() {
        return this == COMBINED;
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
