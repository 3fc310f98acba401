package io.cdae.bench;

import io.cdae.backend.Nd4jThreads;
import io.cdae.config.CdaeConfig;
import io.cdae.io.CdaeModel;
import io.cdae.io.Normaliser;
import io.cdae.model.CdaeNetwork;
import io.cdae.score.AnomalyScore;
import io.cdae.score.BatchScorer;
import org.nd4j.linalg.api.buffer.DataType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The scoring kernel: one minibatch of 1,024 rows through BatchScorer (normalise, reconstruct, contractive score). */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class ScoringBenchmark {
    /** ND4J threads (native ops and BLAS); the PyTorch peer runs at the same counts. */
    @Param({"1", "2"})
    public int threads;
    public static final int ROWS = 1024;
    @Param({"64", "256"})
    public int hidden;

    private BatchScorer scorer;
    private float[][] rows;

    @Setup(Level.Trial)
    public void setUp() {
        Nd4jThreads.set(threads);
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
