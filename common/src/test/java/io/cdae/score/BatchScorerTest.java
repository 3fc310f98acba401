package io.cdae.score;

import io.cdae.backend.Nd4jThreads;
import io.cdae.config.CdaeConfig;
import io.cdae.config.CorruptionType;
import io.cdae.io.CdaeModel;
import io.cdae.io.Normaliser;
import io.cdae.model.CdaeNetwork;
import io.cdae.model.CdaeParameters;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        CdaeConfig config = new CdaeConfig(D, List.of(H), d.activation(), true, d.outputActivation(), d.reconstructionLoss(),
                0.3, d.contractiveEstimator(), d.projections(), CorruptionType.NONE, 0.0, d.optimiser(), 1e-3, d.momentum(),
                8, 1, 5L);
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
        BatchScorer weightedScorer = new BatchScorer(model, AnomalyScore.WEIGHTED_RECONSTRUCTION, 10.0, weights);
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
                () -> new BatchScorer(model, AnomalyScore.WEIGHTED_RECONSTRUCTION, 1.0, new double[D - 1]));
        // without a calibration there are no stored weights to take
        assertThrows(IllegalArgumentException.class, () -> new BatchScorer(model, AnomalyScore.WEIGHTED_RECONSTRUCTION, 1.0));
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
