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
                       float[] slopeSquares, int rows, int width) {
        for (int r = 0; r < rows; r++) {
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
                       float[] biasGradient, int gradientOffset, float scale, int rows, int width) {
        for (int r = 0; r < rows; r++) {
            outputRow(kind, o, bias, biasOffset, x, loss, biasGradient, gradientOffset, scale, r * width, 0, width);
        }
    }

    /** Columns [from, to) of the row starting at {@code row}. */
    static void outputRow(OutputKind kind, float[] o, float[] bias, int biasOffset, float[] x, float[] loss,
                          float[] biasGradient, int gradientOffset, float scale, int row, int from, int to) {
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
            biasGradient[gradientOffset + i] += g;
        }
    }

    static float sigmoid(float v) {
        return 1f / (1f + (float) Math.exp(-v));
    }
}
