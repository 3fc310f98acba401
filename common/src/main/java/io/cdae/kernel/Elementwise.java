package io.cdae.kernel;

import io.cdae.backend.VectorApi;
import io.cdae.config.Activation;
import org.slf4j.LoggerFactory;

/**
 * The element-wise work of a step, each piece fused into one pass over its matrix (row-major, rows of
 * {@code width}; the row passes work on rows [firstRow, firstRow + rows), so that threads can share a matrix by
 * rows, each summing columns into its own arrays):
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
 * {@link #best()} picks the Vector API implementation where {@link VectorApi#usable()}, plain loops otherwise.
 */
interface Elementwise {

    /**
     * h[r, j] = s(z[r, j] + bias[biasOffset + j]), slope[r, j] = s' at the same point, slopeSquares[j] +=
     * slope[r, j]^2 (z is only read).
     */
    void hidden(Activation activation, float[] z, float[] bias, int biasOffset, float[] h, float[] slope,
                float[] slopeSquares, int firstRow, int rows, int width);

    /**
     * With y = g(o[r, i] + bias[biasOffset + i]): loss[i] += the loss of (y, x[r, i]); o[r, i] := scale *
     * dL/do (the unscaled derivative is 2 (y - x) g' for squared error, y - x for cross-entropy);
     * biasGradient[i] += that.
     */
    void output(OutputKind kind, float[] o, float[] bias, int biasOffset, float[] x, float[] loss,
                float[] biasGradient, float scale, int firstRow, int rows, int width);

    /**
     * dz[r, j] := slope[r, j] * (dz[r, j] + k * columnNorms[j] * curvature), with curvature s''/s' times slope[r, j]:
     * (1 - 2 h) s' for the sigmoid, -2 h s' for tanh, none for relu and linear (s'' = 0) or when k = 0;
     * biasGradient[j] += the new dz[r, j].
     */
    void hiddenError(Activation activation, float[] dz, float[] slope, float[] h, float[] columnNorms, float k,
                     float[] biasGradient, int firstRow, int rows, int width);

    /** sums[j] += w[offset + r * width + j]^2 over rows r in [0, rows). */
    void columnSquares(float[] w, int offset, float[] sums, int rows, int width);

    /** target[targetOffset + r * width + j] += w[wOffset + r * width + j] * scale[j] for rows r in [0, rows). */
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
            if (VectorApi.usable()) {
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
