package io.cdae.bench;

import io.cdae.config.CdaeConfig;
import io.cdae.config.CorruptionType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.SplittableRandom;

/** The benchmark model and data: 784 -> h -> 784, one sigmoid layer, tied, masking 0.2, exact contractive term. */
final class BenchData {
    private BenchData() {
    }

    static CdaeConfig config(int hidden, int batch) {
        return config(hidden, batch, 1);
    }

    /** The benchmark model trained for {@code epochs} epochs. */
    static CdaeConfig config(int hidden, int batch, int epochs) {
        CdaeConfig d = CdaeConfig.defaults(784);
        return new CdaeConfig(784, List.of(hidden), d.activation(), true, d.outputActivation(), d.reconstructionLoss(),
                0.1, d.contractiveEstimator(), d.projections(), CorruptionType.MASKING, 0.2, d.optimiser(), 1e-3,
                d.momentum(), batch, epochs, 42L);
    }

    /** Rows with pixel-like values in [0, 1]. */
    static INDArray rows(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n * 784];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextDouble() < 0.5 ? 0f : (float) r.nextDouble();
        }
        return Nd4j.create(v, new long[] {n, 784}, 'c').castTo(DataType.FLOAT);
    }

    /** Floating-point operations of one training step: 5 GEMMs of 2*B*d*h (encoder, decoder, 3 in backprop). */
    static double stepFlops(int batch, int hidden) {
        return 10.0 * batch * 784 * hidden;
    }
}
