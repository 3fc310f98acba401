package io.cdae.score;

import io.cdae.backend.HostArrays;
import io.cdae.backend.VectorApi;
import io.cdae.model.Gemm;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
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
 * training set. The search is exact either way: for codes up to {@link #PROJECTED_MAX_WIDTH} wide a sorted search on
 * the principal axes of the reference codes ({@link ProjectedIndex}), which skips the references that cannot be
 * among the nearest; for wider codes one GEMM of a minibatch against the reference codes, in blocks of
 * {@link #BLOCK} reference rows so that memory stays bounded too (docs/BENCHMARKS.md, "Scoring throughput").
 *
 * <p>Its parts: {@link #k()} neighbours averaged by {@code code-knn}, the [m, h] {@link #reference()} codes in the
 * model's data type, their [1, h] {@link #mean()} and the [h, h] {@link #precision()}, the inverse of their
 * regularised covariance (both double).
 */
public final class CodeSpace {
    /** Relative ridge added to the code covariance before it is inverted. */
    public static final double RIDGE = 1e-3;
    /** Reference rows per distance block. */
    static final int BLOCK = 2048;
    /**
     * The widest code searched by {@link ProjectedIndex} rather than by GEMM: up to it the GEMM's inner dimension
     * is too small for BLAS to pay for writing, copying and reading back every product (docs/BENCHMARKS.md,
     * "Scoring throughput").
     */
    static final int PROJECTED_MAX_WIDTH = 96;
    /** Per-thread buffer of one block's code-reference products, reused across minibatches. */
    private static final ThreadLocal<float[]> DOTS = ThreadLocal.withInitial(() -> new float[0]);

    private final int k;
    private final INDArray reference;
    private final INDArray mean;
    private final INDArray precision;
    /** The reference codes as floats on the heap, copied on first use (a benign race, as below). */
    private volatile float[] referenceFloats;
    /** The search structure of narrow codes, built on first use (a benign race: any thread's copy is the same). */
    private volatile ProjectedIndex projected;

    /**
     * @param k         neighbours averaged by {@code code-knn}
     * @param reference [m, h] reference codes, in the model's data type
     * @param mean      [1, h] mean of the reference codes (double)
     * @param precision [h, h] inverse of the regularised covariance of the reference codes (double)
     */
    public CodeSpace(int k, INDArray reference, INDArray mean, INDArray precision) {
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
        this.k = k;
        this.reference = reference;
        this.mean = mean;
        this.precision = precision;
    }

    /** Neighbours averaged by {@code code-knn}. */
    public int k() {
        return k;
    }

    /** The [m, h] reference codes, in the model's data type. */
    public INDArray reference() {
        return reference;
    }

    /** The [1, h] mean of the reference codes (double). */
    public INDArray mean() {
        return mean;
    }

    /** The [h, h] inverse of the regularised covariance of the reference codes (double). */
    public INDArray precision() {
        return precision;
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
            // S = scatter / (m - 1) (population covariance for a single reference row)
            INDArray cov = scatter(c, mean).divi(Math.max(1, m - 1));
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

    /** (c - mean)^T (c - mean) of double codes c ([m, h]): the [h, h] scatter matrix. */
    private static INDArray scatter(INDArray codes, INDArray mean) {
        INDArray centred = codes.subRowVector(mean);
        return Gemm.mul(centred, true, centred, false);
    }

    /**
     * The inverse of a symmetric positive definite matrix, from its Cholesky decomposition (Commons Math, in
     * double precision; the matrix is symmetrised first, as GEMM's two halves of a scatter matrix can differ in the
     * last bit). Not LAPACK through ND4J: the OpenBLAS that nd4j-native 1.0.0-M2.1 bundles fails {@code dpotrf} on
     * well-conditioned matrices of 11 x 11 and larger on AVX-512 processors such as Sapphire Rapids (info = the
     * failing minor; its GEMMs are right there), and libnd4j's matrix_inverse op fails on covariance matrices of
     * 4 x 4 and larger.
     */
    static INDArray inverse(INDArray spd) {
        int h = (int) spd.rows();
        double[][] s = spd.toDoubleMatrix();
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < i; j++) {
                double mean = (s[i][j] + s[j][i]) / 2;
                s[i][j] = mean;
                s[j][i] = mean;
            }
        }
        RealMatrix inverse = new CholeskyDecomposition(new Array2DRowRealMatrix(s, false),
                CholeskyDecomposition.DEFAULT_RELATIVE_SYMMETRY_THRESHOLD, 0.0).getSolver().getInverse();
        return Nd4j.createFromArray(inverse.getData());
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
     * are fewer than k). Codes up to {@link #PROJECTED_MAX_WIDTH} wide are searched by {@link ProjectedIndex}, an
     * exact search on the principal axes of the reference codes that visits only the references that can still be
     * among the k nearest; wider codes by {@code ||r||^2 - 2 c.r} (the code's own norm is the same for every
     * reference) with one GEMM per block of reference rows, after which the k distances found are computed
     * directly as {@code ||c - r||} in double, so that a near or equal reference is not lost to the cancellation of
     * the expanded form.
     */
    public double[] knnDistances(INDArray codes) {
        return knnDistances(codes, VectorApi.usable() && width() <= PROJECTED_MAX_WIDTH);
    }

    /**
     * {@link #knnDistances(INDArray)} by the given search: {@code projected} ({@link ProjectedIndex}, Vector API only)
     * or one GEMM per block of reference rows.
     */
    double[] knnDistances(INDArray codes, boolean projected) {
        int n = (int) codes.rows();
        int m = referenceRows();
        int h = width();
        int kk = Math.min(k, m);
        INDArray c = codes.castTo(DataType.FLOAT);
        float[] codeValues = HostArrays.toFloats(c);
        Nearest nearest = new Nearest(n, kk);
        double[] out = new double[n];
        if (projected) {
            // the values found are squared distances on the kept axes, summed directly (no cancellation); the
            // residual adds what lies off those axes, the same for every reference
            double[] residual = projectedIndex().search(codeValues, n, nearest);
            for (int i = 0; i < n; i++) {
                double sum = 0;
                for (int q = 0; q < kk; q++) {
                    sum += Math.sqrt(nearest.value[i * kk + q] + residual[i]);
                }
                out[i] = sum / kk;
            }
            return out;
        }
        gemmSearch(c, nearest);
        float[] referenceValues = referenceFloats();
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int q = 0; q < kk; q++) {
                int r = nearest.index[i * kk + q];
                if (r < 0) {
                    sum = Double.POSITIVE_INFINITY;
                    break;
                }
                double squares = 0;
                for (int d = 0; d < h; d++) {
                    double e = (double) codeValues[i * h + d] - referenceValues[r * h + d];
                    squares += e * e;
                }
                sum += Math.sqrt(squares);
            }
            out[i] = sum / kk;
        }
        return out;
    }

    private float[] referenceFloats() {
        float[] values = referenceFloats;
        if (values == null) {
            values = HostArrays.toFloats(reference.castTo(DataType.FLOAT));
            referenceFloats = values;
        }
        return values;
    }

    private ProjectedIndex projectedIndex() {
        ProjectedIndex index = projected;
        if (index == null) {
            try (MemoryWorkspace out = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                index = ProjectedIndex.of(referenceFloats(), width(), mean.toDoubleVector(),
                        scatter(reference.castTo(DataType.DOUBLE), mean).toDoubleMatrix());
            }
            projected = index;
        }
        return index;
    }

    /**
     * Per block of reference rows: one GEMM of the codes against the block, copied once to a reused heap buffer,
     * then one pass per code that keeps its k smallest {@code ||r||^2 - 2 c.r}.
     */
    private void gemmSearch(INDArray c, Nearest nearest) {
        int n = (int) c.rows();
        int m = referenceRows();
        INDArray ref = reference.castTo(DataType.FLOAT);
        boolean vector = VectorApi.usable();
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
            for (int i = 0; i < n; i++) {
                if (vector) {
                    VectorSelection.keepSmallest(nearest, i, refNorms, dots, i * width, width, from);
                } else {
                    keepSmallest(nearest, i, refNorms, dots, i * width, width, from);
                }
            }
        }
    }

    /** (c - mu)^T P (c - mu) of each code ([n, h]). */
    public double[] mahalanobis(INDArray codes) {
        INDArray d = codes.castTo(DataType.DOUBLE).subRowVector(mean);
        return Gemm.mul(d, false, precision, false).muli(d).sum(1).toDoubleVector();
    }

    /**
     * The k smallest ranking values found so far for each of n codes, ascending, with the reference row of each
     * (-1 while a slot is empty).
     */
    private static final class Nearest {
        final int k;
        final float[] value;
        final int[] index;

        Nearest(int n, int k) {
            this.k = k;
            value = new float[n * k];
            index = new int[n * k];
            Arrays.fill(value, Float.POSITIVE_INFINITY);
            Arrays.fill(index, -1);
        }

        /** The current k-th smallest value of code i (the bound a candidate must beat). */
        float bound(int i) {
            return value[i * k + k - 1];
        }

        /** Inserts reference {@code r} with value {@code v} among code i's values, dropping the largest; returns the new bound. */
        float insert(int i, float v, int r) {
            int base = i * k;
            int p = k - 1;
            while (p > 0 && value[base + p - 1] > v) {
                value[base + p] = value[base + p - 1];
                index[base + p] = index[base + p - 1];
                p--;
            }
            value[base + p] = v;
            index[base + p] = r;
            return value[base + k - 1];
        }
    }

    /**
     * Keeps among code i's nearest the smallest of {@code refNorms[j] - 2 dots[from + j]}, j in [0, n), reference
     * row {@code offset + j}.
     */
    private static void keepSmallest(Nearest nearest, int i, float[] refNorms, float[] dots, int from, int n, int offset) {
        float bound = nearest.bound(i);
        for (int j = 0; j < n; j++) {
            float v = refNorms[j] - 2f * dots[from + j];
            if (v < bound) {
                bound = nearest.insert(i, v, offset + j);
            }
        }
    }

    /**
     * The same selection with the Vector API: a whole vector of candidates is compared with the current k-th
     * smallest at once, and only a vector holding a smaller one is inserted lane by lane (after the first few
     * hundred candidates almost none does). Loaded only where {@link VectorApi#usable()}. The values are the same
     * float operations as the scalar loop's, so the result is identical.
     */
    private static final class VectorSelection {
        private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

        static void keepSmallest(Nearest nearest, int i, float[] refNorms, float[] dots, int from, int n, int offset) {
            float bound = nearest.bound(i);
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
                            bound = nearest.insert(i, x, offset + q);
                        }
                    }
                }
            }
            for (; j < n; j++) {
                float x = refNorms[j] - 2f * dots[from + j];
                if (x < bound) {
                    bound = nearest.insert(i, x, offset + j);
                }
            }
        }
    }

    /**
     * The exact search for narrow codes, with the Vector API and no product matrix. The reference codes are
     * rotated onto the principal axes of their covariance (a rotation keeps every distance; axes without variance
     * are dropped and a code's distance from the span of the others added back), sorted by their first principal
     * coordinate and laid out a vector of references at a time (m padded to whole vectors with points at infinity).
     * For each code, vectors of {@code lanes} references are visited outwards from the code's place in that
     * order, nearest first, and
     * <ul>
     *   <li>a direction stops as soon as the gap along the first axis alone reaches the current k-th smallest
     *       squared distance (every reference further on is further away);</li>
     *   <li>the squared distance of a vector is summed over the first {@link #PARTIAL} axes and abandoned when
     *       no lane is below the k-th smallest (those axes carry most of the variance), else completed.</li>
     * </ul>
     * On a tabular model (letter: 32 code units from 16 features, whose codes span 16 dimensions) about 5 % of the
     * reference vectors get past the partial sum. The values found are the squared distances themselves, summed
     * directly rather than expanded, so no recomputation is needed.
     */
    static final class ProjectedIndex {
        private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
        /** Axes summed before a vector of references may be abandoned. */
        static final int PARTIAL = 8;
        /**
         * Axes with less variance than this fraction of the largest are dropped: the reference codes have none
         * along them beyond rounding (a one-layer encoder's codes span at most as many dimensions as the input has
         * features, so 32 code units of 16 features span 16).
         */
        static final double NULL_VARIANCE = 1e-10;

        private final int h;
        /** The axes kept: those whose variance is above {@link #NULL_VARIANCE} times the largest. */
        private final int rank;
        private final int padded;
        /** The mean of the reference codes, subtracted before the rotation. */
        private final float[] centre;
        /** [h, rank] row-major: column a is principal axis a, by decreasing variance. */
        private final float[] axes;
        /** The same axes [rank, h]: row a is axis a. */
        private final float[] axesByAxis;
        /**
         * The sorted references' coordinates group by group: group g (positions [g lanes, (g + 1) lanes)) holds
         * [rank, lanes] at g rank lanes, so that a visit reads one contiguous block; then points at infinity.
         */
        private final float[] coordinates;
        /** The first coordinate of each sorted position (ascending, then infinity). */
        private final float[] first;
        /** The reference row of each sorted position. */
        private final int[] row;

        private ProjectedIndex(int h, int rank, int padded, float[] centre, float[] axes, float[] coordinates,
                               float[] first, int[] row) {
            this.h = h;
            this.rank = rank;
            this.first = first;
            this.padded = padded;
            this.centre = centre;
            this.axes = axes;
            this.axesByAxis = new float[rank * h];
            for (int d = 0; d < h; d++) {
                for (int a = 0; a < rank; a++) {
                    axesByAxis[a * h + d] = axes[d * rank + a];
                }
            }
            this.coordinates = coordinates;
            this.row = row;
        }

        /**
         * The index of m = reference.length / h reference codes, given their mean and scatter matrix
         * ({@link CodeSpace#scatter}).
         */
        static ProjectedIndex of(float[] reference, int h, double[] centre, double[][] scatter) {
            int m = reference.length / h;
            EigenDecomposition eigen = new EigenDecomposition(new Array2DRowRealMatrix(scatter, false));
            double[] values = eigen.getRealEigenvalues();
            Integer[] byVariance = new Integer[h];
            for (int a = 0; a < h; a++) {
                byVariance[a] = a;
            }
            Arrays.sort(byVariance, (a, b) -> Double.compare(values[b], values[a]));
            int rank = 1;
            while (rank < h && values[byVariance[rank]] > NULL_VARIANCE * values[byVariance[0]]) {
                rank++;
            }
            float[] axes = new float[h * rank];
            for (int a = 0; a < rank; a++) {
                double[] v = eigen.getEigenvector(byVariance[a]).toArray();
                for (int d = 0; d < h; d++) {
                    axes[d * rank + a] = (float) v[d];
                }
            }
            float[] centreF = new float[h];
            for (int d = 0; d < h; d++) {
                centreF[d] = (float) centre[d];
            }
            float[] rotated = new float[m * rank];
            for (int r = 0; r < m; r++) {
                rotate(reference, r * h, centreF, axes, h, rank, rotated, r * rank);
            }
            Integer[] order = new Integer[m];
            for (int r = 0; r < m; r++) {
                order[r] = r;
            }
            int stride = rank;
            Arrays.sort(order, (a, b) -> Float.compare(rotated[a * stride], rotated[b * stride]));
            int lanes = SPECIES.length();
            int padded = (m + lanes - 1) / lanes * lanes;
            float[] coordinates = new float[rank * padded];
            Arrays.fill(coordinates, Float.POSITIVE_INFINITY);
            float[] first = new float[padded];
            Arrays.fill(first, Float.POSITIVE_INFINITY);
            int[] row = new int[padded];
            Arrays.fill(row, -1);
            for (int p = 0; p < m; p++) {
                int r = order[p];
                row[p] = r;
                first[p] = rotated[r * rank];
                for (int a = 0; a < rank; a++) {
                    coordinates[(p / lanes) * rank * lanes + a * lanes + p % lanes] = rotated[r * rank + a];
                }
            }
            return new ProjectedIndex(h, rank, padded, centreF, axes, coordinates, first, row);
        }

        /**
         * {@code out[to + a] = sum_d (x[from + d] - centre[d]) axes[d, a]}, a < rank, a vector of axes at a time: the
         * same operations for the references and the codes searched, so that a code equal to a reference lands on it.
         */
        private static void rotate(float[] x, int from, float[] centre, float[] axes, int h, int rank, float[] out,
                                   int to) {
            int lanes = SPECIES.length();
            int upper = SPECIES.loopBound(rank);
            for (int a = 0; a < upper; a += lanes) {
                FloatVector v = FloatVector.zero(SPECIES);
                for (int d = 0; d < h; d++) {
                    v = FloatVector.fromArray(SPECIES, axes, d * rank + a)
                            .fma(FloatVector.broadcast(SPECIES, x[from + d] - centre[d]), v);
                }
                v.intoArray(out, to + a);
            }
            for (int a = upper; a < rank; a++) {
                float v = 0f;
                for (int d = 0; d < h; d++) {
                    v += (x[from + d] - centre[d]) * axes[d * rank + a];
                }
                out[to + a] = v;
            }
        }

        /**
         * ||x - centre - sum_a q_a axis_a||^2: the squared distance of a code from the span of the kept axes,
         * computed from the difference itself rather than as ||x - centre||^2 - ||q||^2, which would cancel.
         */
        private double residual(float[] x, int from, float[] q, float[] e) {
            int lanes = SPECIES.length();
            int upper = SPECIES.loopBound(h);
            for (int d = 0; d < upper; d += lanes) {
                FloatVector v = FloatVector.fromArray(SPECIES, x, from + d).sub(FloatVector.fromArray(SPECIES, centre, d));
                for (int a = 0; a < rank; a++) {
                    v = FloatVector.fromArray(SPECIES, axesByAxis, a * h + d).fma(FloatVector.broadcast(SPECIES, -q[a]), v);
                }
                v.intoArray(e, d);
            }
            for (int d = upper; d < h; d++) {
                float v = x[from + d] - centre[d];
                for (int a = 0; a < rank; a++) {
                    v -= q[a] * axesByAxis[a * h + d];
                }
                e[d] = v;
            }
            double sum = 0;
            for (int d = 0; d < h; d++) {
                sum += (double) e[d] * e[d];
            }
            return sum;
        }

        /**
         * Finds the nearest references of n codes; returns, for each code, its squared distance from the span of
         * the kept axes (0 where every axis is kept), to be added to the values found.
         */
        double[] search(float[] codes, int n, Nearest nearest) {
            float[] q = new float[rank];
            float[] lane = new float[SPECIES.length()];
            double[] residual = new double[n];
            float[] off = new float[h];
            for (int i = 0; i < n; i++) {
                rotate(codes, i * h, centre, axes, h, rank, q, 0);
                if (rank < h) {
                    residual[i] = residual(codes, i * h, q, off);
                }
                search(q, i, nearest, lane);
            }
            return residual;
        }

        /** The k nearest of one rotated code q, outwards from its place along the first axis. */
        private void search(float[] q, int i, Nearest nearest, float[] lane) {
            int lanes = SPECIES.length();
            int groups = padded / lanes;
            float q0 = q[0];
            // the first position whose first coordinate is >= the code's
            int lo = 0;
            int hi = padded;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (first[mid] < q0) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            int start = Math.min(lo / lanes, groups - 1);
            float bound = nearest.bound(i);
            int up = start;
            int down = start - 1;
            boolean goUp = true;
            boolean goDown = down >= 0;
            while (goUp || goDown) {
                if (goUp) {
                    float gap = first[up * lanes] - q0;
                    if (gap > 0 && gap * gap >= bound) {
                        goUp = false;
                    } else {
                        bound = visit(q, up * lanes, i, nearest, bound, lane);
                        goUp = ++up < groups;
                    }
                }
                if (goDown) {
                    float gap = q0 - first[down * lanes + lanes - 1];
                    if (gap > 0 && gap * gap >= bound) {
                        goDown = false;
                    } else {
                        bound = visit(q, down * lanes, i, nearest, bound, lane);
                        goDown = --down >= 0;
                    }
                }
            }
        }

        /**
         * The squared distances of the references at positions [p, p + lanes); returns the new bound. Four
         * independent sums, so that the additions do not wait on each other's latency.
         */
        private float visit(float[] q, int p, int i, Nearest nearest, float bound, float[] lane) {
            int partial = Math.min(PARTIAL, rank);
            FloatVector sum = squares(q, p, 0, partial);
            if (!sum.compare(VectorOperators.LT, bound).anyTrue()) {
                return bound;
            }
            sum = sum.add(squares(q, p, partial, rank));
            if (!sum.compare(VectorOperators.LT, bound).anyTrue()) {
                return bound;
            }
            sum.intoArray(lane, 0);
            for (int l = 0; l < lane.length; l++) {
                if (lane[l] < bound) {
                    bound = nearest.insert(i, lane[l], row[p + l]);
                }
            }
            return bound;
        }

        /** The sum over axes [from, to) of the squared differences of q and the references at [p, p + lanes). */
        private FloatVector squares(float[] q, int p, int from, int to) {
            int lanes = SPECIES.length();
            int base = p * rank;
            FloatVector s0 = FloatVector.zero(SPECIES);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            int a = from;
            for (; a + 4 <= to; a += 4) {
                FloatVector e0 = FloatVector.fromArray(SPECIES, coordinates, base + a * lanes).sub(q[a]);
                FloatVector e1 = FloatVector.fromArray(SPECIES, coordinates, base + (a + 1) * lanes).sub(q[a + 1]);
                FloatVector e2 = FloatVector.fromArray(SPECIES, coordinates, base + (a + 2) * lanes).sub(q[a + 2]);
                FloatVector e3 = FloatVector.fromArray(SPECIES, coordinates, base + (a + 3) * lanes).sub(q[a + 3]);
                s0 = e0.fma(e0, s0);
                s1 = e1.fma(e1, s1);
                s2 = e2.fma(e2, s2);
                s3 = e3.fma(e3, s3);
            }
            for (; a < to; a++) {
                FloatVector e = FloatVector.fromArray(SPECIES, coordinates, base + a * lanes).sub(q[a]);
                s0 = e.fma(e, s0);
            }
            return s0.add(s1).add(s2.add(s3));
        }
    }
}
