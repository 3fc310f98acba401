package io.cdae.score;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The code space's statistics and distances on small cases computed by hand. */
class CodeSpaceTest {
    /**
     * Reference points (0,0), (2,0), (0,4), (2,4): mean (1,2); sample covariance diag(4/3, 16/3), trace 20/3, so
     * the ridge is 1e-3 * 10/3 and the precision diag(1 / (4/3 + eps), 1 / (16/3 + eps)).
     */
    @Test
    void meanAndPrecisionAreTheClosedFormOfARegularisedCovariance() {
        CodeSpace s = CodeSpace.of(Nd4j.createFromArray(new double[][] {{0, 0}, {2, 0}, {0, 4}, {2, 4}}), 2);
        assertArrayEquals(new double[] {1, 2}, s.mean().toDoubleVector(), 1e-12);
        double eps = CodeSpace.RIDGE * (20.0 / 3) / 2;
        double[][] p = s.precision().toDoubleMatrix();
        assertEquals(1 / (4.0 / 3 + eps), p[0][0], 1e-12);
        assertEquals(1 / (16.0 / 3 + eps), p[1][1], 1e-12);
        assertEquals(0.0, p[0][1], 1e-12);
        // (3 - 1)^2 / (4/3 + eps) + (2 - 2)^2 ...
        assertEquals(4 / (4.0 / 3 + eps), s.mahalanobis(Nd4j.createFromArray(new double[][] {{3, 2}}))[0], 1e-12);
    }

    /** S S^-1 = I for covariance-like matrices of the sizes codes have (where libnd4j's own inverse op fails). */
    @Test
    void theInverseOfASymmetricPositiveDefiniteMatrixIsExact() {
        for (int h : new int[] {1, 4, 11, 32, 200, 512}) {
            org.nd4j.linalg.api.ndarray.INDArray x = Nd4j.rand(DataType.DOUBLE, 10 + h, h);
            org.nd4j.linalg.api.ndarray.INDArray s = x.transpose().mmul(x).addi(Nd4j.eye(h).castTo(DataType.DOUBLE).muli(1e-3));
            org.nd4j.linalg.api.ndarray.INDArray identity = s.mmul(CodeSpace.inverse(s));
            assertEquals(0.0, identity.sub(Nd4j.eye(h).castTo(DataType.DOUBLE)).amaxNumber().doubleValue(), 1e-8, "h = " + h);
        }
    }

    /**
     * Saturated units (a constant code value) and units that move together leave the covariance singular; the
     * ridge keeps its precision finite, and the Mahalanobis distance of a reference code is what a direct
     * computation with that precision gives. 256 units, as the issue-14 benchmark's model has (LAPACK's dpotrf
     * of nd4j-native's OpenBLAS failed here on AVX-512 processors).
     */
    @Test
    void aSingularCovarianceOfSaturatedAndDuplicatedUnitsStillHasAFinitePrecision() {
        int m = 600;
        int h = 256;
        java.util.Random random = new java.util.Random(7);
        double[][] codes = new double[m][h];
        for (double[] c : codes) {
            for (int j = 0; j < h; j++) {
                c[j] = j % 3 == 0 ? 1.0 : j % 3 == 1 ? random.nextGaussian() : 0;
            }
            for (int j = 2; j < h; j += 3) {
                c[j] = 2 * c[j - 1]; // a unit that is twice its neighbour
            }
        }
        CodeSpace s = CodeSpace.of(Nd4j.createFromArray(codes), 5);
        double[][] p = s.precision().toDoubleMatrix();
        for (double[] row : p) {
            for (double v : row) {
                assertTrue(Double.isFinite(v));
            }
        }
        double[] mean = s.mean().toDoubleVector();
        double expected = 0;
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < h; j++) {
                expected += (codes[0][i] - mean[i]) * p[i][j] * (codes[0][j] - mean[j]);
            }
        }
        double actual = s.mahalanobis(Nd4j.createFromArray(new double[][] {codes[0]}))[0];
        assertEquals(expected, actual, 1e-9 * Math.abs(expected));
    }

    @Test
    void knnDistanceIsTheMeanOfTheKSmallestDistancesOrOfAllWhenThereAreFewer() {
        CodeSpace s = CodeSpace.of(Nd4j.createFromArray(new double[][] {{0, 0}, {2, 0}, {0, 4}, {2, 4}}), 2);
        // from (0, 1): distances 1, sqrt(5), 3, sqrt(13); the two nearest average (1 + sqrt 5) / 2
        double[] d = s.knnDistances(Nd4j.createFromArray(new double[][] {{0, 1}, {1, 2}}));
        assertEquals((1 + Math.sqrt(5)) / 2, d[0], 1e-6);
        assertEquals(Math.sqrt(5), d[1], 1e-6);
        CodeSpace few = CodeSpace.of(Nd4j.createFromArray(new double[][] {{0, 0}, {3, 4}}), 5);
        assertEquals((0 + 5) / 2.0, few.knnDistances(Nd4j.createFromArray(new double[][] {{0, 0}}))[0], 1e-6);
    }

    /**
     * Over several reference blocks (and a partial last one), both searches (projected for narrow codes, GEMM per
     * block) give the distances of a brute-force computation in double precision: every distance, sorted, the k
     * smallest averaged. Row and reference counts that are not multiples of a vector's lanes. With {@code latent}
     * > 0 the references span only that many dimensions (as a one-layer encoder's codes of fewer features do), and
     * every other code lies off that span.
     */
    @ParameterizedTest
    @CsvSource({"6, true, 0", "6, false, 0", "1, true, 0", "17, true, 0", "64, true, 0", "96, true, 0",
        "96, false, 0", "100, false, 0", "32, true, 16", "32, false, 16", "12, true, 1", "40, true, 39"})
    void knnDistanceMatchesABruteForceSearch(int h, boolean projected, int latent) {
        Assumptions.assumeTrue(!projected || io.cdae.backend.VectorApi.usable(), "the projected search needs the Vector API");
        java.util.Random random = new java.util.Random(7 + h + latent);
        int m = 2 * CodeSpace.BLOCK + 37;
        int n = 51;
        double[][] map = new double[Math.max(latent, 1)][h];
        for (double[] r : map) {
            for (int j = 0; j < h; j++) {
                r[j] = random.nextGaussian();
            }
        }
        double[][] ref = new double[m][];
        for (int r = 0; r < m; r++) {
            ref[r] = latent > 0 ? spanned(map, latent, random) : gaussian(h, 1.0, random);
        }
        double[][] codes = new double[n][];
        for (int i = 0; i < n; i++) {
            codes[i] = latent > 0 && i % 2 == 0 ? spanned(map, latent, random) : gaussian(h, 1.5, random);
        }
        // a code equal to a reference point: its nearest distance is 0
        codes[3] = ref[100].clone();
        int k = 5;
        double[] found = CodeSpace.of(Nd4j.createFromArray(ref).castTo(DataType.FLOAT), k)
                .knnDistances(Nd4j.createFromArray(codes).castTo(DataType.FLOAT), projected);
        for (int i = 0; i < n; i++) {
            double[] all = new double[m];
            for (int r = 0; r < m; r++) {
                double s = 0;
                for (int j = 0; j < h; j++) {
                    double e = (double) (float) codes[i][j] - (float) ref[r][j];
                    s += e * e;
                }
                all[r] = Math.sqrt(s);
            }
            java.util.Arrays.sort(all);
            double expected = java.util.Arrays.stream(all, 0, k).average().orElseThrow();
            assertEquals(expected, found[i], 1e-4 * (1 + expected), "row " + i);
        }
    }

    /** 0.5 + sum_l z_l map[l] with standard normal z: a point of a {@code latent}-dimensional affine span. */
    private static double[] spanned(double[][] map, int latent, java.util.Random random) {
        double[] x = new double[map[0].length];
        java.util.Arrays.fill(x, 0.5);
        for (int l = 0; l < latent; l++) {
            double z = random.nextGaussian();
            for (int j = 0; j < x.length; j++) {
                x[j] += z * map[l][j];
            }
        }
        return x;
    }

    private static double[] gaussian(int h, double sd, java.util.Random random) {
        double[] x = new double[h];
        for (int j = 0; j < h; j++) {
            x[j] = sd * random.nextGaussian();
        }
        return x;
    }

    /** Every reference the same point: the distance from each code to it, by both searches. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void identicalReferencesGiveTheDistanceToThatPoint(boolean projected) {
        Assumptions.assumeTrue(!projected || io.cdae.backend.VectorApi.usable(), "the projected search needs the Vector API");
        float[][] ref = new float[20][];
        for (int r = 0; r < ref.length; r++) {
            ref[r] = new float[] {1, 2, 3};
        }
        CodeSpace s = CodeSpace.of(Nd4j.createFromArray(ref), 3);
        double[] d = s.knnDistances(Nd4j.createFromArray(new float[][] {{1, 2, 3}, {1, 2, 5}, {4, 6, 3}}), projected);
        assertArrayEquals(new double[] {0, 2, 5}, d, 1e-5);
    }

    /** Fewer reference points than k, and fewer than a vector's lanes: the mean over all of them, by both searches. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void bothSearchesAverageAllReferencesWhenThereAreFewerThanK(boolean projected) {
        Assumptions.assumeTrue(!projected || io.cdae.backend.VectorApi.usable(), "the projected search needs the Vector API");
        CodeSpace few = CodeSpace.of(Nd4j.createFromArray(new float[][] {{0, 0}, {3, 4}, {6, 8}}), 5);
        double[] d = few.knnDistances(Nd4j.createFromArray(new float[][] {{0, 0}, {3, 4}, {0, 0}, {0, 0}, {6, 8}}), projected);
        assertArrayEquals(new double[] {5, 10.0 / 3, 5, 5, 5}, d, 1e-5);
    }

    @Test
    void aFloatCodeSpaceKeepsItsTypeAndASingleReferencePointIsAllowed() {
        CodeSpace s = CodeSpace.of(Nd4j.createFromArray(new float[][] {{1f, 2f}}), 1);
        assertEquals(DataType.FLOAT, s.reference().dataType());
        assertEquals(Math.sqrt(2), s.knnDistances(Nd4j.createFromArray(new float[][] {{2f, 3f}}))[0], 1e-6);
        assertThrows(IllegalArgumentException.class, () -> CodeSpace.of(Nd4j.createFromArray(new double[][] {{1, 2}}), 0));
    }
}
