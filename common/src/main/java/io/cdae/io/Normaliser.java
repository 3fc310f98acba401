package io.cdae.io;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Locale;

/**
 * Per-feature affine normalisation x' = (x - offset) / scale, fitted once on the training data and stored
 * with the model so scoring applies exactly the same transform. Constant features get scale 1.
 *
 * @param method "none", "min-max" (to [0, 1]) or "standard" (zero mean, unit variance)
 */
public record Normaliser(@JsonProperty("method") String method,
                         @JsonProperty("offset") double[] offset,
                         @JsonProperty("scale") double[] scale) implements java.io.Serializable {

    public static final String NONE = "none";
    public static final String MIN_MAX = "min-max";
    public static final String STANDARD = "standard";

    public Normaliser {
        method = method == null ? null : method.toLowerCase(Locale.ROOT);
        if (!NONE.equals(method) && !MIN_MAX.equals(method) && !STANDARD.equals(method)) {
            throw new io.cdae.config.ConfigException("normalisation", method, "one of none, min-max, standard");
        }
        if (offset == null || scale == null || offset.length != scale.length) {
            throw new IllegalArgumentException("normaliser offset and scale must have the same length");
        }
        for (int i = 0; i < scale.length; i++) {
            if (!Double.isFinite(offset[i]) || !Double.isFinite(scale[i]) || scale[i] <= 0) {
                throw new IllegalArgumentException("normaliser feature " + i + " has offset " + offset[i]
                        + " and scale " + scale[i] + "; expected finite values and scale > 0");
            }
        }
    }

    /** The identity for {@code width} features. */
    public static Normaliser identity(int width) {
        double[] zeros = new double[width];
        double[] ones = new double[width];
        java.util.Arrays.fill(ones, 1.0);
        return new Normaliser(NONE, zeros, ones);
    }

    /**
     * The normaliser of the given method from per-feature summary statistics (min, max, mean, population
     * variance), which a distributed job computes in one pass.
     */
    public static Normaliser fromStatistics(String method, double[] min, double[] max, double[] mean, double[] variance) {
        int width = min.length;
        double[] offset = new double[width];
        double[] scale = new double[width];
        for (int i = 0; i < width; i++) {
            switch (method == null ? "" : method.toLowerCase(Locale.ROOT)) {
                case NONE -> {
                    offset[i] = 0;
                    scale[i] = 1;
                }
                case MIN_MAX -> {
                    offset[i] = min[i];
                    scale[i] = max[i] > min[i] ? max[i] - min[i] : 1.0;
                }
                case STANDARD -> {
                    offset[i] = mean[i];
                    scale[i] = variance[i] > 0 ? Math.sqrt(variance[i]) : 1.0;
                }
                default -> throw new io.cdae.config.ConfigException("normalisation", method,
                        "one of none, min-max, standard");
            }
        }
        return new Normaliser(method, offset, scale);
    }

    /** Fits the given method on the rows of {@code data} ([n, d]). */
    public static Normaliser fit(String method, INDArray data) {
        INDArray d = data.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        return fromStatistics(method, d.min(0).toDoubleVector(), d.max(0).toDoubleVector(),
                d.mean(0).toDoubleVector(), d.var(false, 0).toDoubleVector());
    }

    public int width() {
        return offset.length;
    }

    /** Normalised copy of one row. */
    public float[] apply(float[] row) {
        if (row.length != width()) {
            throw new IllegalArgumentException("expected " + width() + " features, found " + row.length);
        }
        float[] out = new float[row.length];
        for (int i = 0; i < row.length; i++) {
            out[i] = (float) ((row[i] - offset[i]) / scale[i]);
        }
        return out;
    }

    /** Normalised copy of {@code rows}. */
    public INDArray apply(INDArray rows) {
        if (rows.size(1) != width()) {
            throw new IllegalArgumentException("expected " + width() + " features, found " + rows.size(1));
        }
        INDArray off = Nd4j.createFromArray(offset).castTo(rows.dataType()).reshape(1, width());
        INDArray sc = Nd4j.createFromArray(scale).castTo(rows.dataType()).reshape(1, width());
        return rows.subRowVector(off).diviRowVector(sc);
    }
}
