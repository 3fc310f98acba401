package io.cdae.corruption;

import java.util.SplittableRandom;

/** The identity: a contractive autoencoder without denoising. */
public final class NoCorruption extends Corruption {
    @Override
    protected void corrupt(double[] values, SplittableRandom random) {
        // x~ = x
    }

    @Override
    protected void corrupt(float[] values, int length, SplittableRandom random) {
        // x~ = x
    }
}
