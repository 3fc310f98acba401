package io.cdae.spark.train;

import java.io.Serializable;

/**
 * What the driver broadcasts to the workers before each averaging round: flat parameters, flat optimiser
 * state (empty before the first step), the optimiser's step counter (Adam's bias correction uses it) and the
 * learning rate in force (lower than configured after divergence).
 * Carried as double[] so that float and double networks both travel exactly.
 */
public record TrainingState(double[] parameters, double[] updaterState, int iteration, double learningRate)
        implements Serializable {

    /** True when every parameter and every optimiser-state entry is finite. */
    public boolean isFinite() {
        return allFinite(parameters) && allFinite(updaterState);
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
