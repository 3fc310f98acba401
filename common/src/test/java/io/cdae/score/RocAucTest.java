package io.cdae.score;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RocAucTest {
    @Test
    void matchesTheHandComputedMannWhitneyStatistic() {
        // anomalies (1) score 0.9, 0.4, 3.0; normals (0) score 0.1, 0.5, 0.2, 2.0.
        // Pairs (anomaly > normal): 0.9 beats 0.1, 0.5, 0.2 (3); 0.4 beats 0.1, 0.2 (2); 3.0 beats all 4 (4).
        // AUC = 9 / (3 * 4) = 0.75
        double[] labels = {1, 0, 1, 0, 0, 1, 0};
        double[] scores = {0.9, 0.1, 0.4, 0.5, 0.2, 3.0, 2.0};
        assertEquals(0.75, RocAuc.rocAuc(labels, scores), 1e-12);
        assertEquals(1.0, RocAuc.rocAuc(new double[] {0, 0, 1}, new double[] {-5, -4, 10}), 1e-12);
    }
}
