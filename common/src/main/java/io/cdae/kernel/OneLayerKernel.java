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
 * [X~; dO] and [dZ; H]. Everything between the products is a fused pass ({@link Elementwise}).
 *
 * <p>With a team of T threads the minibatch's rows are split T ways for the forward and backward passes (every
 * product but the last is row by row) and the rows of dL/dW T ways for the last product; each thread calls BLAS
 * single-threaded on its share and sums columns into its own arrays, which are added up between the two phases.
 * The shares are fixed by B and T, so results are deterministic for a given thread count. Nothing is allocated
 * per call; one instance per thread.
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
    private final Team team;
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
    /** Each team member's column sums: S^2, the per-feature loss, dZ and dO. */
    private final float[][] slopeSquaresPart;
    private final float[][] featureLossPart;
    private final float[][] hiddenBiasPart;
    private final float[][] outputBiasPart;

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

    /**
     * A kernel for minibatches of up to {@code capacity} rows of {@code config}, which {@link #supports}, running
     * on {@code threads} threads (the calling one and helpers), each calling BLAS on its own share.
     */
    public OneLayerKernel(CdaeConfig config, int capacity, int threads) {
        this(config, capacity, threads, Elementwise.best());
    }

    /** The same with a given implementation of the element-wise passes (tests run both). */
    OneLayerKernel(CdaeConfig config, int capacity, int threads, Elementwise elementwise) {
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
        this.team = new Team(threads);
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
        this.slopeSquaresPart = new float[threads][n];
        this.featureLossPart = new float[threads][d];
        this.hiddenBiasPart = new float[threads][n];
        this.outputBiasPart = new float[threads][d];
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

    /** The threads this kernel runs on. */
    public int threads() {
        return team.size();
    }

    /** The number of parameters (the length of the parameter and gradient vectors). */
    public int parameterCount() {
        return outputBias + d;
    }

    /** Work on a range [from, to) of items. */
    @FunctionalInterface
    public interface Share {
        void run(int from, int to);
    }

    /** Runs {@code share} on [0, count) split into one contiguous range per thread of this kernel's team. */
    public void forEachShare(int count, Share share) {
        team.run(m -> share.run(team.start(m, count), team.start(m + 1, count)));
    }

    /**
     * The loss on (X~ = {@code corrupted}, X = {@code clean}), the first {@code rows} rows of each, and its gradient
     * written into {@code gradient} (every entry overwritten), for the parameters {@code params}.
     */
    public LossParts evaluate(float[] params, float[] corrupted, float[] clean, int rows, float[] gradient) {
        if (rows < 1 || rows > capacity) {
            throw new IllegalArgumentException("expected a minibatch of 1 to " + capacity + " rows, found " + rows);
        }
        weightStage.put(0, params, weights, d * n);
        if (!tied) {
            decoderStage.put(0, params, decoderWeights, n * d);
        }
        Arrays.fill(columnNorms, 0f);
        elementwise.columnSquares(params, weights, columnNorms, d, n);
        team.run(m -> rowShare(m, params, corrupted, clean, rows));
        double reconstruction = addShares(gradient);
        if (lambda > 0) {
            float k = 2f * lambda / rows;
            for (int j = 0; j < n; j++) {
                columnScale[j] = k * slopeSquares[j];
            }
        }
        team.run(m -> weightShare(m, params, gradient, rows));
        double contractive = 0;
        for (int j = 0; j < n; j++) {
            contractive += (double) slopeSquares[j] * columnNorms[j];
        }
        return new LossParts(reconstruction / rows, contractive / rows, config.contractiveWeight());
    }

    /** Forward and backward pass of member m's rows, up to dZ; column sums into the member's own arrays. */
    private void rowShare(int m, float[] params, float[] corrupted, float[] clean, int rows) {
        int r0 = team.start(m, rows);
        int count = team.start(m + 1, rows) - r0;
        Arrays.fill(slopeSquaresPart[m], 0f);
        Arrays.fill(featureLossPart[m], 0f);
        Arrays.fill(hiddenBiasPart[m], 0f);
        Arrays.fill(outputBiasPart[m], 0f);
        if (count == 0) {
            return;
        }
        int x0 = r0 * d;
        int h0 = r0 * n;
        int errors = rows * d + x0;
        int codes = rows * n + h0;
        inputAndError.put(x0, corrupted, x0, count * d);
        // Z = X~ W
        NativeFloats.gemm(false, false, count, n, d, inputAndError, x0, d, weightStage, 0, n, 0f, preActivation, h0, n);
        preActivation.get(h0, z, h0, count * n);
        elementwise.hidden(activation, z, params, hiddenBias, h, slope, slopeSquaresPart[m], r0, count, n);
        codeAndError.put(codes, h, h0, count * n);
        // O = H V
        if (tied) {
            NativeFloats.gemm(false, true, count, d, n, codeAndError, codes, n, weightStage, 0, n, 0f, inputAndError, errors, d);
        } else {
            NativeFloats.gemm(false, false, count, d, n, codeAndError, codes, n, decoderStage, 0, d, 0f, inputAndError, errors, d);
        }
        inputAndError.get(errors, out, x0, count * d);
        elementwise.output(output, out, params, outputBias, clean, featureLossPart[m], outputBiasPart[m], 1f / rows, r0,
                count, d);
        inputAndError.put(errors, out, x0, count * d);
        // dH = dO V^T
        if (tied) {
            NativeFloats.gemm(false, false, count, n, d, inputAndError, errors, d, weightStage, 0, n, 0f, preActivation, h0, n);
        } else {
            NativeFloats.gemm(false, true, count, n, d, inputAndError, errors, d, decoderStage, 0, d, 0f, preActivation, h0, n);
        }
        preActivation.get(h0, dz, h0, count * n);
        // dZ = S * (dH + the contractive term's part through s'')
        elementwise.hiddenError(activation, dz, slope, h, columnNorms, 2f * lambda / rows, hiddenBiasPart[m], r0, count, n);
        codeAndError.put(h0, dz, h0, count * n);
    }

    /** Adds the members' column sums: the bias gradients and sum_r S_rj^2; returns the summed reconstruction loss. */
    private double addShares(float[] gradient) {
        Arrays.fill(gradient, hiddenBias, hiddenBias + n, 0f);
        Arrays.fill(gradient, outputBias, outputBias + d, 0f);
        Arrays.fill(slopeSquares, 0f);
        double reconstruction = 0;
        for (int m = 0; m < team.size(); m++) {
            for (int j = 0; j < n; j++) {
                gradient[hiddenBias + j] += hiddenBiasPart[m][j];
                slopeSquares[j] += slopeSquaresPart[m][j];
            }
            for (int i = 0; i < d; i++) {
                gradient[outputBias + i] += outputBiasPart[m][i];
                reconstruction += featureLossPart[m][i];
            }
        }
        return reconstruction;
    }

    /**
     * Member m's rows of dL/dW (and its columns of dL/dV when untied) from BLAS, plus the contractive term's direct
     * part (2 lambda / B) W_ij sum_r S_rj^2.
     */
    private void weightShare(int m, float[] params, float[] gradient, int rows) {
        int i0 = team.start(m, d);
        int count = team.start(m + 1, d) - i0;
        if (count == 0) {
            return;
        }
        if (tied) {
            // [X~; dO]^T [dZ; H] = X~^T dZ + dO^T H
            NativeFloats.gemm(true, false, count, n, 2 * rows, inputAndError, i0, d, codeAndError, 0, n, 0f,
                    weightGradient, i0 * n, n);
        } else {
            NativeFloats.gemm(true, false, count, n, rows, inputAndError, i0, d, codeAndError, 0, n, 0f,
                    weightGradient, i0 * n, n);
            // dL/dV [n x d], columns i0..: H^T dO
            NativeFloats.gemm(true, false, n, count, rows, codeAndError, rows * n, n, inputAndError, rows * d + i0, d, 0f,
                    decoderGradient, i0, d);
            for (int j = 0; j < n; j++) {
                decoderGradient.get(j * d + i0, gradient, decoderWeights + j * d + i0, count);
            }
        }
        weightGradient.get(i0 * n, gradient, weights + i0 * n, count * n);
        if (lambda > 0) {
            elementwise.addScaledColumns(gradient, weights + i0 * n, params, weights + i0 * n, columnScale, count, n);
        }
    }
}
