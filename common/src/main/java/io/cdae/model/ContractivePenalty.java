package io.cdae.model;

import io.cdae.config.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * The contractive penalty C(x) = ||J_f(x)||_F^2 of Rifai et al. (2011), "Contractive auto-encoders:
 * explicit invariance during feature extraction", for an encoder f of any depth, with its exact gradient.
 *
 * <p>With row-vector layers a_l = s(a_{l-1} W_l + b_l), the transposed Jacobian of the code is the product
 * T_L = W_1 D_1 W_2 D_2 ... W_L D_L (D_l = diag s'(z_l)), computed per row in forward mode:
 * T_l = T_{l-1} W_l D_l with T_0 = I. Reverse mode through that product gives the gradient both with respect
 * to every W_l directly and, through D_l, with respect to every z_l (via s''), which the caller feeds into
 * the ordinary back-propagation of the encoder.
 *
 * <ul>
 *   <li>One layer: the closed form C = sum_j s'(z_j)^2 * sum_i W_ij^2, O(B d n) time, O(B n + d n) memory.</li>
 *   <li>Deep, exact: O(B d sum_l n_{l-1} n_l) time and O(B d max_l n_l) memory per layer kept.</li>
 *   <li>Random projection: E_v ||J v||^2 = ||J||_F^2 for v ~ N(0, I); with k probes per row,
 *       O(B k sum_l n_{l-1} n_l) time, unbiased, for very wide inputs.</li>
 * </ul>
 */
public final class ContractivePenalty {

    /**
     * Per-row penalty and, when requested, its gradient: {@code weightGrad[l]} = dC/dW_l through the
     * Jacobian product and {@code preActivationGrad[l]} = dC/dz_l through s'(z_l), both summed/stacked over
     * the batch and unscaled (the caller applies lambda / B). Arrays are indexed 1..L.
     */
    public record Result(INDArray perRow, INDArray[] weightGrad, INDArray[] preActivationGrad) {
    }

    private ContractivePenalty() {
    }

    /** The exact penalty (closed form for one layer, forward-mode Jacobian for deeper encoders). */
    public static Result exact(CdaeParameters p, EncoderPass pass, Activation activation, boolean withGradient) {
        if (pass.depth() == 1) {
            return closedFormOneLayer(p, pass, activation, withGradient);
        }
        return throughJacobian(p, pass, activation, null, 1.0, withGradient);
    }

    /**
     * The forward-mode computation for any depth, one layer included: used for deep encoders and as the
     * independent check of the one-layer closed form.
     */
    public static Result exactByJacobian(CdaeParameters p, EncoderPass pass, Activation activation,
                                         boolean withGradient) {
        return throughJacobian(p, pass, activation, null, 1.0, withGradient);
    }

    /** The unbiased estimate (1/k) sum_m ||J v_m||^2 with k Gaussian probes per row drawn from {@code seed}. */
    public static Result randomProjection(CdaeParameters p, EncoderPass pass, Activation activation, int k,
                                          long seed, boolean withGradient) {
        long rows = pass.a()[0].size(0);
        long d = pass.a()[0].size(1);
        SplittableRandom random = new SplittableRandom(seed);
        double[] v = new double[Math.toIntExact(rows * k * d)];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextGaussian();
        }
        INDArray probes = Nd4j.create(v, new long[] {rows, k, d}, 'c').castTo(pass.a()[0].dataType());
        return throughJacobian(p, pass, activation, probes, 1.0 / k, withGradient);
    }

    private static Result closedFormOneLayer(CdaeParameters p, EncoderPass pass, Activation activation,
                                             boolean withGradient) {
        INDArray w = p.encoderWeight(1);
        INDArray slope = pass.slope()[1];
        // colNorm_j = sum_i W_ij^2
        INDArray colNorm = w.mul(w).sum(true, 0);
        INDArray slope2 = slope.mul(slope);
        // C = sum_j s'_j^2 colNorm_j
        INDArray perRow = slope2.mulRowVector(colNorm).sum(1);
        if (!withGradient) {
            return new Result(perRow, null, null);
        }
        INDArray[] dW = new INDArray[2];
        INDArray[] dz = new INDArray[2];
        // dC/dW_ij = 2 W_ij sum_b s'_bj^2
        dW[1] = w.mulRowVector(slope2.sum(true, 0)).muli(2.0);
        // dC/dz_bj = 2 s'_bj colNorm_j s''_bj
        dz[1] = activation.hasZeroCurvature() ? null
                : slope.mulRowVector(colNorm).muli(2.0).muli(activation.secondDerivative(pass.z()[1], pass.a()[1], slope));
        return new Result(perRow, dW, dz);
    }

    private static Result throughJacobian(CdaeParameters p, EncoderPass pass, Activation activation,
                                          INDArray probes, double scale, boolean withGradient) {
        int depth = pass.depth();
        INDArray input = pass.a()[0];
        DataType type = input.dataType();
        long rows = input.size(0);
        long d = input.size(1);
        long m = probes == null ? d : probes.size(1);

        INDArray[] q = new INDArray[depth + 1];
        INDArray[] t = new INDArray[depth + 1];
        t[0] = probes;
        for (int l = 1; l <= depth; l++) {
            INDArray w = p.encoderWeight(l);
            long width = w.size(1);
            if (t[l - 1] == null) {
                // T_0 = I: Q_1 = W_1 for every row
                INDArray buffer = Nd4j.createUninitialized(type, rows, d, width);
                q[l] = Broadcast.copy(buffer, w, buffer, 1, 2);
            } else {
                // Q_l = T_{l-1} W_l
                q[l] = Gemm.mul(t[l - 1].reshape(rows * m, w.size(0)), w).reshape(rows, m, width);
            }
            // T_l = Q_l D_l
            t[l] = Broadcast.mul(q[l], pass.slope()[l], q[l].ulike(), 0, 2);
        }
        INDArray tl = t[depth];
        INDArray perRow = tl.mul(tl).sum(1, 2).muli(scale);
        if (!withGradient) {
            return new Result(perRow, null, null);
        }
        INDArray[] dW = new INDArray[depth + 1];
        INDArray[] dz = new INDArray[depth + 1];
        // G_L = dC/dT_L
        INDArray g = tl.mul(2.0 * scale);
        for (int l = depth; l >= 1; l--) {
            INDArray w = p.encoderWeight(l);
            long in = w.size(0);
            long width = w.size(1);
            // dC/ds'_l = sum_i G_l * Q_l ; dC/dz_l = that * s''(z_l)
            if (!activation.hasZeroCurvature()) {
                INDArray dSlope = g.mul(q[l]).sum(1);
                dz[l] = dSlope.muli(activation.secondDerivative(pass.z()[l], pass.a()[l], pass.slope()[l]));
            }
            // H_l = dC/dQ_l = G_l D_l
            INDArray h = Broadcast.mul(g, pass.slope()[l], g.ulike(), 0, 2);
            if (t[l - 1] == null) {
                dW[l] = h.sum(0);
            } else {
                // dC/dW_l = sum_rows T_{l-1}^T H_l
                dW[l] = Gemm.mul(t[l - 1].reshape(rows * m, in), true, h.reshape(rows * m, width), false);
            }
            if (l > 1) {
                // G_{l-1} = H_l W_l^T
                g = Gemm.mul(h.reshape(rows * m, width), false, w, true).reshape(rows, m, in);
            }
        }
        return new Result(perRow, dW, dz);
    }
}
