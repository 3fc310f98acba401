package io.cdae.score;

import io.cdae.backend.Nd4jThreads;
import io.cdae.config.CdaeConfig;
import io.cdae.config.CorruptionType;
import io.cdae.config.OutputActivation;
import io.cdae.io.CdaeModel;
import io.cdae.io.Normaliser;
import io.cdae.model.CdaeNetwork;
import io.cdae.model.CdaeParameters;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scoring kernel (one copy per minibatch, normalised in the copy loop, intermediates in a reused
 * workspace) against a hand-written double-precision forward pass, over minibatches of different sizes.
 */
class BatchScorerTest {
    private static final int D = 12;
    private static final int H = 5;

    @Test
    void scoresEqualAnIndependentForwardPassOverReusedMinibatchesOfAnySize() {
        CdaeConfig d = CdaeConfig.defaults(D);
        CdaeConfig config = new CdaeConfig(D, List.of(H), d.activation(), true, OutputActivation.SIGMOID,
                d.reconstructionLoss(), 0.3, d.contractiveEstimator(), d.projections(), CorruptionType.NONE, 0.0,
                d.optimiser(), 1e-3, d.momentum(), 8, 1, 5L);
        SplittableRandom r = new SplittableRandom(9);
        double[] offset = new double[D];
        double[] scale = new double[D];
        for (int j = 0; j < D; j++) {
            offset[j] = r.nextDouble(-1, 1);
            scale[j] = r.nextDouble(0.5, 2);
        }
        CdaeModel model = CdaeModel.of(CdaeNetwork.create(config, DataType.FLOAT), config,
                new Normaliser(Normaliser.STANDARD, offset, scale), Map.of());
        CdaeParameters p = model.views();
        double[][] w = p.encoderWeight(1).castTo(DataType.DOUBLE).toDoubleMatrix();
        double[] b = p.encoderBias(1).castTo(DataType.DOUBLE).toDoubleVector();
        double[] c = p.decoderBias(1).castTo(DataType.DOUBLE).toDoubleVector();

        BatchScorer scorer = new BatchScorer(model, AnomalyScore.TOTAL, 10.0);
        double[] weights = new double[D];
        for (int j = 0; j < D; j++) {
            weights[j] = r.nextDouble(0.1, 10);
        }
        BatchScorer weightedScorer = new BatchScorer(model, AnomalyScore.WEIGHTED_RECONSTRUCTION, 10.0, weights, null);
        for (int n : new int[] {7, 30, 1, 30}) {
            float[][] rows = new float[n][D];
            for (float[] row : rows) {
                for (int j = 0; j < D; j++) {
                    row[j] = (float) r.nextDouble(-3, 3);
                }
            }
            BatchScorer.RowScore[] weighted = weightedScorer.score(rows, 1, true);
            BatchScorer.RowScore[] s = scorer.score(rows, 2, true);
            assertEquals(n, s.length);
            for (int i = 0; i < n; i++) {
                double[] x = new double[D];
                for (int j = 0; j < D; j++) {
                    x[j] = ((float) (rows[i][j] - (float) offset[j])) / (float) scale[j];
                }
                // h = s(x W + b), y = s(h W^T + c), error = sum (y - x)^2, contractive = sum_j (h(1-h))^2 sum_i W_ij^2
                double[] h = new double[H];
                double contractive = 0;
                for (int k = 0; k < H; k++) {
                    double z = b[k];
                    double col = 0;
                    for (int j = 0; j < D; j++) {
                        z += x[j] * w[j][k];
                        col += w[j][k] * w[j][k];
                    }
                    h[k] = 1 / (1 + Math.exp(-z));
                    double slope = h[k] * (1 - h[k]);
                    contractive += slope * slope * col;
                }
                double error = 0;
                double weightedError = 0;
                int top = 0;
                double topContribution = -1;
                for (int j = 0; j < D; j++) {
                    double v = c[j];
                    for (int k = 0; k < H; k++) {
                        v += h[k] * w[j][k];
                    }
                    double y = 1 / (1 + Math.exp(-v));
                    error += (y - x[j]) * (y - x[j]);
                    weightedError += weights[j] * (y - x[j]) * (y - x[j]);
                    if (weights[j] * (y - x[j]) * (y - x[j]) > topContribution) {
                        topContribution = weights[j] * (y - x[j]) * (y - x[j]);
                        top = j;
                    }
                    assertEquals((y - x[j]) * (y - x[j]), s[i].featureErrors()[j], 1e-5 * (1 + error));
                }
                assertEquals(weightedError, weighted[i].anomalyScore(), 1e-5 * weightedError);
                assertEquals(error, weighted[i].reconstruction(), 1e-5 * error);
                assertEquals(top, weighted[i].topFeatures()[0]);
                assertEquals(error, s[i].reconstruction(), 1e-5 * error);
                assertEquals(contractive, s[i].contractive(), 1e-5 * contractive);
                assertEquals(error + 0.3 * contractive, s[i].anomalyScore(), 1e-5 * s[i].anomalyScore());
                assertEquals(s[i].anomalyScore() > 10.0, s[i].anomaly());
                assertEquals(2, s[i].topFeatures().length);
            }
        }
    }

    @Test
    void aWeightedScoreNeedsOneWeightPerFeature() {
        CdaeConfig config = CdaeConfig.defaults(D);
        CdaeModel model = CdaeModel.of(CdaeNetwork.create(config, DataType.FLOAT), config, Normaliser.identity(D), Map.of());
        assertThrows(IllegalArgumentException.class,
                () -> new BatchScorer(model, AnomalyScore.WEIGHTED_RECONSTRUCTION, 1.0, new double[D - 1], null));
        // without a calibration there are no stored weights to take
        assertThrows(IllegalArgumentException.class, () -> new BatchScorer(model, AnomalyScore.WEIGHTED_RECONSTRUCTION, 1.0));
        // without a code space there are no code distances
        for (AnomalyScore s : new AnomalyScore[] {AnomalyScore.CODE_KNN, AnomalyScore.CODE_MAHALANOBIS, AnomalyScore.COMBINED}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new BatchScorer(model, s, 1.0, new double[D], new CombinedScale(0, 1, 0, 1)));
            assertTrue(e.getMessage().contains("code space"), e.getMessage());
        }
        // combined without its z-scales
        assertThrows(IllegalArgumentException.class, () -> new BatchScorer(model.withCodeSpace(CodeSpace.of(
                Nd4j.rand(DataType.FLOAT, 4, model.config().width(1)), 2)), AnomalyScore.COMBINED, 1.0, new double[D], null));
    }

    /**
     * code-knn, code-mahalanobis and combined against a double-precision computation by hand: the code point
     * z = x W + b, its distances to every reference point sorted, the mean of the k smallest; (z - m) P (z - m) with
     * the stored mean and precision; the z-scored sum with the given scales. More reference points than one block,
     * so the blockwise nearest-neighbour merge is exercised.
     */
    @Test
    void codeSpaceScoresEqualADirectComputation() {
        CdaeConfig d = CdaeConfig.defaults(D);
        CdaeConfig config = new CdaeConfig(D, List.of(H), d.activation(), true, OutputActivation.LINEAR,
                d.reconstructionLoss(), 0.3, d.contractiveEstimator(), d.projections(), CorruptionType.NONE, 0.0,
                d.optimiser(), 1e-3, d.momentum(), 8, 1, 5L);
        SplittableRandom r = new SplittableRandom(3);
        int m = CodeSpace.BLOCK + 123;
        float[] points = new float[m * H];
        for (int i = 0; i < points.length; i++) {
            points[i] = (float) r.nextGaussian();
        }
        CodeSpace codes = CodeSpace.of(Nd4j.create(points, new long[] {m, H}, 'c'), 3);
        double[] weights = new double[D];
        java.util.Arrays.fill(weights, 0.5);
        CombinedScale scale = new CombinedScale(2.0, 3.0, 1.5, 0.25);
        CdaeModel model = CdaeModel.of(CdaeNetwork.create(config, DataType.FLOAT), config, Normaliser.identity(D), Map.of())
                .withCodeSpace(codes);
        double[][] w = model.views().encoderWeight(1).castTo(DataType.DOUBLE).toDoubleMatrix();
        double[] b = model.views().encoderBias(1).castTo(DataType.DOUBLE).toDoubleVector();
        double[] mean = codes.mean().toDoubleVector();
        double[][] precision = codes.precision().toDoubleMatrix();
        float[][] rows = new float[9][D];
        for (float[] row : rows) {
            for (int j = 0; j < D; j++) {
                row[j] = (float) (3 * r.nextGaussian());
            }
        }
        BatchScorer.RowScore[] knn = new BatchScorer(model, AnomalyScore.CODE_KNN, 0.0, null, null).score(rows, 0, false);
        BatchScorer.RowScore[] maha = new BatchScorer(model, AnomalyScore.CODE_MAHALANOBIS, 0.0, null, null).score(rows, 0, false);
        BatchScorer.RowScore[] comb = new BatchScorer(model, AnomalyScore.COMBINED, 0.0, weights, scale).score(rows, 0, false);
        for (int i = 0; i < rows.length; i++) {
            double[] z = b.clone();
            for (int k = 0; k < H; k++) {
                for (int j = 0; j < D; j++) {
                    z[k] += rows[i][j] * w[j][k];
                }
            }
            double[] dist = new double[m];
            for (int p = 0; p < m; p++) {
                double s2 = 0;
                for (int k = 0; k < H; k++) {
                    double diff = z[k] - points[p * H + k];
                    s2 += diff * diff;
                }
                dist[p] = Math.sqrt(s2);
            }
            java.util.Arrays.sort(dist);
            double expectedKnn = (dist[0] + dist[1] + dist[2]) / 3;
            double expectedMaha = 0;
            for (int k = 0; k < H; k++) {
                for (int l = 0; l < H; l++) {
                    expectedMaha += (z[k] - mean[k]) * precision[k][l] * (z[l] - mean[l]);
                }
            }
            assertEquals(expectedKnn, knn[i].anomalyScore(), 1e-4 * expectedKnn);
            assertEquals(expectedMaha, maha[i].anomalyScore(), 1e-4 * expectedMaha);
            double expectedComb = (0.5 * comb[i].reconstruction() - 2.0) / 3.0 + (expectedKnn - 1.5) / 0.25;
            assertEquals(0.5 * comb[i].reconstruction(), comb[i].weightedReconstruction(), 1e-5 * comb[i].reconstruction());
            assertEquals(expectedComb, comb[i].anomalyScore(), 1e-3 * (1 + Math.abs(expectedComb)));
            assertEquals(comb[i].anomalyScore() > 0.0, comb[i].anomaly());
        }
    }

    @Test
    void threadCountIsSetAndChecked() {
        int before = Nd4jThreads.threads();
        try {
            Nd4jThreads.set(1);
            assertEquals(1, Nd4jThreads.threads());
            assertEquals(1, Nd4jThreads.blasThreads());
            Nd4jThreads.set(2);
            assertEquals(2, Nd4jThreads.threads());
            assertEquals(2, Nd4jThreads.blasThreads());
            assertThrows(IllegalArgumentException.class, () -> Nd4jThreads.set(0));
        } finally {
            Nd4jThreads.set(before);
        }
    }
}
