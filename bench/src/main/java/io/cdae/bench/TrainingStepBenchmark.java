package io.cdae.bench;

import io.cdae.config.CdaeConfig;
import io.cdae.train.LocalSteps;
import io.cdae.model.CdaeNetwork;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * One full training step as the trainers run it: masking corruption of the minibatch, forward pass,
 * contractive term, backward pass and Adam update (LocalSteps' inner loop). Score = steps per second;
 * samples/s = batch x score.
 */
public class TrainingStepBenchmark extends Nd4jBenchmark {
    @Param({"64", "256"})
    public int hidden;
    @Param({"128", "512"})
    public int batch;

    private MultiLayerNetwork net;
    private LocalSteps steps;
    private INDArray clean;
    private long step;

    @Setup(Level.Trial)
    public void setUp() {
        CdaeConfig config = BenchData.config(hidden, batch);
        net = CdaeNetwork.create(config, DataType.FLOAT);
        steps = new LocalSteps(config);
        clean = BenchData.rows(batch, 7);
    }

    @Benchmark
    public double step() {
        return steps.step(net, clean, 0, 0, step++).total();
    }
}
