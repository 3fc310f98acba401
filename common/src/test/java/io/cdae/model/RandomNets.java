package io.cdae.model;

import io.cdae.config.Activation;
import io.cdae.config.CdaeConfig;
import io.cdae.config.ContractiveEstimator;
import io.cdae.config.CorruptionType;
import io.cdae.config.OptimiserType;
import io.cdae.config.OutputActivation;
import io.cdae.config.ReconstructionLoss;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.SplittableRandom;

/** Small random networks and batches in float64 for the math tests. */
final class RandomNets {
    private RandomNets() {
    }

    static CdaeConfig config(int inputWidth, List<Integer> widths, Activation activation, boolean tied,
                             OutputActivation output, ReconstructionLoss loss, double lambda) {
        return new CdaeConfig(inputWidth, widths, activation, tied, output, loss, lambda,
                ContractiveEstimator.EXACT, 4, CorruptionType.NONE, 0.0, OptimiserType.ADAM, 1e-3, 0.9, 8, 1, 7L);
    }

    /** Parameters with entries U(-scale, scale) (biases too, so no pre-activation sits at a symmetric point). */
    static CdaeParameters parameters(CdaeConfig config, long seed, double scale) {
        INDArray flat = uniform(new long[] {1, new ParameterLayout(config).length()}, seed, -scale, scale);
        return CdaeParameters.view(config, flat);
    }

    static INDArray uniform(long[] shape, long seed, double lo, double hi) {
        SplittableRandom r = new SplittableRandom(seed);
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        double[] v = new double[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + (hi - lo) * r.nextDouble();
        }
        return Nd4j.create(v, shape, 'c').castTo(DataType.DOUBLE);
    }
}
