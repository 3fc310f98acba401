package io.cdae.backend;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The bulk host copies against ND4J's own element-wise getters and setters. */
class HostArraysTest {

    /** More values than one conversion chunk, so the chunked copy's seams are exercised. */
    private static double[] values(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = Math.sin(i * 0.37) * 3 + 1.0 / 3; // not representable in float
        }
        return v;
    }

    @Test
    void assignIntoAFlatParameterVectorRoundsLikeCastTo() {
        int n = 20_011;
        double[] v = values(n);
        // a network's params() is a reshape of its [1, n] flat buffer
        INDArray target = Nd4j.zeros(DataType.FLOAT, 1, n).reshape(n);
        HostArrays.assign(target, v);
        INDArray expected = Nd4j.createFromArray(v).castTo(DataType.FLOAT);
        for (int i = 0; i < n; i += 997) {
            assertEquals((float) v[i], target.getFloat(i), 0f, "element " + i);
        }
        assertEquals(expected, target);
        double[] back = HostArrays.toDoubles(target);
        for (int i = 0; i < n; i++) {
            assertEquals((float) v[i], back[i], 0.0, "element " + i);
        }
    }

    @Test
    void viewsAndDoubleArraysTakeNd4jsPath() {
        double[] v = values(12);
        INDArray doubles = Nd4j.zeros(DataType.DOUBLE, 3, 4);
        HostArrays.assign(doubles, v);
        assertArrayEquals(v, HostArrays.toDoubles(doubles), 0.0);

        // a transposed view: its c order is not its buffer's order
        INDArray base = Nd4j.zeros(DataType.FLOAT, 4, 3);
        INDArray transposed = base.transpose();
        HostArrays.assign(transposed, v);
        assertEquals((float) v[1], transposed.getFloat(0, 1), 0f);
        assertEquals((float) v[1], base.getFloat(1, 0), 0f);
        double[] back = HostArrays.toDoubles(transposed);
        for (int i = 0; i < v.length; i++) {
            assertEquals((float) v[i], back[i], 0.0, "element " + i);
        }

        // a row of a matrix: a view at an offset
        INDArray matrix = Nd4j.zeros(DataType.FLOAT, 3, 4);
        HostArrays.assign(matrix.getRow(1), new double[] {1, 2, 3, 4});
        assertEquals(0f, matrix.getFloat(0, 0), 0f);
        assertEquals(3f, matrix.getFloat(1, 2), 0f);
        assertEquals(0f, matrix.getFloat(2, 3), 0f);
        assertArrayEquals(new float[] {1, 2, 3, 4}, HostArrays.toFloats(matrix.getRow(1)), 0f);
    }

    @Test
    void aLengthMismatchIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HostArrays.assign(Nd4j.zeros(DataType.FLOAT, 5), new double[4]));
        assertEquals("expected 5 values, found 4", e.getMessage());
    }

    @Test
    void floatVectorsCopyInAndOutAtAnOffsetOfAFlatVectorAndOfAView() {
        float[] v = {1.5f, -2f, 3.25f};
        // a network's updater state: one flat buffer, read and written in parts
        INDArray flat = Nd4j.zeros(DataType.FLOAT, 1, 8);
        HostArrays.assign(flat, v, 4);
        assertArrayEquals(new float[] {0, 0, 0, 0, 1.5f, -2f, 3.25f, 0}, flat.toFloatVector(), 0f);
        float[] back = new float[3];
        HostArrays.copy(flat, back, 4);
        assertArrayEquals(v, back, 0f);
        // a view that is not its whole buffer takes ND4J's own path to the same result
        INDArray view = Nd4j.zeros(DataType.FLOAT, 2, 8).getRow(1);
        HostArrays.assign(view, v, 2);
        assertArrayEquals(new float[] {0, 0, 1.5f, -2f, 3.25f, 0, 0, 0}, view.toFloatVector(), 0f);
        float[] fromView = new float[3];
        HostArrays.copy(view, fromView, 2);
        assertArrayEquals(v, fromView, 0f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostArrays.assign(flat, v, 6));
        assertEquals("expected at most 2 values from element 6, found 3", e.getMessage());
    }
}
