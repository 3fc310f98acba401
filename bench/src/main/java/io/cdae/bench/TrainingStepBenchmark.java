package io.cdae.bench;

import io.cdae.backend.Nd4jThreads;
import io.cdae.config.CdaeConfig;
import io.cdae.corruption.Corruption;
import io.cdae.model.CdaeNetwork;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
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

import java.util.concurrent.TimeUnit;

/**
 * One full training step as the trainers run it: masking corruption of the minibatch, forward pass,
 * contractive term, backward pass and Adam update (LocalSteps' inner loop). Score = steps per second;
 * samples/s = batch x score.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class TrainingStepBenchmark {
    /** ND4J threads (native ops and BLAS); the PyTorch peer runs at the same counts. */
    @Param({"1", "2"})
    public int threads;
    @Param({"64", "256"})
    public int hidden;
    @Param({"128", "512"})
    public int batch;

    private MultiLayerNetwork net;
    private Corruption corruption;
    private INDArray clean;
    private long step;

    @Setup(Level.Trial)
    public void setUp() {
        Nd4jThreads.set(threads);
        CdaeConfig config = BenchData.config(hidden, batch);
        net = CdaeNetwork.create(config, DataType.FLOAT);
        corruption = Corruption.of(config);
        clean = BenchData.rows(batch, 7);
    }

    @Benchmark
    public double step() {
        INDArray corrupted = corruption.apply(clean, 42L, 0, 0, step++);
        net.fit(new DataSet(corrupted, clean));
        return net.score();
    }
}
