package io.cdae.spark.train;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;

/** The clean, normalised rows of one partition as one row-major block, cached by Spark between rounds. */
public record PartitionBlock(float[] values, int rows, int width) implements Serializable {

    public INDArray matrix(DataType dataType) {
        return Nd4j.create(values, new long[] {rows, width}, 'c').castTo(dataType);
    }
}
