package io.cdae.corruption;

import java.util.SplittableRandom;

/**
 * Salt-and-pepper noise for data scaled to [0, 1]: each entry is, with probability {@code fraction},
 * replaced by 0 or 1 with equal probability.
 */
public final class SaltAndPepperCorruption extends Corruption {
    private final double fraction;

    public SaltAndPepperCorruption(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("salt-and-pepper fraction must be in [0, 1), found " + fraction);
        }
        this.fraction = fraction;
    }

    @Override
    protected void corrupt(double[] values, SplittableRandom random) {
        for (int i = 0; i < values.length; i++) {
            if (random.nextDouble() < fraction) {
                values[i] = random.nextBoolean() ? 1.0 : 0.0;
            }
        }
    }
}
