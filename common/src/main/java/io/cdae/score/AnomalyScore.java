package io.cdae.score;

import io.cdae.config.ConfigException;

import java.util.Locale;

/**
 * Which per-row quantity is the anomaly score: the reconstruction error (default), the contractive score
 * ||J_f(x)||_F^2 on the clean input, or the model's total loss reconstruction + lambda * contractive.
 */
public enum AnomalyScore {
    RECONSTRUCTION, CONTRACTIVE, TOTAL;

    public double combine(double reconstruction, double contractive, double lambda) {
        return switch (this) {
            case RECONSTRUCTION -> reconstruction;
            case CONTRACTIVE -> contractive;
            case TOTAL -> reconstruction + lambda * contractive;
        };
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AnomalyScore parse(String text) {
        for (AnomalyScore s : values()) {
            if (s.key().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return s;
            }
        }
        throw new ConfigException("anomaly-score", text, "one of reconstruction, contractive, total");
    }
}
