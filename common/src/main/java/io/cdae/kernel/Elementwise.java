package io.cdae.kernel;

import io.cdae.config.Activation;
import org.slf4j.LoggerFactory;

/**
 * The element-wise work of a step, each piece fused into one pass over its matrix (row-major, {@code rows} rows
 * of {@code width}):
 * <ul>
 *   <li>{@link #hidden}: the code h = s(z + b) and its slope s'(z + b), and the column sums of s'^2 that the
 *       contractive term needs;</li>
 *   <li>{@link #output}: the reconstruction y = g(o + c), the per-feature loss summed over the rows, and the
 *       error dL/do, written over o, with its column sums (the output bias's gradient);</li>
 *   <li>{@link #hiddenError}: the error of the hidden pre-activation, back-propagated and from the contractive
 *       term, with its column sums (the hidden bias's gradient);</li>
 *   <li>{@link #columnSquares} and {@link #addScaledColumns}: the contractive term's column norms of W and its
 *       direct part of dL/dW.</li>
 * </ul>
 * {@link #best()} picks the Vector API implementation when the JVM runs with
 * {@code --add-modules jdk.incubator.vector} on x86-64 (where its exp and tanh are vectorised), plain loops
 * otherwise.
 */
interface Elementwise {

    /**
     * h[r, j] = s(z[r, j] + bias[biasOffset + j]), slope[r, j] = s' at the same point, slopeSquares[j] +=
     * slope[r, j]^2 (z is only read).
     */
    void hidden(Activation activation, float[] z, float[] bias, int biasOffset, float[] h, float[] slope,
                float[] slopeSquares, int rows, int width);

    /**
     * With y = g(o[r, i] + bias[biasOffset + i]): loss[i] += the loss of (y, x[r, i]); o[r, i] := scale *
     * dL/do (the unscaled derivative is 2 (y - x) g' for squared error, y - x for cross-entropy);
     * biasGradient[gradientOffset + i] += that.
     */
    void output(OutputKind kind, float[] o, float[] bias, int biasOffset, float[] x, float[] loss,
                float[] biasGradient, int gradientOffset, float scale, int rows, int width);

    /**
     * dz[r, j] := slope[r, j] * (dz[r, j] + k * columnNorms[j] * curvature), with curvature s''/s' times slope[r, j]:
     * (1 - 2 h) s' for the sigmoid, -2 h s' for tanh, none for relu and linear (s'' = 0) or when k = 0;
     * biasGradient[gradientOffset + j] += the new dz[r, j].
     */
    void hiddenError(Activation activation, float[] dz, float[] slope, float[] h, float[] columnNorms, float k,
                     float[] biasGradient, int gradientOffset, int rows, int width);

    /** sums[j] += w[offset + r * width + j]^2 over the rows. */
    void columnSquares(float[] w, int offset, float[] sums, int rows, int width);

    /** target[targetOffset + r * width + j] += w[wOffset + r * width + j] * scale[j]. */
    void addScaledColumns(float[] target, int targetOffset, float[] w, int wOffset, float[] scale, int rows, int width);

    /** The implementation for this JVM, chosen once. */
    static Elementwise best() {
        return Choice.BEST;
    }

    /** Holds the choice, made at first use. */
    final class Choice {
        static final Elementwise BEST = choose();

        private Choice() {
        }

        private static Elementwise choose() {
            String arch = System.getProperty("os.arch", "");
            boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
            boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
            if (x86 && module && !Boolean.getBoolean("cdae.kernel.scalar")) {
                try {
                    return new VectorElementwise();
                } catch (LinkageError e) {
                    LoggerFactory.getLogger(Elementwise.class).info("Vector API unavailable ({}): plain loops", e.toString());
                }
            }
            return new ScalarElementwise();
        }
    }
}
