package io.cdae.kernel;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/**
 * A block of native floats (ND4J memory, outside every workspace) that OpenBLAS reads and writes, with bulk
 * copies to and from Java arrays. JavaCPP cannot hand a Java array to native code without copying the whole
 * array in and out on every call (11 ms for three 4 MiB arrays around a 1 x 1 x 1 product), so the matrix
 * products run on these blocks and the element-wise passes on Java arrays, which the JIT and the Vector API
 * read 1.5-3.5 x faster than native memory through a {@code ByteBuffer}; a bulk copy costs a memcpy.
 */
final class NativeFloats {
    private static final int ROW_MAJOR = openblas_nolapack.CblasRowMajor;
    private static final int NO_TRANS = openblas_nolapack.CblasNoTrans;
    private static final int TRANS = openblas_nolapack.CblasTrans;

    /** Keeps the native memory alive as long as this block. */
    private final INDArray owner;
    private final FloatPointer base;
    private final FloatBuffer buffer;

    NativeFloats(long length) {
        try (MemoryWorkspace out = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            owner = Nd4j.create(DataType.FLOAT, Math.max(1, length));
        }
        base = new FloatPointer(owner.data().addressPointer());
        buffer = owner.data().asNioFloat();
    }

    /** Copies {@code src[from, from + length)} to this block at {@code offset}. */
    void put(int offset, float[] src, int from, int length) {
        buffer.put(offset, src, from, length);
    }

    /** Copies this block's {@code [offset, offset + length)} to {@code dst} at {@code from}. */
    void get(int offset, float[] dst, int from, int length) {
        buffer.get(offset, dst, from, length);
    }

    /** A pointer to element {@code offset}. */
    private FloatPointer at(int offset) {
        return new FloatPointer(base).position(offset);
    }

    /**
     * C = op(A) op(B) + beta C on row-major matrices inside blocks, op = transpose where the flag says so:
     * C is [m x n], op(A) [m x k], op(B) [k x n]; each matrix starts at its offset with its leading dimension.
     * Runs on OpenBLAS with the thread count ND4J's BLAS is set to ({@link io.cdae.backend.Nd4jThreads}):
     * ND4J calls the same library through the same binding.
     */
    static void gemm(boolean transA, boolean transB, int m, int n, int k,
                     NativeFloats a, int aOffset, int lda, NativeFloats b, int bOffset, int ldb,
                     float beta, NativeFloats c, int cOffset, int ldc) {
        openblas_nolapack.cblas_sgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, 1f,
                a.at(aOffset), lda, b.at(bOffset), ldb, beta, c.at(cOffset), ldc);
    }
}
