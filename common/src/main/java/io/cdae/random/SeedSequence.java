package io.cdae.random;

/**
 * Derives child seeds from one master seed, so that every random draw of a training run is a pure
 * function of (master seed, stream, epoch, partition, batch) and therefore identical on any machine and
 * on any retry of a Spark task.
 *
 * <p>Mixing uses the SplitMix64 finaliser (Steele, Lea and Flood 2014), the generator behind
 * {@link java.util.SplittableRandom}: each coordinate is folded in with a distinct odd constant and mixed,
 * so neighbouring coordinates give unrelated seeds.
 */
public final class SeedSequence {
    /** Stream of the corruption noise. */
    public static final long CORRUPTION = 1;
    /** Stream of the random projections of the contractive estimate. */
    public static final long PROJECTION = 2;
    /** Stream of the order in which a partition visits its rows. */
    public static final long SHUFFLE = 3;
    /** Stream of the initial weights. */
    public static final long INIT = 4;
    /** Stream of the held-out split. */
    public static final long HOLDOUT = 5;
    /** Stream of DL4J's split of an epoch's minibatches into averaging rounds (engine = dl4j-spark). */
    public static final long ROUND_SPLIT = 6;

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private SeedSequence() {
    }

    /** The child seed for the given stream and coordinates (any number of them, order matters). */
    public static long derive(long masterSeed, long stream, long... coordinates) {
        long h = mix(masterSeed + GOLDEN_GAMMA * (stream + 1));
        for (long c : coordinates) {
            h = mix(h ^ mix(c + GOLDEN_GAMMA));
        }
        return h;
    }

    /** SplitMix64 finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
