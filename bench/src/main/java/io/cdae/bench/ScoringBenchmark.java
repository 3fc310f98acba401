package io.cdae.bench;

import io.cdae.config.CdaeConfig;
import io.cdae.io.CdaeModel;
import io.cdae.io.Normaliser;
import io.cdae.model.CdaeNetwork;
import io.cdae.score.AnomalyScore;
import io.cdae.score.BatchScorer;
import org.nd4j.linalg.api.buffer.DataType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

import java.util.Map;

/** The scoring kernel: one minibatch of 1,024 rows through BatchScorer (normalise, reconstruct, contractive score). */
public class ScoringBenchmark extends Nd4jBenchmark {
    public static final int ROWS = 1024;
    @Param({"64", "256"})
    public int hidden;

    private BatchScorer scorer;
    private float[][] rows;

    @Setup(Level.Trial)
    public void setUp() {
        CdaeConfig config = BenchData.config(hidden, 128);
        CdaeModel model = CdaeModel.of(CdaeNetwork.create(config, DataType.FLOAT), config, Normaliser.identity(784),
                Map.of());
        scorer = new BatchScorer(model, AnomalyScore.RECONSTRUCTION, 1.0);
        rows = BenchData.rows(ROWS, 11).toFloatMatrix();
    }

    @Benchmark
    public Object score() {
        return scorer.score(rows, 0, false);
    }
}
