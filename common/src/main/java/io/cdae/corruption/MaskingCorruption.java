package io.cdae.corruption;

import java.util.SplittableRandom;

/** Masking noise: each entry is set to 0 independently with probability {@code fraction}. */
public final class MaskingCorruption extends Corruption {
    private final double fraction;

    public MaskingCorruption(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("masking fraction must be in [0, 1), found " + fraction);
        }
        this.fraction = fraction;
    }

    @Override
    protected void corrupt(double[] values, SplittableRandom random) {
        for (int i = 0; i < values.length; i++) {
            if (random.nextDouble() < fraction) {
                values[i] = 0.0;
            }
        }
    }
}
