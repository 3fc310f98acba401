package io.cdae.corruption;

import io.cdae.backend.HostArrays;
import io.cdae.config.CdaeConfig;
import io.cdae.random.SeedSequence;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * A corruption process x -> x~ of the denoising autoencoder (Vincent et al. 2008): a pure function of the
 * clean batch and a seed. The noise is drawn in Java from {@link SplittableRandom}, whose sequence is fixed
 * by its specification, never from a native or device RNG, so the same (batch, seed) gives the
 * bit-identical corrupted batch on every machine, backend and task retry.
 */
public abstract class Corruption {

    /** The corruption the config describes. */
    public static Corruption of(CdaeConfig config) {
        double level = config.corruptionLevel();
        return switch (config.corruption()) {
            case NONE -> new NoCorruption();
            case GAUSSIAN -> new GaussianCorruption(level);
            case MASKING -> new MaskingCorruption(level);
            case SALT_AND_PEPPER -> new SaltAndPepperCorruption(level);
        };
    }

    /**
     * Corrupts batch {@code batch} of partition {@code partition} in epoch {@code epoch}: the seed is derived
     * from the master seed and these coordinates, so a retried task regenerates the same samples.
     */
    public final INDArray apply(INDArray clean, long masterSeed, int epoch, int partition, long batch) {
        return apply(clean, SeedSequence.derive(masterSeed, SeedSequence.CORRUPTION, epoch, partition, batch));
    }

    /** Returns a corrupted copy of the [rows, features] batch; the input is not modified. */
    public final INDArray apply(INDArray clean, long seed) {
        if (clean.rank() != 2) {
            throw new IllegalArgumentException("expected a [rows, features] batch, found shape "
                    + java.util.Arrays.toString(clean.shape()));
        }
        if (clean.dataType() == DataType.FLOAT) {
            // float batches (the default) stay float: one copy out, one copy in, no conversion op
            float[] values = HostArrays.toFloats(clean);
            corrupt(values, values.length, new SplittableRandom(seed));
            return HostArrays.fromFloats(values, clean.size(0), clean.size(1));
        }
        double[] values = clean.dup('c').data().asDouble();
        corrupt(values, new SplittableRandom(seed));
        return Nd4j.create(values, clean.shape(), 'c').castTo(clean.dataType());
    }

    /**
     * Corrupts {@code values[0, length)} in place, exactly as {@link #apply(INDArray, long, int, int, long)}
     * corrupts the same float batch of the same key: the fused training step's path, which keeps its minibatches
     * in Java arrays.
     */
    public final void applyInPlace(float[] values, int length, long masterSeed, int epoch, int partition, long batch) {
        corrupt(values, length, new SplittableRandom(
                SeedSequence.derive(masterSeed, SeedSequence.CORRUPTION, epoch, partition, batch)));
    }

    /** Corrupts the row-major values in place, drawing only from {@code random}. */
    protected abstract void corrupt(double[] values, SplittableRandom random);

    /**
     * The same corruption of the float values {@code values[0, length)}: by default through
     * {@link #corrupt(double[], SplittableRandom)}, so that a float batch gets exactly the noise of the same batch
     * in double precision, rounded.
     */
    protected void corrupt(float[] values, int length, SplittableRandom random) {
        double[] d = new double[length];
        for (int i = 0; i < length; i++) {
            d[i] = values[i];
        }
        corrupt(d, random);
        for (int i = 0; i < length; i++) {
            values[i] = (float) d[i];
        }
    }
}
