package io.cdae.corruption;

import io.cdae.backend.VectorApi;

import java.util.SplittableRandom;

/**
 * Masking noise: each entry is set to 0 independently with probability {@code fraction}. Each 64-bit draw
 * decides two entries (its low, then its high 32 bits, each kept when at or above fraction x 2^32): half the
 * draws of one {@code nextDouble} per entry, with a probability off by less than 2^-32.
 */
public final class MaskingCorruption extends Corruption {
    private static final boolean VECTOR = VectorApi.usable();
    private final double fraction;
    private final long threshold;

    public MaskingCorruption(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("masking fraction must be in [0, 1), found " + fraction);
        }
        this.fraction = fraction;
        this.threshold = (long) Math.floor(fraction * 0x1p32);
    }

    // Two loops (double, float) of the same draws: a shared loop taking a callback ran 4x slower (the
    // callback was not inlined), and this loop is most of the corruption's time.
    @Override
    protected void corrupt(double[] values, SplittableRandom random) {
        int n = values.length;
        for (int i = 0; i < n; i += 2) {
            long bits = random.nextLong();
            if ((bits & 0xFFFFFFFFL) < threshold) {
                values[i] = 0.0;
            }
            if (i + 1 < n && bits >>> 32 < threshold) {
                values[i + 1] = 0.0;
            }
        }
    }

    // Without branches: each entry is and-ed with a mask of all ones (kept) or zeros (masked: +0.0, as above).
    // A masked entry is a coin flip the branch predictor cannot learn; without branches the loop takes half the
    // time, and with the Vector API (VectorMasking, where usable) a third of that.
    @Override
    protected void corrupt(float[] values, int length, SplittableRandom random) {
        int pairs = length / 2;
        if (VECTOR) {
            VectorMasking.maskPairs(values, pairs, random, threshold);
        } else {
            for (int k = 0; k < pairs; k++) {
                maskPair(values, 2 * k, random.nextLong(), threshold);
            }
        }
        if (length % 2 == 1) {
            long bits = random.nextLong();
            values[length - 1] = Float.intBitsToFloat(Float.floatToRawIntBits(values[length - 1])
                    & keep(bits & 0xFFFFFFFFL, threshold));
        }
    }

    /** Masks values[i] by the low and values[i + 1] by the high 32 bits of {@code bits}. */
    static void maskPair(float[] values, int i, long bits, long threshold) {
        values[i] = Float.intBitsToFloat(Float.floatToRawIntBits(values[i]) & keep(bits & 0xFFFFFFFFL, threshold));
        values[i + 1] = Float.intBitsToFloat(Float.floatToRawIntBits(values[i + 1]) & keep(bits >>> 32, threshold));
    }

    /** -1 (all bits) when the 32-bit draw {@code u} keeps its entry (u >= threshold), 0 when it masks it. */
    private static int keep(long u, long threshold) {
        return (int) ~((u - threshold) >> 63);
    }
}
