package io.cdae.kernel;

import io.cdae.config.Activation;
import io.cdae.config.CdaeConfig;
import io.cdae.model.LossParts;
import io.cdae.model.ParameterLayout;

import java.util.Arrays;

/**
 * The CDAE objective of {@link io.cdae.model.CdaeObjective} and its exact gradient for one hidden layer, in float,
 * on Java arrays in the flat layout of {@link ParameterLayout} ({@code eW1 [d x n], eb1, [dW1 [n x d]], db1}).
 * With X~ the corrupted and X the clean minibatch (B rows), V the decoder weights (W^T when tied):
 *
 * <pre>
 * Z = X~ W + b,  H = s(Z),  S = s'(Z),  O = H V + c,  Y = g(O)
 * L = mean_r sum_i loss(Y, X) + lambda mean_r sum_j S_rj^2 |W_.j|^2
 * dO = dL/dO,  dZ = S * (dO V^T + (2 lambda / B) |W_.j|^2 s''(Z))        (s'' / s' = 1 - 2H for the sigmoid)
 * dL/dW = X~^T dZ (+ dO^T H when tied) + (2 lambda / B) W diag(sum_r S_r.^2),  dL/db, dL/dc = column sums
 * </pre>
 *
 * Four BLAS products instead of five: with tied weights the two products into dL/dW are one, over the stacked
 * [X~; dO] and [dZ; H] (inner dimension 2B instead of B, which OpenBLAS runs faster). Everything between the
 * products is a fused pass ({@link Elementwise} and the loops here). Nothing is allocated per call; one instance
 * per thread.
 */
public final class OneLayerKernel {
    private final CdaeConfig config;
    private final int d;
    private final int n;
    private final int capacity;
    private final boolean tied;
    private final Activation activation;
    private final OutputKind output;
    private final float lambda;
    private final Elementwise elementwise;
    /** Offsets of eW1, eb1, dW1 (-1 when tied) and db1 in the flat parameter vector. */
    private final int weights;
    private final int hiddenBias;
    private final int decoderWeights;
    private final int outputBias;

    /** O, then dO, on the heap. */
    private final float[] out;
    private final float[] z;
    private final float[] h;
    private final float[] slope;
    /** dH, then dZ. */
    private final float[] dz;
    private final float[] columnNorms;
    private final float[] slopeSquares;
    /** (2 lambda / B) sum_r S_rj^2, the factor of W_ij in the contractive term's gradient. */
    private final float[] columnScale;
    private final float[] featureLoss;

    /** [2 capacity x d]: rows [0, B) X~, rows [B, 2B) O, then dO. */
    private final NativeFloats inputAndError;
    /** [2 capacity x n]: rows [0, B) dZ, rows [B, 2B) H. */
    private final NativeFloats codeAndError;
    /** [capacity x n]: Z, then dH. */
    private final NativeFloats preActivation;
    private final NativeFloats weightStage;
    private final NativeFloats weightGradient;
    /** Untied only: the decoder weights [n x d] and their gradient. */
    private final NativeFloats decoderStage;
    private final NativeFloats decoderGradient;

    /** A kernel for minibatches of up to {@code capacity} rows of {@code config}, which {@link #supports}. */
    public OneLayerKernel(CdaeConfig config, int capacity) {
        this(config, capacity, Elementwise.best());
    }

    /** The same with a given implementation of the element-wise passes (tests run both). */
    OneLayerKernel(CdaeConfig config, int capacity, Elementwise elementwise) {
        if (!supports(config)) {
            throw new IllegalArgumentException("the fused kernel needs one encoder layer and the exact contractive "
                    + "term, found encoder-widths " + config.encoderWidths() + ", contractive-estimator "
                    + config.contractiveEstimator().key());
        }
        this.config = config;
        this.d = config.inputWidth();
        this.n = config.width(1);
        this.capacity = capacity;
        this.tied = config.tiedWeights();
        this.activation = config.activation();
        this.output = OutputKind.of(config);
        this.lambda = (float) config.contractiveWeight();
        this.elementwise = elementwise;
        ParameterLayout layout = new ParameterLayout(config);
        this.weights = offset(layout, ParameterLayout.encoderWeightKey(1));
        this.hiddenBias = offset(layout, ParameterLayout.encoderBiasKey(1));
        this.decoderWeights = tied ? -1 : offset(layout, ParameterLayout.decoderWeightKey(1));
        this.outputBias = offset(layout, ParameterLayout.decoderBiasKey(1));
        this.out = new float[capacity * d];
        this.z = new float[capacity * n];
        this.h = new float[capacity * n];
        this.slope = new float[capacity * n];
        this.dz = new float[capacity * n];
        this.columnNorms = new float[n];
        this.slopeSquares = new float[n];
        this.columnScale = new float[n];
        this.featureLoss = new float[d];
        this.inputAndError = new NativeFloats(2L * capacity * d);
        this.codeAndError = new NativeFloats(2L * capacity * n);
        this.preActivation = new NativeFloats((long) capacity * n);
        this.weightStage = new NativeFloats((long) d * n);
        this.weightGradient = new NativeFloats((long) d * n);
        this.decoderStage = tied ? null : new NativeFloats((long) n * d);
        this.decoderGradient = tied ? null : new NativeFloats((long) n * d);
    }

    /** True for the configurations this kernel computes: one encoder layer, exact contractive term. */
    public static boolean supports(CdaeConfig config) {
        return config.depth() == 1
                && config.contractiveEstimator() == io.cdae.config.ContractiveEstimator.EXACT;
    }

    private static int offset(ParameterLayout layout, String key) {
        return layout.blocks().stream().filter(b -> b.key().equals(key)).findFirst()
                .map(b -> Math.toIntExact(b.offset())).orElseThrow();
    }

    public CdaeConfig config() {
        return config;
    }

    /** The most rows a minibatch may have. */
    public int capacity() {
        return capacity;
    }

    /** The number of parameters (the length of the parameter and gradient vectors). */
    public int parameterCount() {
        return outputBias + d;
    }

    /**
     * The loss on (X~ = {@code corrupted}, X = {@code clean}), the first {@code rows} rows of each, and its gradient
     * written into {@code gradient} (every entry overwritten), for the parameters {@code params}.
     */
    public LossParts evaluate(float[] params, float[] corrupted, float[] clean, int rows, float[] gradient) {
        if (rows < 1 || rows > capacity) {
            throw new IllegalArgumentException("expected a minibatch of 1 to " + capacity + " rows, found " + rows);
        }
        int bd = rows * d;
        int bn = rows * n;
        weightStage.put(0, params, weights, d * n);
        inputAndError.put(0, corrupted, 0, bd);
        // Z = X~ W
        NativeFloats.gemm(false, false, rows, n, d, inputAndError, 0, d, weightStage, 0, n, 0f, preActivation, 0, n);
        preActivation.get(0, z, 0, bn);
        Arrays.fill(columnNorms, 0f);
        elementwise.columnSquares(params, weights, columnNorms, d, n);
        Arrays.fill(slopeSquares, 0f);
        elementwise.hidden(activation, z, params, hiddenBias, h, slope, slopeSquares, rows, n);
        codeAndError.put(bn, h, 0, bn);
        // O = H V
        if (tied) {
            NativeFloats.gemm(false, true, rows, d, n, codeAndError, bn, n, weightStage, 0, n, 0f, inputAndError, bd, d);
        } else {
            decoderStage.put(0, params, decoderWeights, n * d);
            NativeFloats.gemm(false, false, rows, d, n, codeAndError, bn, n, decoderStage, 0, d, 0f, inputAndError, bd, d);
        }
        inputAndError.get(bd, out, 0, bd);
        Arrays.fill(featureLoss, 0f);
        Arrays.fill(gradient, outputBias, outputBias + d, 0f);
        elementwise.output(output, out, params, outputBias, clean, featureLoss, gradient, outputBias, 1f / rows, rows, d);
        inputAndError.put(bd, out, 0, bd);
        // dH = dO V^T
        if (tied) {
            NativeFloats.gemm(false, false, rows, n, d, inputAndError, bd, d, weightStage, 0, n, 0f, preActivation, 0, n);
        } else {
            NativeFloats.gemm(false, true, rows, n, d, inputAndError, bd, d, decoderStage, 0, d, 0f, preActivation, 0, n);
        }
        preActivation.get(0, dz, 0, bn);
        hiddenError(gradient, rows);
        codeAndError.put(0, dz, 0, bn);
        weightGradients(params, gradient, rows);
        return loss(rows);
    }

    /** dz := dZ = S * (dH + (2 lambda / B) |W_.j|^2 s''/s' S); the hidden bias's gradient is its column sums. */
    private void hiddenError(float[] gradient, int rows) {
        Arrays.fill(gradient, hiddenBias, hiddenBias + n, 0f);
        elementwise.hiddenError(activation, dz, slope, h, columnNorms, 2f * lambda / rows, gradient, hiddenBias, rows, n);
    }

    /** dL/dW (and dL/dV when untied) from BLAS, plus the contractive term's direct part (2 lambda / B) W_ij sum_r S_rj^2. */
    private void weightGradients(float[] params, float[] gradient, int rows) {
        int bd = rows * d;
        int bn = rows * n;
        if (tied) {
            // [X~; dO]^T [dZ; H] = X~^T dZ + dO^T H
            NativeFloats.gemm(true, false, d, n, 2 * rows, inputAndError, 0, d, codeAndError, 0, n, 0f, weightGradient, 0, n);
        } else {
            NativeFloats.gemm(true, false, d, n, rows, inputAndError, 0, d, codeAndError, 0, n, 0f, weightGradient, 0, n);
            NativeFloats.gemm(true, false, n, d, rows, codeAndError, bn, n, inputAndError, bd, d, 0f, decoderGradient, 0, d);
            decoderGradient.get(0, gradient, decoderWeights, n * d);
        }
        weightGradient.get(0, gradient, weights, d * n);
        if (lambda > 0) {
            float k = 2f * lambda / rows;
            for (int j = 0; j < n; j++) {
                columnScale[j] = k * slopeSquares[j];
            }
            elementwise.addScaledColumns(gradient, weights, params, weights, columnScale, d, n);
        }
    }

    private LossParts loss(int rows) {
        double reconstruction = 0;
        for (float f : featureLoss) {
            reconstruction += f;
        }
        double contractive = 0;
        for (int j = 0; j < n; j++) {
            contractive += (double) slopeSquares[j] * columnNorms[j];
        }
        return new LossParts(reconstruction / rows, contractive / rows, config.contractiveWeight());
    }
}
