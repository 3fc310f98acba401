package io.cdae.corruption;

import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Masking noise: each entry is set to 0 independently with probability {@code fraction}. Each 64-bit draw
 * decides two entries (its low, then its high 32 bits, each kept when at or above fraction x 2^32): half the
 * draws of one {@code nextDouble} per entry, with a probability off by less than 2^-32.
 */
public final class MaskingCorruption extends Corruption {
    private final double fraction;
    private final long threshold;

    public MaskingCorruption(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("masking fraction must be in [0, 1), found " + fraction);
        }
        this.fraction = fraction;
        this.threshold = (long) Math.floor(fraction * 0x1p32);
    }

    /** Calls {@code zero} with the index of every masked entry among {@code n}, one 64-bit draw per two. */
    private void forEachMasked(int n, SplittableRandom random, IntConsumer zero) {
        long bits = 0;
        for (int i = 0; i < n; i++) {
            if ((i & 1) == 0) {
                bits = random.nextLong();
            }
            long u = (i & 1) == 0 ? bits & 0xFFFFFFFFL : bits >>> 32;
            if (u < threshold) {
                zero.accept(i);
            }
        }
    }

    @Override
    protected void corrupt(double[] values, SplittableRandom random) {
        forEachMasked(values.length, random, i -> values[i] = 0.0);
    }

    @Override
    protected void corrupt(float[] values, SplittableRandom random) {
        forEachMasked(values.length, random, i -> values[i] = 0f);
    }
}
