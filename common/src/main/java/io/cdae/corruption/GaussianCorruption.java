package io.cdae.corruption;

import java.util.SplittableRandom;

/** Additive isotropic Gaussian noise: x~ = x + sigma * N(0, 1), independently per entry. */
public final class GaussianCorruption extends Corruption {
    private final double sigma;

    public GaussianCorruption(double sigma) {
        if (!(sigma >= 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("gaussian sigma must be finite and >= 0, found " + sigma);
        }
        this.sigma = sigma;
    }

    @Override
    protected void corrupt(double[] values, SplittableRandom random) {
        for (int i = 0; i < values.length; i++) {
            values[i] += sigma * random.nextGaussian();
        }
    }

    // the same draws on float values, added in double and rounded as the default float path does, without its
    // double copy of the batch
    @Override
    protected void corrupt(float[] values, int length, SplittableRandom random) {
        for (int i = 0; i < length; i++) {
            values[i] = (float) (values[i] + sigma * random.nextGaussian());
        }
    }
}
