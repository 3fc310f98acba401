package io.cdae.spark.train;

import java.io.Serializable;

/**
 * What the driver broadcasts to the workers before each averaging round: flat parameters, flat optimiser
 * state (empty before the first step) and the optimiser's step counter (Adam's bias correction uses it).
 * Carried as double[] so that float and double networks both travel exactly.
 */
public record TrainingState(double[] parameters, double[] updaterState, int iteration) implements Serializable {
}
