package io.cdae.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Matrix products of the objective as single BLAS calls with transpose flags. {@code a.mmul(w.transpose())}
 * and {@code a.transpose().mmul(b)} take a slower path for the transposed view: bench/step-profile times
 * the step's five GEMMs both ways (docs/BENCHMARKS.md).
 * Results are new c-order arrays (in the active workspace, if any).
 */
public final class Gemm {
    private Gemm() {
    }

    /** op(a) op(b), op = transpose where the flag says so. */
    public static INDArray mul(INDArray a, boolean transposeA, INDArray b, boolean transposeB) {
        long rows = transposeA ? a.columns() : a.rows();
        long cols = transposeB ? b.rows() : b.columns();
        INDArray c = Nd4j.createUninitialized(a.dataType(), new long[] {rows, cols}, 'c');
        return Nd4j.gemm(a, b, c, transposeA, transposeB, 1.0, 0.0);
    }

    /** a b. */
    public static INDArray mul(INDArray a, INDArray b) {
        return mul(a, false, b, false);
    }
}
