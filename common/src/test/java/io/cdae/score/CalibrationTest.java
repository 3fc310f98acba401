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
                new double[] {1.0, 2.0}, null);
        assertArrayEquals(new double[] {1.0, 2.0}, c.featureWeights(), 0.0);
        assertEquals(c, Calibration.of(AnomalyScore.WEIGHTED_RECONSTRUCTION, "mad", 10, 1.0, 0.5, 3.0, 0.05, 2.0, 0.1,
                new double[] {1.0, 2.0}, null));
        assertThrows(IllegalArgumentException.class, () -> Calibration.of(AnomalyScore.WEIGHTED_RECONSTRUCTION, "mad",
                10, 1.0, 0.5, 3.0, 0.05, 2.0, 0.1, null, null));
        // combined needs both its weights and its z-scales
        CombinedScale scale = new CombinedScale(1, 2, 3, 4);
        assertThrows(IllegalArgumentException.class, () -> Calibration.of(AnomalyScore.COMBINED, "mad", 10, 1.0, 0.5, 3.0,
                0.05, 2.0, 0.1, new double[] {1.0}, null));
        assertThrows(IllegalArgumentException.class, () -> Calibration.of(AnomalyScore.COMBINED, "mad", 10, 1.0, 0.5, 3.0,
                0.05, 2.0, 0.1, null, scale));
        assertEquals(scale, Calibration.of(AnomalyScore.COMBINED, "mad", 10, 1.0, 0.5, 3.0, 0.05, 2.0, 0.1,
                new double[] {1.0}, scale).combinedScale());
    }

    @Test
    void anomalyScoreCombinationsAndTopFeatures() {
        AnomalyScore.Components c = new AnomalyScore.Components(2.0, 7.0, 4.0, 11.0, 13.0);
        CombinedScale scale = new CombinedScale(5.0, 2.0, 1.0, 4.0);
        assertEquals(2.0, AnomalyScore.RECONSTRUCTION.value(c, 0.5, null), 0.0);
        assertEquals(2.0 + 0.5 * 4.0, AnomalyScore.TOTAL.value(c, 0.5, null), 0.0);
        assertEquals(4.0, AnomalyScore.CONTRACTIVE.value(c, 0.5, null), 0.0);
        assertEquals(7.0, AnomalyScore.WEIGHTED_RECONSTRUCTION.value(c, 0.5, null), 0.0);
        assertEquals(11.0, AnomalyScore.CODE_KNN.value(c, 0.5, null), 0.0);
        assertEquals(13.0, AnomalyScore.CODE_MAHALANOBIS.value(c, 0.5, null), 0.0);
        // (7 - 5) / 2 + (11 - 1) / 4
        assertEquals(1.0 + 2.5, AnomalyScore.COMBINED.value(c, 0.5, scale), 1e-15);
        assertEquals(AnomalyScore.WEIGHTED_RECONSTRUCTION, AnomalyScore.parse("weighted-reconstruction"));
        assertEquals(AnomalyScore.COMBINED, AnomalyScore.parse("combined"));
        assertThrows(io.cdae.config.ConfigException.class, () -> AnomalyScore.parse("knn"));
        assertArrayEquals(new int[] {2, 0}, BatchScorer.top(new double[] {3, 1, 5, 3}, 2));
    }

    @Test
    void combinedScalesAreMeanAndSampleDeviationAndAZeroDeviationCountsAsOne() {
        // weighted 1, 2, 3: mean 2, sample sd 1; knn 4, 4, 4: mean 4, sd 0 -> 1
        CombinedScale s = CombinedScale.of(new double[] {1, 2, 3}, new double[] {4, 4, 4});
        assertEquals(new CombinedScale(2, 1, 4, 1), s);
        assertEquals((5 - 2) / 1.0 + (6 - 4) / 1.0, s.combine(5, 6), 1e-15);
        assertEquals(new CombinedScale(1, 1, 2, 1), CombinedScale.of(new double[] {1}, new double[] {2}));
        assertThrows(IllegalArgumentException.class, () -> CombinedScale.of(new double[0], new double[0]));
        assertThrows(IllegalArgumentException.class, () -> new CombinedScale(Double.NaN, 1, 1, 1));
    }
}
