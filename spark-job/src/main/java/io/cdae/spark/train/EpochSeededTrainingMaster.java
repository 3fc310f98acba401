package io.cdae.spark.train;

import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;

import java.util.Random;

/**
 * DL4J's {@link ParameterAveragingTrainingMaster}, unchanged but for one thing: the seed of its split of an epoch's
 * minibatches into averaging rounds. DL4J draws that seed from one {@link Random} created with the master, so the
 * splits of epoch k would depend on how many epochs the same master trained before (a resumed run would get other
 * rounds than an uninterrupted one); {@link #seedSplits} sets it before each epoch, from the master seed and the
 * epoch alone.
 */
final class EpochSeededTrainingMaster extends ParameterAveragingTrainingMaster {
    EpochSeededTrainingMaster(Builder builder) {
        super(builder);
    }

    /** The next fit splits its data with a seed drawn from {@code new Random(seed)}. */
    void seedSplits(long seed) {
        rng = new Random(seed);
    }
}
