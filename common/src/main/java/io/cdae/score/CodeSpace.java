package io.cdae.score;

import io.cdae.backend.HostArrays;
import io.cdae.backend.VectorApi;
import io.cdae.model.Gemm;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

/**
 * The code space of a trained model as anomaly scores use it: the code points of a bounded reference sample of
 * training rows, and the mean and precision (inverse covariance) of those points.
 *
 * <p>A row's code point is the pre-activation z = a_{L-1} W_L + b_L of the encoder's last layer, of which the
 * code is f(x) = s(z). Distances are measured there rather than on s(z) because a saturating unit maps every
 * far-away row to nearly the same code: on the Fashion-MNIST one-class benchmark the kNN distance on s(z) reached
 * a mean ROC-AUC of 0.84, on z 0.92 (docs/BENCHMARKS.md).
 *
 * <ul>
 *   <li>{@code code-knn}: the mean Euclidean distance from a row's code point to its {@code k} nearest reference points
 *       (the kNN-distance detector of Ramaswamy et al. 2000, in the learned code space);</li>
 *   <li>{@code code-mahalanobis}: (c - mu)^T P (c - mu), with P = (S + eps I)^-1, S the covariance of the
 *       reference codes and eps = {@link #RIDGE} x trace(S) / h, which keeps P finite when saturated code units
 *       have almost no variance.</li>
 * </ul>
 * The reference sample is bounded ({@code reference-rows}), so scoring costs the same whatever the size of the
 * training set: the distances of a minibatch are one GEMM against the reference codes, taken in blocks of
 * {@link #BLOCK} reference rows so that memory stays bounded too.
 *
 * @param k         neighbours averaged by {@code code-knn}
 * @param reference [m, h] reference codes, in the model's data type
 * @param mean      [1, h] mean of the reference codes (double)
 * @param precision [h, h] inverse of the regularised covariance of the reference codes (double)
 */
public record CodeSpace(int k, INDArray reference, INDArray mean, INDArray precision) {
    /** Relative ridge added to the code covariance before it is inverted. */
    public static final double RIDGE = 1e-3;
    /** Reference rows per distance block. */
    static final int BLOCK = 2048;
    /** Per-thread buffer of one block's code-reference products, reused across minibatches. */
    private static final ThreadLocal<float[]> DOTS = ThreadLocal.withInitial(() -> new float[0]);

    public CodeSpace {
        if (k < 1) {
            throw new IllegalArgumentException("code-knn needs k >= 1, found " + k);
        }
        if (reference.rank() != 2 || reference.rows() < 1) {
            throw new IllegalArgumentException("code space needs at least one reference code, found shape "
                    + Arrays.toString(reference.shape()));
        }
        long h = reference.columns();
        if (mean.length() != h || precision.rows() != h || precision.columns() != h) {
            throw new IllegalArgumentException("code space: reference codes of width " + h + " but mean "
                    + Arrays.toString(mean.shape()) + " and precision " + Arrays.toString(precision.shape()));
        }
    }

    /**
     * The code space of the given reference codes: their mean and regularised precision, computed in double
     * precision; {@code codes} are kept in their own data type.
     */
    public static CodeSpace of(INDArray codes, int k) {
        try (MemoryWorkspace out = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            INDArray c = codes.castTo(DataType.DOUBLE);
            long m = c.rows();
            long h = c.columns();
            INDArray mean = c.mean(true, 0);
            INDArray centred = c.subRowVector(mean);
            // S = centred^T centred / (m - 1) (population covariance for a single reference row)
            INDArray cov = Gemm.mul(centred, true, centred, false).divi(Math.max(1, m - 1));
            double trace = 0;
            for (int j = 0; j < h; j++) {
                trace += cov.getDouble(j, j);
            }
            double eps = RIDGE * (trace > 0 ? trace / h : 1.0);
            for (int j = 0; j < h; j++) {
                cov.putScalar(j, j, cov.getDouble(j, j) + eps);
            }
            return new CodeSpace(k, codes.dup('c'), mean, inverse(cov));
        }
    }

    /**
     * The inverse of a symmetric positive definite matrix: its Cholesky factor S = L L^T from LAPACK (potrf), then
     * S^-1 = L^-T L^-1 with L^-1 by forward substitution. (libnd4j's matrix_inverse op fails on well-conditioned
     * covariance matrices of 4 x 4 and larger at 1.0.0-M2.1.)
     */
    static INDArray inverse(INDArray spd) {
        int h = (int) spd.rows();
        INDArray factor = spd.dup('c');
        Nd4j.getBlasWrapper().lapack().potrf(factor, true);
        double[][] l = factor.toDoubleMatrix();
        double[][] inv = new double[h][h];
        for (int j = 0; j < h; j++) {
            // column j of L^-1: solve L x = e_j (x_i = 0 for i < j)
            for (int i = j; i < h; i++) {
                double sum = i == j ? 1.0 : 0.0;
                for (int q = j; q < i; q++) {
                    sum -= l[i][q] * inv[q][j];
                }
                inv[i][j] = sum / l[i][i];
            }
        }
        INDArray lInverse = Nd4j.createFromArray(inv);
        return Gemm.mul(lInverse, true, lInverse, false);
    }

    /** Number of reference codes. */
    public int referenceRows() {
        return (int) reference.rows();
    }

    /** Code width. */
    public int width() {
        return (int) reference.columns();
    }

    /**
     * The mean distance from each code ([n, h]) to its {@code k} nearest reference codes (all of them when there
     * are fewer than k). Per block of reference rows: one GEMM of the codes against the block, copied once to a
     * reused heap buffer, then one pass per code that keeps its k smallest {@code ||r||^2 - 2 c.r} (the code's own
     * norm, the same for every reference, is added at the end).
     */
    public double[] knnDistances(INDArray codes) {
        int n = (int) codes.rows();
        int m = referenceRows();
        int kk = Math.min(k, m);
        INDArray c = codes.castTo(DataType.FLOAT);
        INDArray ref = reference.castTo(DataType.FLOAT);
        float[] codeNorms = HostArrays.toFloats(c.mul(c).sum(1));
        double[][] nearest = new double[n][kk];
        for (double[] row : nearest) {
            Arrays.fill(row, Double.POSITIVE_INFINITY);
        }
        for (int from = 0; from < m; from += BLOCK) {
            int to = Math.min(m, from + BLOCK);
            int width = to - from;
            INDArray block = ref.get(NDArrayIndex.interval(from, to),
                    NDArrayIndex.all());
            float[] refNorms = HostArrays.toFloats(block.mul(block).sum(1));
            float[] dots = DOTS.get();
            if (dots.length < n * width) {
                dots = new float[n * width];
                DOTS.set(dots);
            }
            INDArray product = Gemm.mul(c, false, block, true);
            HostArrays.copyTo(product, dots);
            boolean vector = VectorApi.usable();
            for (int i = 0; i < n; i++) {
                if (vector) {
                    VectorSelection.keepSmallest(nearest[i], refNorms, dots, i * width, width);
                } else {
                    keepSmallest(nearest[i], refNorms, dots, i * width, width);
                }
            }
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (double e : nearest[i]) {
                sum += Math.sqrt(Math.max(0.0, e + codeNorms[i]));
            }
            out[i] = sum / kk;
        }
        return out;
    }

    /** (c - mu)^T P (c - mu) of each code ([n, h]). */
    public double[] mahalanobis(INDArray codes) {
        INDArray d = codes.castTo(DataType.DOUBLE).subRowVector(mean);
        return Gemm.mul(d, false, precision, false).muli(d).sum(1).toDoubleVector();
    }

    /**
     * Keeps in {@code best} (ascending) the smallest values among best and {@code refNorms[j] - 2 dots[from + j]},
     * j in [0, n).
     */
    private static void keepSmallest(double[] best, float[] refNorms, float[] dots, int from, int n) {
        float bound = (float) best[best.length - 1];
        for (int j = 0; j < n; j++) {
            float v = refNorms[j] - 2f * dots[from + j];
            if (v < bound) {
                bound = insert(best, v);
            }
        }
    }

    /** Inserts {@code v} into the ascending {@code best}, dropping its largest; returns the new largest. */
    private static float insert(double[] best, float v) {
        int p = best.length - 1;
        while (p > 0 && best[p - 1] > v) {
            best[p] = best[p - 1];
            p--;
        }
        best[p] = v;
        return (float) best[best.length - 1];
    }

    /**
     * The same selection with the Vector API: a whole vector of candidates is compared with the current k-th
     * smallest at once, and only a vector holding a smaller one is inserted lane by lane (after the first few
     * hundred candidates almost none does). Loaded only where {@link VectorApi#usable()}. The values are the same
     * float operations as the scalar loop's, so the result is identical.
     */
    private static final class VectorSelection {
        private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

        static void keepSmallest(double[] best, float[] refNorms, float[] dots, int from, int n) {
            float bound = (float) best[best.length - 1];
            int lanes = SPECIES.length();
            int upper = SPECIES.loopBound(n);
            int j = 0;
            for (; j < upper; j += lanes) {
                FloatVector v = FloatVector.fromArray(SPECIES, refNorms, j)
                        .sub(FloatVector.fromArray(SPECIES, dots, from + j).mul(2f));
                if (v.compare(VectorOperators.LT, bound).anyTrue()) {
                    for (int q = j; q < j + lanes; q++) {
                        float x = refNorms[q] - 2f * dots[from + q];
                        if (x < bound) {
                            bound = insert(best, x);
                        }
                    }
                }
            }
            for (; j < n; j++) {
                float x = refNorms[j] - 2f * dots[from + j];
                if (x < bound) {
                    bound = insert(best, x);
                }
            }
        }
    }
}
