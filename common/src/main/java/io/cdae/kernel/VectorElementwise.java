package io.cdae.kernel;

import io.cdae.config.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Elementwise} with the Java Vector API ({@code jdk.incubator.vector}, JDK 17): on x86-64 its exp, log1p
 * and tanh are the JDK's vectorised SVML routines, about 15 x faster per element than {@code Math.exp} in a
 * loop, which C2 does not vectorise. Each row's tail (width not a multiple of the lane count) goes through
 * {@link ScalarElementwise}. Running sums live in arrays, not in vector variables carried across iterations:
 * C2 in JDK 17 boxes such loop-carried vectors and the pass then runs 4 x slower.
 */
final class VectorElementwise implements Elementwise {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    VectorElementwise() {
        // touch the API now, so that a JVM without the module fails here and falls back to plain loops
        FloatVector.zero(SPECIES).reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void hidden(Activation activation, float[] z, float[] bias, int biasOffset, float[] h, float[] slope,
                       float[] slopeSquares, int firstRow, int rows, int width) {
        int bound = SPECIES.loopBound(width);
        for (int r = firstRow; r < firstRow + rows; r++) {
            int row = r * width;
            switch (activation) {
                case SIGMOID -> sigmoidRow(z, bias, biasOffset, h, slope, slopeSquares, row, bound);
                case TANH -> tanhRow(z, bias, biasOffset, h, slope, slopeSquares, row, bound);
                case RELU -> reluRow(z, bias, biasOffset, h, slope, slopeSquares, row, bound);
                case LINEAR -> linearRow(z, bias, biasOffset, h, slope, slopeSquares, row, bound);
            }
            ScalarElementwise.hiddenRow(activation, z, bias, biasOffset, h, slope, slopeSquares, row, bound, width);
        }
    }

    private static void sigmoidRow(float[] z, float[] bias, int biasOffset, float[] h, float[] slope,
                                   float[] slopeSquares, int row, int bound) {
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        for (int j = 0; j < bound; j += LANES) {
            FloatVector v = FloatVector.fromArray(SPECIES, z, row + j).add(FloatVector.fromArray(SPECIES, bias, biasOffset + j));
            // s = 1 / (1 + e^-v), s' = s (1 - s)
            FloatVector a = one.div(one.add(v.neg().lanewise(VectorOperators.EXP)));
            FloatVector d = a.mul(one.sub(a));
            store(a, d, h, slope, slopeSquares, row, j);
        }
    }

    private static void tanhRow(float[] z, float[] bias, int biasOffset, float[] h, float[] slope,
                                float[] slopeSquares, int row, int bound) {
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        for (int j = 0; j < bound; j += LANES) {
            FloatVector v = FloatVector.fromArray(SPECIES, z, row + j).add(FloatVector.fromArray(SPECIES, bias, biasOffset + j));
            // s = tanh v, s' = 1 - s^2
            FloatVector a = v.lanewise(VectorOperators.TANH);
            FloatVector d = one.sub(a.mul(a));
            store(a, d, h, slope, slopeSquares, row, j);
        }
    }

    private static void reluRow(float[] z, float[] bias, int biasOffset, float[] h, float[] slope,
                                float[] slopeSquares, int row, int bound) {
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        for (int j = 0; j < bound; j += LANES) {
            FloatVector v = FloatVector.fromArray(SPECIES, z, row + j).add(FloatVector.fromArray(SPECIES, bias, biasOffset + j));
            // s = max(v, 0), s' = step(v)
            VectorMask<Float> positive = v.compare(VectorOperators.GT, 0f);
            store(v.max(zero), zero.blend(one, positive), h, slope, slopeSquares, row, j);
        }
    }

    private static void linearRow(float[] z, float[] bias, int biasOffset, float[] h, float[] slope,
                                  float[] slopeSquares, int row, int bound) {
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        for (int j = 0; j < bound; j += LANES) {
            FloatVector v = FloatVector.fromArray(SPECIES, z, row + j).add(FloatVector.fromArray(SPECIES, bias, biasOffset + j));
            store(v, one, h, slope, slopeSquares, row, j);
        }
    }

    private static void store(FloatVector a, FloatVector d, float[] h, float[] slope, float[] slopeSquares, int row,
                              int j) {
        a.intoArray(h, row + j);
        d.intoArray(slope, row + j);
        d.fma(d, FloatVector.fromArray(SPECIES, slopeSquares, j)).intoArray(slopeSquares, j);
    }

    @Override
    public void output(OutputKind kind, float[] o, float[] bias, int biasOffset, float[] x, float[] loss,
                       float[] biasGradient, float scale, int firstRow, int rows, int width) {
        int bound = SPECIES.loopBound(width);
        for (int r = firstRow; r < firstRow + rows; r++) {
            int row = r * width;
            switch (kind) {
                case LINEAR_MSE -> linearMseRow(o, bias, biasOffset, x, loss, biasGradient, scale, row, bound);
                case SIGMOID_MSE -> sigmoidMseRow(o, bias, biasOffset, x, loss, biasGradient, scale, row, bound);
                case SIGMOID_BCE -> sigmoidBceRow(o, bias, biasOffset, x, loss, biasGradient, scale, row, bound);
            }
            ScalarElementwise.outputRow(kind, o, bias, biasOffset, x, loss, biasGradient, scale, row, bound, width);
        }
    }

    private static void linearMseRow(float[] o, float[] bias, int biasOffset, float[] x, float[] loss,
                                     float[] biasGradient, float scale, int row, int bound) {
        float twice = 2f * scale;
        for (int i = 0; i < bound; i += LANES) {
            FloatVector v = FloatVector.fromArray(SPECIES, o, row + i).add(FloatVector.fromArray(SPECIES, bias, biasOffset + i));
            FloatVector diff = v.sub(FloatVector.fromArray(SPECIES, x, row + i));
            // dL/do = 2 (y - x)
            storeOutput(diff, diff.mul(twice), o, loss, biasGradient, row, i);
        }
    }

    private static void sigmoidMseRow(float[] o, float[] bias, int biasOffset, float[] x, float[] loss,
                                      float[] biasGradient, float scale, int row, int bound) {
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        float twice = 2f * scale;
        for (int i = 0; i < bound; i += LANES) {
            FloatVector v = FloatVector.fromArray(SPECIES, o, row + i).add(FloatVector.fromArray(SPECIES, bias, biasOffset + i));
            FloatVector y = one.div(one.add(v.neg().lanewise(VectorOperators.EXP)));
            FloatVector diff = y.sub(FloatVector.fromArray(SPECIES, x, row + i));
            // dL/do = 2 (y - x) y (1 - y)
            storeOutput(diff, diff.mul(y).mul(one.sub(y)).mul(twice), o, loss, biasGradient, row, i);
        }
    }

    private static void sigmoidBceRow(float[] o, float[] bias, int biasOffset, float[] x, float[] loss,
                                      float[] biasGradient, float scale, int row, int bound) {
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        FloatVector zero = FloatVector.zero(SPECIES);
        for (int i = 0; i < bound; i += LANES) {
            FloatVector v = FloatVector.fromArray(SPECIES, o, row + i).add(FloatVector.fromArray(SPECIES, bias, biasOffset + i));
            FloatVector target = FloatVector.fromArray(SPECIES, x, row + i);
            // loss = softplus(v) - x v = max(v, 0) + log(1 + e^-|v|) - x v; y = s(v) from the same e^-|v|
            FloatVector e = v.abs().neg().lanewise(VectorOperators.EXP);
            FloatVector terms = v.max(zero).add(e.lanewise(VectorOperators.LOG1P)).sub(target.mul(v));
            terms.add(FloatVector.fromArray(SPECIES, loss, i)).intoArray(loss, i);
            FloatVector denominator = one.add(e);
            FloatVector y = one.div(denominator).blend(e.div(denominator), v.compare(VectorOperators.LT, 0f));
            FloatVector g = y.sub(target).mul(scale);
            g.intoArray(o, row + i);
            g.add(FloatVector.fromArray(SPECIES, biasGradient, i)).intoArray(biasGradient, i);
        }
    }

    /** Adds diff^2 to the per-feature loss and writes the error g over o and into the bias gradient. */
    private static void storeOutput(FloatVector diff, FloatVector g, float[] o, float[] loss, float[] biasGradient,
                                    int row, int i) {
        diff.fma(diff, FloatVector.fromArray(SPECIES, loss, i)).intoArray(loss, i);
        g.intoArray(o, row + i);
        g.add(FloatVector.fromArray(SPECIES, biasGradient, i)).intoArray(biasGradient, i);
    }

    @Override
    public void hiddenError(Activation activation, float[] dz, float[] slope, float[] h, float[] columnNorms, float k,
                            float[] biasGradient, int firstRow, int rows, int width) {
        int bound = SPECIES.loopBound(width);
        boolean curved = k != 0f && !activation.hasZeroCurvature();
        // s'' / s' = a - 2h: 1 - 2h (sigmoid), -2h (tanh)
        float a = activation == Activation.SIGMOID ? 1f : 0f;
        for (int r = firstRow; r < firstRow + rows; r++) {
            int row = r * width;
            for (int j = 0; j < bound; j += LANES) {
                FloatVector s = FloatVector.fromArray(SPECIES, slope, row + j);
                FloatVector e = FloatVector.fromArray(SPECIES, dz, row + j);
                if (curved) {
                    FloatVector ratio = FloatVector.fromArray(SPECIES, h, row + j).mul(-2f).add(a);
                    e = FloatVector.fromArray(SPECIES, columnNorms, j).mul(k).mul(s).fma(ratio, e);
                }
                FloatVector g = s.mul(e);
                g.intoArray(dz, row + j);
                g.add(FloatVector.fromArray(SPECIES, biasGradient, j)).intoArray(biasGradient, j);
            }
            ScalarElementwise.hiddenErrorRow(activation, dz, slope, h, columnNorms, k, biasGradient, row, bound, width);
        }
    }

    @Override
    public void columnSquares(float[] w, int offset, float[] sums, int rows, int width) {
        int bound = SPECIES.loopBound(width);
        for (int r = 0; r < rows; r++) {
            int row = offset + r * width;
            for (int j = 0; j < bound; j += LANES) {
                FloatVector v = FloatVector.fromArray(SPECIES, w, row + j);
                v.fma(v, FloatVector.fromArray(SPECIES, sums, j)).intoArray(sums, j);
            }
            for (int j = bound; j < width; j++) {
                sums[j] += w[row + j] * w[row + j];
            }
        }
    }

    @Override
    public void addScaledColumns(float[] target, int targetOffset, float[] w, int wOffset, float[] scale, int rows,
                                 int width) {
        int bound = SPECIES.loopBound(width);
        for (int r = 0; r < rows; r++) {
            int t = targetOffset + r * width;
            int v = wOffset + r * width;
            for (int j = 0; j < bound; j += LANES) {
                FloatVector.fromArray(SPECIES, w, v + j).fma(FloatVector.fromArray(SPECIES, scale, j),
                        FloatVector.fromArray(SPECIES, target, t + j)).intoArray(target, t + j);
            }
            ScalarElementwise.addScaledRow(target, t, w, v, scale, bound, width);
        }
    }
}
