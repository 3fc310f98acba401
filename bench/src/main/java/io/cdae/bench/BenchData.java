package io.cdae.bench;

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

/**
 * The benchmark model and data, the model of bench/torch_peer.py: 784 -> h -> 784, one sigmoid layer, tied
 * weights, sigmoid output, squared error, exact contractive term with lambda 0.1, masking 0.2, Adam 1e-3. Every
 * setting is given here, none taken from the shipped defaults, which may change.
 */
final class BenchData {
    /** Features per row (Fashion-MNIST's 28 x 28 pixels). */
    static final int WIDTH = 784;

    private BenchData() {
    }

    static CdaeConfig config(int hidden, int batch) {
        return config(hidden, batch, 1);
    }

    /**
     * The benchmark model (its settings pinned, whatever the shipped defaults) trained for {@code epochs} epochs;
     * {@code -Dcdae.bench.tied=false} unties the weights (the model of bench/e2e-vs-torch).
     */
    static CdaeConfig config(int hidden, int batch, int epochs) {
        boolean tied = Boolean.parseBoolean(System.getProperty("cdae.bench.tied", "true"));
        return new CdaeConfig(WIDTH, List.of(hidden), Activation.SIGMOID, tied, OutputActivation.SIGMOID,
                ReconstructionLoss.MSE, 0.1, ContractiveEstimator.EXACT, 8, CorruptionType.MASKING, 0.2,
                OptimiserType.ADAM, 1e-3, 0.9, batch, epochs, 42L);
    }

    /** Rows with pixel-like values in [0, 1]. */
    static INDArray rows(int n, long seed) {
        return Nd4j.create(block(n, seed), new long[] {n, WIDTH}, 'c').castTo(DataType.FLOAT);
    }

    /** The same rows as one row-major block, as a Spark partition holds them. */
    static float[] block(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n * WIDTH];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextDouble() < 0.5 ? 0f : (float) r.nextDouble();
        }
        return v;
    }

    /** Floating-point operations of one training step: 5 GEMMs of 2*B*d*h (encoder, decoder, 3 in backprop). */
    static double stepFlops(int batch, int hidden) {
        return 10.0 * batch * WIDTH * hidden;
    }
}
