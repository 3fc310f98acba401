package io.cdae.score;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
    void anomalyScoreCombinationsAndTopFeatures() {
        assertEquals(2.0 + 0.5 * 4.0, AnomalyScore.TOTAL.combine(2.0, 4.0, 0.5), 0.0);
        assertEquals(4.0, AnomalyScore.CONTRACTIVE.combine(2.0, 4.0, 0.5), 0.0);
        assertArrayEquals(new int[] {2, 0}, BatchScorer.top(new double[] {3, 1, 5, 3}, 2));
    }
}
