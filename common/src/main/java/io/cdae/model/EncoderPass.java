package io.cdae.model;

import io.cdae.config.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The stored forward pass of the encoder for one batch: pre-activations z_l, activations a_l
 * (a_0 is the encoder input) and s'(z_l), for l = 1..L (index 0 unused for z and s').
 */
public record EncoderPass(INDArray[] z, INDArray[] a, INDArray[] slope) {

    /** Runs the encoder a_l = s(a_{l-1} W_l + b_l) on {@code input}. */
    public static EncoderPass run(CdaeParameters p, Activation activation, INDArray input) {
        int depth = p.config().depth();
        INDArray[] z = new INDArray[depth + 1];
        INDArray[] a = new INDArray[depth + 1];
        INDArray[] slope = new INDArray[depth + 1];
        a[0] = input;
        for (int l = 1; l <= depth; l++) {
            // z_l = a_{l-1} W_l + b_l
            z[l] = Gemm.mul(a[l - 1], p.encoderWeight(l)).addiRowVector(p.encoderBias(l));
            a[l] = activation.apply(z[l]);
            slope[l] = activation.derivative(z[l], a[l]);
        }
        return new EncoderPass(z, a, slope);
    }

    public int depth() {
        return z.length - 1;
    }

    /** The code h = a_L. */
    public INDArray code() {
        return a[depth()];
    }

    /** The code's pre-activation z_L = a_{L-1} W_L + b_L, where code-space distances are measured. */
    public INDArray codePreActivation() {
        return z[depth()];
    }
}
