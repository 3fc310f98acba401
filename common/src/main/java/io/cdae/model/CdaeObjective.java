package io.cdae.model;

import io.cdae.config.Activation;
import io.cdae.config.CdaeConfig;
import io.cdae.config.ContractiveEstimator;
import io.cdae.config.ReconstructionLoss;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The CDAE objective on one minibatch and its exact gradient, derived by hand (Chen et al. 2013,
 * "Contractive denoising auto-encoder"; Rifai et al. 2011; Vincent et al. 2008):
 *
 * <pre>L = mean_b ||x_b - g(f(x~_b))||^2 + lambda * mean_b ||J_f(x~_b)||_F^2</pre>
 *
 * where x~ is the corrupted input, f the encoder and g the decoder. With binary cross-entropy the first
 * term is -sum_i [x log y + (1-x) log(1-y)] instead. Pure ND4J, no Spark, no DL4J: the DL4J layer and the
 * scorer both delegate here, and the gradient is checked against finite differences in float64.
 */
public final class CdaeObjective {
    private final CdaeConfig config;
    private final Activation hidden;
    private final Activation output;

    public CdaeObjective(CdaeConfig config) {
        this.config = config;
        this.hidden = config.activation();
        this.output = config.outputActivation().function();
    }

    public CdaeConfig config() {
        return config;
    }

    /**
     * Per-row terms of a batch: reconstruction error and contractive penalty, both of shape [B]; the
     * reconstruction loss of every feature, [B, d], whose row sums are the reconstruction error; the output; the
     * code's pre-activation z_L, [B, h] (where the code-space anomaly scores measure distances).
     */
    public record RowTerms(INDArray reconstruction, INDArray contractive, INDArray featureErrors, INDArray output,
                           INDArray codePreActivation) {
    }

    /**
     * The loss on ({@code corrupted}, {@code clean}) and, when {@code gradient} is not null, its gradient
     * written into {@code gradient} (same layout as {@code p}; every entry is overwritten).
     *
     * @param projectionSeed seed of the random probes, used only by the random-projection estimator
     */
    public LossParts evaluate(CdaeParameters p, INDArray corrupted, INDArray clean, CdaeParameters gradient,
                              long projectionSeed) {
        checkBatch(corrupted, clean);
        int depth = config.depth();
        double rows = clean.size(0);
        boolean withGradient = gradient != null;

        EncoderPass enc = EncoderPass.run(p, hidden, corrupted);
        INDArray[] v = new INDArray[depth + 1];
        INDArray[] u = new INDArray[depth + 1];
        u[0] = enc.code();
        for (int k = 1; k <= depth; k++) {
            // v_k = u_{k-1} V_k + c_k
            v[k] = p.decode(u[k - 1], k).addiRowVector(p.decoderBias(k));
            u[k] = (k < depth ? hidden : output).apply(v[k]);
        }
        INDArray y = u[depth];
        INDArray recon = reconstructionPerRow(y, v[depth], clean);
        ContractivePenalty.Result penalty = penalty(p, enc, withGradient && config.contractiveWeight() > 0,
                projectionSeed);
        LossParts parts = new LossParts(recon.meanNumber().doubleValue(),
                penalty.perRow().meanNumber().doubleValue(), config.contractiveWeight());
        if (withGradient) {
            backward(p, enc, v, u, clean, penalty, gradient, rows);
        }
        return parts;
    }

    /** Per-row reconstruction error and contractive penalty of {@code input} scored as its own target. */
    public RowTerms rowTerms(CdaeParameters p, INDArray input, long projectionSeed) {
        checkBatch(input, input);
        EncoderPass enc = EncoderPass.run(p, hidden, input);
        INDArray v = outputPreActivation(p, enc.code());
        INDArray y = output.apply(v);
        INDArray perFeature = reconstructionPerFeature(y, v, input);
        return new RowTerms(perFeature.sum(1), penalty(p, enc, false, projectionSeed).perRow(), perFeature, y,
                enc.codePreActivation());
    }

    /** The reconstruction g(f(x)). */
    public INDArray reconstruct(CdaeParameters p, INDArray input) {
        return output.apply(outputPreActivation(p, encode(p, input)));
    }

    /** The code f(x). */
    public INDArray encode(CdaeParameters p, INDArray input) {
        return EncoderPass.run(p, hidden, input).code();
    }

    /** The code's pre-activation z_L (f(x) = s(z_L)). */
    public INDArray codePreActivation(CdaeParameters p, INDArray input) {
        return EncoderPass.run(p, hidden, input).codePreActivation();
    }

    /** Pre-activation of the decoder's last layer for the given code. */
    private INDArray outputPreActivation(CdaeParameters p, INDArray code) {
        int depth = config.depth();
        INDArray u = code;
        INDArray v = null;
        for (int k = 1; k <= depth; k++) {
            v = p.decode(u, k).addiRowVector(p.decoderBias(k));
            if (k < depth) {
                u = hidden.apply(v);
            }
        }
        return v;
    }

    private ContractivePenalty.Result penalty(CdaeParameters p, EncoderPass enc, boolean withGradient, long seed) {
        if (config.contractiveEstimator() == ContractiveEstimator.RANDOM_PROJECTION) {
            return ContractivePenalty.randomProjection(p, enc, hidden, config.projections(), seed, withGradient);
        }
        return ContractivePenalty.exact(p, enc, hidden, withGradient);
    }

    private INDArray reconstructionPerRow(INDArray y, INDArray preActivation, INDArray clean) {
        return reconstructionPerFeature(y, preActivation, clean).sum(1);
    }

    /** The reconstruction loss of every entry, [B, d]. */
    private INDArray reconstructionPerFeature(INDArray y, INDArray preActivation, INDArray clean) {
        if (config.reconstructionLoss() == ReconstructionLoss.BCE) {
            // -[x log s(v) + (1-x) log(1-s(v))] = softplus(v) - x v, softplus(v) = max(v,0) + log(1 + e^-|v|)
            INDArray softplus = Transforms.relu(preActivation, true)
                    .addi(Transforms.log(Transforms.exp(Transforms.abs(preActivation, true).negi(), false).addi(1.0), false));
            return softplus.subi(clean.mul(preActivation));
        }
        // (x_i - y_i)^2
        INDArray diff = y.sub(clean);
        return diff.muli(diff);
    }

    private void backward(CdaeParameters p, EncoderPass enc, INDArray[] v, INDArray[] u, INDArray clean,
                          ContractivePenalty.Result penalty, CdaeParameters g, double rows) {
        int depth = config.depth();
        g.flat().assign(0.0);
        INDArray y = u[depth];
        // dL/dv_L, batch-mean
        INDArray dv;
        if (config.reconstructionLoss() == ReconstructionLoss.BCE) {
            dv = y.sub(clean);
        } else {
            dv = y.sub(clean).muli(2.0).muli(output.derivative(v[depth], y));
        }
        dv.divi(rows);
        INDArray dh = null;
        for (int k = depth; k >= 1; k--) {
            // dL/dV_k = u_{k-1}^T dv_k; tied, its transpose dv_k^T u_{k-1} adds to the encoder weights
            if (config.tiedWeights()) {
                g.encoderWeight(depth - k + 1).addi(Gemm.mul(dv, true, u[k - 1], false));
            } else {
                g.decoderWeight(k).assign(Gemm.mul(u[k - 1], true, dv, false));
            }
            g.decoderBias(k).assign(dv.sum(true, 0));
            INDArray du = p.decodeBack(dv, k);
            if (k > 1) {
                dv = du.muli(hidden.derivative(v[k - 1], u[k - 1]));
            } else {
                dh = du;
            }
        }
        double penaltyScale = config.contractiveWeight() / rows;
        boolean withPenalty = config.contractiveWeight() > 0 && penalty.weightGrad() != null;
        INDArray dz = dh.muli(enc.slope()[depth]);
        addPenalty(dz, withPenalty ? penalty.preActivationGrad()[depth] : null, penaltyScale);
        for (int l = depth; l >= 1; l--) {
            // dL/dW_l = a_{l-1}^T dz_l (+ lambda/B dC/dW_l through the Jacobian)
            INDArray dW = g.encoderWeight(l).addi(Gemm.mul(enc.a()[l - 1], true, dz, false));
            if (withPenalty) {
                dW.addi(penalty.weightGrad()[l].mul(penaltyScale));
            }
            g.encoderBias(l).assign(dz.sum(true, 0));
            if (l > 1) {
                dz = Gemm.mul(dz, false, p.encoderWeight(l), true).muli(enc.slope()[l - 1]);
                addPenalty(dz, withPenalty ? penalty.preActivationGrad()[l - 1] : null, penaltyScale);
            }
        }
    }

    private static void addPenalty(INDArray dz, INDArray penaltyDz, double scale) {
        if (penaltyDz != null) {
            dz.addi(penaltyDz.mul(scale));
        }
    }

    private void checkBatch(INDArray corrupted, INDArray clean) {
        if (clean.rank() != 2 || clean.size(1) != config.inputWidth()) {
            throw new IllegalArgumentException("expected a [rows, " + config.inputWidth() + "] batch, found shape "
                    + java.util.Arrays.toString(clean.shape()));
        }
        if (!java.util.Arrays.equals(corrupted.shape(), clean.shape())) {
            throw new IllegalArgumentException("corrupted batch shape " + java.util.Arrays.toString(corrupted.shape())
                    + " differs from clean batch shape " + java.util.Arrays.toString(clean.shape()));
        }
    }
}
