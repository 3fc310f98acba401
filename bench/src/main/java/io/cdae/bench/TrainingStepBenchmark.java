package io.cdae.bench;

import io.cdae.config.CdaeConfig;
import io.cdae.model.CdaeNetwork;
import io.cdae.train.LocalSteps;
import io.cdae.train.LossTally;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Training steps as the trainers run them (LocalSteps.run): gathering each minibatch from the partition's rows,
 * masking corruption, forward pass, contractive term, backward pass and Adam update. One invocation is a run of
 * {@value #STEPS} minibatches (a Spark averaging round at the default averaging-frequency); the score is per step
 * (steps per second; samples/s = batch x score). {@code path} = fused: the fused kernel the trainers use for this
 * model; dl4j: the same steps through DL4J's fit, measured in the same run for comparison.
 */
public class TrainingStepBenchmark extends Nd4jBenchmark {
    /** Minibatches per invocation. */
    static final int STEPS = 20;

    @Param({"64", "256"})
    public int hidden;
    @Param({"128", "512"})
    public int batch;
    @Param({"fused", "dl4j"})
    public String path;

    private MultiLayerNetwork net;
    private LocalSteps steps;
    private float[] rows;
    private int epoch;

    @Setup(Level.Trial)
    public void setUp() {
        CdaeConfig config = BenchData.config(hidden, batch);
        net = CdaeNetwork.create(config, DataType.FLOAT);
        steps = path.equals("fused") ? new LocalSteps(config) : LocalSteps.throughDl4j(config);
        rows = BenchData.block(batch * STEPS, 7);
    }

    @Benchmark
    @OperationsPerInvocation(STEPS)
    public double steps() {
        LossTally tally = new LossTally();
        steps.run(net, rows, batch * STEPS, BenchData.WIDTH, DataType.FLOAT, epoch++, 0, 0, STEPS, tally);
        return tally.meanReconstruction();
    }
}
