package io.cdae.kernel;

import io.cdae.config.Activation;

/**
 * {@link Elementwise} in plain Java: the fallback when the Vector API is absent, and the tail of every row in
 * {@link VectorElementwise}. The formulas are those of {@link Activation} and
 * {@link io.cdae.model.CdaeObjective}, in float.
 */
final class ScalarElementwise implements Elementwise {

    @Override
    public void hidden(Activation activation, float[] z, float[] bias, int biasOffset, float[] h, float[] slope,
                       float[] slopeSquares, int firstRow, int rows, int width) {
        for (int r = firstRow; r < firstRow + rows; r++) {
            hiddenRow(activation, z, bias, biasOffset, h, slope, slopeSquares, r * width, 0, width);
        }
    }

    /** Columns [from, to) of the row starting at {@code row}. */
    static void hiddenRow(Activation activation, float[] z, float[] bias, int biasOffset, float[] h, float[] slope,
                          float[] slopeSquares, int row, int from, int to) {
        for (int j = from; j < to; j++) {
            float v = z[row + j] + bias[biasOffset + j];
            float a;
            float d;
            switch (activation) {
                case SIGMOID -> {
                    a = sigmoid(v);
                    d = a * (1f - a);
                }
                case TANH -> {
                    a = (float) Math.tanh(v);
                    d = 1f - a * a;
                }
                case RELU -> {
                    a = Math.max(v, 0f);
                    d = v > 0f ? 1f : 0f;
                }
                default -> {
                    a = v;
                    d = 1f;
                }
            }
            h[row + j] = a;
            slope[row + j] = d;
            slopeSquares[j] += d * d;
        }
    }

    @Override
    public void output(OutputKind kind, float[] o, float[] bias, int biasOffset, float[] x, float[] loss,
                       float[] biasGradient, float scale, int firstRow, int rows, int width) {
        for (int r = firstRow; r < firstRow + rows; r++) {
            outputRow(kind, o, bias, biasOffset, x, loss, biasGradient, scale, r * width, 0, width);
        }
    }

    /** Columns [from, to) of the row starting at {@code row}. */
    static void outputRow(OutputKind kind, float[] o, float[] bias, int biasOffset, float[] x, float[] loss,
                          float[] biasGradient, float scale, int row, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = o[row + i] + bias[biasOffset + i];
            float target = x[row + i];
            float g;
            switch (kind) {
                case LINEAR_MSE -> {
                    float diff = v - target;
                    loss[i] += diff * diff;
                    g = 2f * diff;
                }
                case SIGMOID_MSE -> {
                    float y = sigmoid(v);
                    float diff = y - target;
                    loss[i] += diff * diff;
                    g = 2f * diff * y * (1f - y);
                }
                default -> {
                    // softplus(v) - x v, softplus(v) = max(v, 0) + log(1 + e^-|v|)
                    float e = (float) Math.exp(-Math.abs(v));
                    loss[i] += Math.max(v, 0f) + (float) Math.log1p(e) - target * v;
                    float y = v >= 0f ? 1f / (1f + e) : e / (1f + e);
                    g = y - target;
                }
            }
            g *= scale;
            o[row + i] = g;
            biasGradient[i] += g;
        }
    }

    @Override
    public void hiddenError(Activation activation, float[] dz, float[] slope, float[] h, float[] columnNorms, float k,
                            float[] biasGradient, int firstRow, int rows, int width) {
        for (int r = firstRow; r < firstRow + rows; r++) {
            hiddenErrorRow(activation, dz, slope, h, columnNorms, k, biasGradient, r * width, 0, width);
        }
    }

    /** Columns [from, to) of the row starting at {@code row}. */
    static void hiddenErrorRow(Activation activation, float[] dz, float[] slope, float[] h, float[] columnNorms,
                               float k, float[] biasGradient, int row, int from, int to) {
        boolean curved = k != 0f && !activation.hasZeroCurvature();
        for (int j = from; j < to; j++) {
            float s = slope[row + j];
            float penalty = 0f;
            if (curved) {
                // s'' / s' = 1 - 2h (sigmoid), -2h (tanh)
                float ratio = activation == Activation.SIGMOID ? 1f - 2f * h[row + j] : -2f * h[row + j];
                penalty = k * columnNorms[j] * s * ratio;
            }
            float g = s * (dz[row + j] + penalty);
            dz[row + j] = g;
            biasGradient[j] += g;
        }
    }

    @Override
    public void columnSquares(float[] w, int offset, float[] sums, int rows, int width) {
        for (int r = 0; r < rows; r++) {
            int row = offset + r * width;
            for (int j = 0; j < width; j++) {
                float v = w[row + j];
                sums[j] += v * v;
            }
        }
    }

    @Override
    public void addScaledColumns(float[] target, int targetOffset, float[] w, int wOffset, float[] scale, int rows,
                                 int width) {
        for (int r = 0; r < rows; r++) {
            addScaledRow(target, targetOffset + r * width, w, wOffset + r * width, scale, 0, width);
        }
    }

    /** Columns [from, to) of one row. */
    static void addScaledRow(float[] target, int targetRow, float[] w, int wRow, float[] scale, int from, int to) {
        for (int j = from; j < to; j++) {
            target[targetRow + j] += w[wRow + j] * scale[j];
        }
    }

    static float sigmoid(float v) {
        return 1f / (1f + (float) Math.exp(-v));
    }
}
