package io.cdae.spark.train;

import java.io.Serializable;

/**
 * What the driver broadcasts to the workers before each averaging round: flat parameters, flat optimiser
 * state (empty before the first step), the optimiser's step counter (Adam's bias correction uses it) and the
 * learning rate in force (lower than configured after divergence).
 * Held as double[], the driver's averages; {@code singlePrecision} says the network computes in float, so
 * {@link TrainingWire} ships the values as floats: the worker would round them to float on loading anyway.
 */
public record TrainingState(double[] parameters, double[] updaterState, int iteration, double learningRate,
                            boolean singlePrecision) implements Serializable {

    /** True when every parameter and every optimiser-state entry is finite. */
    public boolean isFinite() {
        return allFinite(parameters) && allFinite(updaterState);
    }

    /** The same state with another learning rate. */
    public TrainingState withLearningRate(double rate) {
        return new TrainingState(parameters, updaterState, iteration, rate, singlePrecision);
    }

    /** The same state with other parameters. */
    public TrainingState withParameters(double[] values) {
        return new TrainingState(values, updaterState, iteration, learningRate, singlePrecision);
    }

    private static boolean allFinite(double[] v) {
        for (double d : v) {
            if (!Double.isFinite(d)) {
                return false;
            }
        }
        return true;
    }
}
