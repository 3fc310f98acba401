package io.cdae.model;

import io.cdae.model.ParameterLayout.Block;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.SplittableRandom;

/**
 * Initial weights: Glorot and Bengio (2010) uniform, U(-r, r) with r = sqrt(6 / (fan_in + fan_out)), drawn
 * in Java from one seed so that every machine and backend starts from the same parameters; biases zero.
 */
public final class WeightInit {
    private WeightInit() {
    }

    public static void initialise(CdaeParameters params, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (Block block : new ParameterLayout(params.config()).blocks()) {
            if (block.bias()) {
                params.views().get(block.key()).assign(0.0);
                continue;
            }
            double r = Math.sqrt(6.0 / (block.rows() + block.cols()));
            double[] values = new double[Math.toIntExact(block.length())];
            for (int i = 0; i < values.length; i++) {
                values[i] = (2 * random.nextDouble() - 1) * r;
            }
            INDArray view = params.views().get(block.key());
            view.assign(org.nd4j.linalg.factory.Nd4j.create(values, new long[] {block.rows(), block.cols()}, 'c')
                    .castTo(view.dataType()));
        }
    }
}
