package io.cdae.score;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CalibrationTest {
    @Test
    void madRuleIsMedianPlusKScaledMadAndQuantileRuleIsTheQuantile() {
        Calibration mad = Calibration.of(AnomalyScore.RECONSTRUCTION, "mad", 100, 10.0, 2.0, 3.0, 0.05, 17.0);
        assertEquals(10.0 + 3.0 * 1.4826 * 2.0, mad.threshold(), 1e-12);
        Calibration q = Calibration.of(AnomalyScore.TOTAL, "quantile", 100, 10.0, 2.0, 3.0, 0.05, 17.0);
        assertEquals(17.0, q.threshold(), 0.0);
        assertEquals(mad.madThreshold(), q.madThreshold(), 0.0);
    }

    @Test
    void featureWeightsAreInverseMeanErrorsWithAFloorAtAFractionOfTheirMean() {
        // mean of m = (0.0 + 0.5 + 2.0 + 1.5) / 4 = 1.0; floor 0.1 -> denominators max(m_i, 0.1)
        double[] w = FeatureWeights.fromMeanErrors(new double[] {0.0, 0.5, 2.0, 1.5}, 0.1);
        assertArrayEquals(new double[] {10.0, 2.0, 0.5, 1.0 / 1.5}, w, 1e-12);
        // floor 1: every denominator at least the mean
        assertArrayEquals(new double[] {1.0, 1.0, 0.5, 1.0 / 1.5},
                FeatureWeights.fromMeanErrors(new double[] {0.0, 0.5, 2.0, 1.5}, 1.0), 1e-12);
        // nothing to weigh by: plain reconstruction error
        assertArrayEquals(new double[] {1.0, 1.0}, FeatureWeights.fromMeanErrors(new double[] {0.0, 0.0}, 0.1), 0.0);
        assertThrows(io.cdae.config.ConfigException.class, () -> FeatureWeights.fromMeanErrors(new double[] {1.0}, 0.0));
        assertThrows(IllegalArgumentException.class, () -> FeatureWeights.fromMeanErrors(new double[] {Double.NaN}, 0.1));
    }

    @Test
    void aWeightedCalibrationNeedsItsWeights() {
        Calibration c = Calibration.of(AnomalyScore.WEIGHTED_RECONSTRUCTION, "mad", 10, 1.0, 0.5, 3.0, 0.05, 2.0, 0.1,
                new double[] {1.0, 2.0});
        assertArrayEquals(new double[] {1.0, 2.0}, c.featureWeights(), 0.0);
        assertEquals(c, Calibration.of(AnomalyScore.WEIGHTED_RECONSTRUCTION, "mad", 10, 1.0, 0.5, 3.0, 0.05, 2.0, 0.1,
                new double[] {1.0, 2.0}));
        assertThrows(IllegalArgumentException.class, () -> Calibration.of(AnomalyScore.WEIGHTED_RECONSTRUCTION, "mad",
                10, 1.0, 0.5, 3.0, 0.05, 2.0, 0.1, null));
    }

    @Test
    void anomalyScoreCombinationsAndTopFeatures() {
        assertEquals(2.0 + 0.5 * 4.0, AnomalyScore.TOTAL.combine(2.0, 7.0, 4.0, 0.5), 0.0);
        assertEquals(4.0, AnomalyScore.CONTRACTIVE.combine(2.0, 7.0, 4.0, 0.5), 0.0);
        assertEquals(7.0, AnomalyScore.WEIGHTED_RECONSTRUCTION.combine(2.0, 7.0, 4.0, 0.5), 0.0);
        assertEquals(AnomalyScore.WEIGHTED_RECONSTRUCTION, AnomalyScore.parse("weighted-reconstruction"));
        assertArrayEquals(new int[] {2, 0}, BatchScorer.top(new double[] {3, 1, 5, 3}, 2));
    }
}
