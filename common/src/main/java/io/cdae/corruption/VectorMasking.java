package io.cdae.corruption;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.SplittableRandom;

/**
 * The masking loop of {@link MaskingCorruption} on float values with the Vector API, drawing exactly the numbers the
 * plain loop draws: the draws go into a buffer first, then four 64-bit draws at a time are read as eight 32-bit
 * halves (low half first, as the plain loop uses them, on little-endian x86), compared with the threshold and
 * turned into a mask that zeroes (+0.0) the masked entries. A third of the plain loop's time, most of the rest
 * being the generator.
 */
final class VectorMasking {
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_256;
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_256;
    private static final int SIGN = 0x80000000;
    /** Draws per buffer fill. */
    private static final int CHUNK = 256;

    private VectorMasking() {
    }

    /** Masks values[0, 2 * pairs) with {@code pairs} draws of {@code random}; entries below {@code threshold} go. */
    static void maskPairs(float[] values, int pairs, SplittableRandom random, long threshold) {
        long[] draws = new long[CHUNK];
        // unsigned u < threshold as a signed comparison of both with the sign bit flipped
        int limit = (int) threshold ^ SIGN;
        FloatVector zero = FloatVector.zero(FLOATS);
        for (int from = 0; from < pairs; from += CHUNK) {
            int count = Math.min(CHUNK, pairs - from);
            for (int k = 0; k < count; k++) {
                draws[k] = random.nextLong();
            }
            int k = 0;
            for (; k + LONGS.length() <= count; k += LONGS.length()) {
                IntVector halves = LongVector.fromArray(LONGS, draws, k).reinterpretAsInts().lanewise(VectorOperators.XOR, SIGN);
                VectorMask<Float> masked = halves.compare(VectorOperators.LT, limit).cast(FLOATS);
                int i = 2 * (from + k);
                FloatVector.fromArray(FLOATS, values, i).blend(zero, masked).intoArray(values, i);
            }
            for (; k < count; k++) {
                int i = 2 * (from + k);
                MaskingCorruption.maskPair(values, i, draws[k], threshold);
            }
        }
    }
}
