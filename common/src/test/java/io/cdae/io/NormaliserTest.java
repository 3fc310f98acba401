package io.cdae.io;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class NormaliserTest {
    @Test
    void minMaxAndStandardMatchHandComputedValues() {
        INDArray x = Nd4j.create(new double[][] {{0, 10, 5}, {2, 30, 5}, {4, 20, 5}});
        Normaliser mm = Normaliser.fit(Normaliser.MIN_MAX, x);
        assertArrayEquals(new double[] {0.5, 1.0, 0.0}, mm.apply(x).getRow(1).toDoubleVector(), 1e-12);
        Normaliser st = Normaliser.fit(Normaliser.STANDARD, x);
        // column 0: mean 2, population sd sqrt(8/3); constant column 2 keeps scale 1
        assertArrayEquals(new double[] {-2 / Math.sqrt(8.0 / 3), -10 / Math.sqrt(200.0 / 3), 0.0},
                st.apply(x).getRow(0).toDoubleVector(), 1e-12);
        assertArrayEquals(x.getRow(2).toDoubleVector(), Normaliser.identity(3).apply(x).getRow(2).toDoubleVector(), 0);
    }
}
