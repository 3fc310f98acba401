package io.cdae.spark.train;


import java.io.Serializable;

/**
 * The clean, normalised rows of one partition as one row-major block, cached by Spark between rounds; each
 * round gathers its minibatches straight from it (LocalSteps), never copying it whole into ND4J.
 */
public record PartitionBlock(float[] values, int rows, int width) implements Serializable {
}
