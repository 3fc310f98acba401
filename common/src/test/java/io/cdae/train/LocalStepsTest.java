package io.cdae.train;

import io.cdae.backend.HostArrays;
import io.cdae.backend.Nd4jThreads;
import io.cdae.config.Activation;
import io.cdae.config.CdaeConfig;
import io.cdae.config.ContractiveEstimator;
import io.cdae.config.CorruptionType;
import io.cdae.config.OptimiserType;
import io.cdae.config.OutputActivation;
import io.cdae.config.ReconstructionLoss;
import io.cdae.model.CdaeNetwork;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused step against DL4J's {@code fit}: the same minibatches, noise and optimiser leave the same parameters,
 * optimiser state, iteration count and losses, to float rounding, for every configuration the fused kernel runs;
 * the others still train through DL4J.
 */
class LocalStepsTest {
    /** Largest difference allowed, relative to the largest magnitude of the compared vector. */
    private static final double TOLERANCE = 1e-5;
    private static final int WIDTH = 23;
    private static final int ROWS = 30;

    static Stream<Arguments> configurations() {
        List<Arguments> cases = new ArrayList<>();
        for (boolean tied : new boolean[] {true, false}) {
            for (OutputActivation out : OutputActivation.values()) {
                for (ReconstructionLoss loss : ReconstructionLoss.values()) {
                    if (loss == ReconstructionLoss.BCE && out == OutputActivation.LINEAR) {
                        continue;
                    }
                    for (OptimiserType opt : OptimiserType.values()) {
                        cases.add(Arguments.of(Activation.SIGMOID, tied, out, loss, opt, 0.9, 0.3));
                    }
                    cases.add(Arguments.of(Activation.SIGMOID, tied, out, loss, OptimiserType.SGD, 0.0, 0.3));
                }
            }
        }
        for (Activation act : List.of(Activation.TANH, Activation.RELU, Activation.LINEAR)) {
            cases.add(Arguments.of(act, true, OutputActivation.LINEAR, ReconstructionLoss.MSE, OptimiserType.ADAM, 0.9, 0.3));
        }
        cases.add(Arguments.of(Activation.SIGMOID, true, OutputActivation.SIGMOID, ReconstructionLoss.MSE,
                OptimiserType.ADAM, 0.9, 0.0));
        return cases.stream();
    }

    static CdaeConfig config(List<Integer> widths, Activation act, boolean tied, OutputActivation out,
                             ReconstructionLoss loss, OptimiserType opt, double momentum, double lambda,
                             ContractiveEstimator estimator) {
        return new CdaeConfig(WIDTH, widths, act, tied, out, loss, lambda, estimator, 4, CorruptionType.MASKING, 0.2,
                opt, 0.01, momentum, 8, 1, 5L);
    }

    static float[] rows() {
        SplittableRandom r = new SplittableRandom(17);
        float[] v = new float[ROWS * WIDTH];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble();
        }
        return v;
    }

    @ParameterizedTest(name = "{0} tied={1} {2}/{3} {4} momentum={5} lambda={6}")
    @MethodSource("configurations")
    void fusedStepsLeaveWhatDl4jsFitLeaves(Activation act, boolean tied, OutputActivation out, ReconstructionLoss loss,
                                           OptimiserType opt, double momentum, double lambda) {
        CdaeConfig config = config(List.of(9), act, tied, out, loss, opt, momentum, lambda, ContractiveEstimator.EXACT);
        LocalSteps fused = new LocalSteps(config);
        LocalSteps dl4j = LocalSteps.throughDl4j(config);
        assertTrue(fused.fused(DataType.FLOAT));
        assertFalse(dl4j.fused(DataType.FLOAT));
        MultiLayerNetwork a = CdaeNetwork.create(config, DataType.FLOAT);
        MultiLayerNetwork b = CdaeNetwork.create(config, DataType.FLOAT);
        float[] block = rows();
        LossTally fusedTally = new LossTally();
        LossTally dl4jTally = new LossTally();
        // two runs, as two averaging rounds: 30 rows in batches of 8 (the last has 6), epoch 1 of partition 2
        for (int[] range : new int[][] {{0, 2}, {2, 4}}) {
            fused.run(a, block, ROWS, WIDTH, DataType.FLOAT, 1, 2, range[0], range[1], fusedTally);
            dl4j.run(b, block, ROWS, WIDTH, DataType.FLOAT, 1, 2, range[0], range[1], dl4jTally);
        }

        assertEquals(4, a.getIterationCount());
        assertEquals(b.getIterationCount(), a.getIterationCount());
        assertClose("parameters", b.params(), a.params());
        INDArray stateA = a.getUpdater().getStateViewArray();
        INDArray stateB = b.getUpdater().getStateViewArray();
        if (stateB == null) {
            assertNull(stateA);
        } else {
            long half = opt == OptimiserType.ADAM ? stateB.length() / 2 : stateB.length();
            assertClose("first moment / velocity", stateB.reshape(-1).get(interval(0, half)),
                    stateA.reshape(-1).get(interval(0, half)));
            if (opt == OptimiserType.ADAM) {
                assertClose("second moment", stateB.reshape(-1).get(interval(half, stateB.length())),
                        stateA.reshape(-1).get(interval(half, stateB.length())));
            }
        }
        assertEquals(dl4jTally.samples(), fusedTally.samples());
        assertEquals(dl4jTally.meanReconstruction(), fusedTally.meanReconstruction(),
                TOLERANCE * dl4jTally.meanReconstruction());
        assertEquals(dl4jTally.meanContractive(), fusedTally.meanContractive(), TOLERANCE * dl4jTally.meanContractive());
    }

    private static org.nd4j.linalg.indexing.INDArrayIndex interval(long from, long to) {
        return org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to);
    }

    private static void assertClose(String what, INDArray expected, INDArray actual) {
        double[] e = HostArrays.toDoubles(expected);
        double[] f = HostArrays.toDoubles(actual);
        assertEquals(e.length, f.length, what + " length");
        double largest = 0;
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            largest = Math.max(largest, Math.abs(e[i]));
            worst = Math.max(worst, Math.abs(e[i] - f[i]));
        }
        assertTrue(largest > 0, what + " are all zero: the check would be vacuous");
        assertTrue(worst <= TOLERANCE * largest, what + ": largest difference " + worst + ", largest magnitude " + largest);
    }

    @Test
    void aFusedStepSplitOverTwoThreadsLeavesWhatDl4jsFitLeaves() {
        // 64 rows per minibatch: the session splits each step over two threads, BLAS single-threaded under each
        int before = Nd4jThreads.threads();
        int blasBefore = Nd4jThreads.blasThreads();
        Nd4jThreads.set(2);
        try {
            CdaeConfig config = new CdaeConfig(WIDTH, List.of(9), Activation.SIGMOID, true, OutputActivation.SIGMOID,
                    ReconstructionLoss.MSE, 0.3, ContractiveEstimator.EXACT, 4, CorruptionType.MASKING, 0.2,
                    OptimiserType.ADAM, 0.01, 0.9, 64, 1, 5L);
            int rows = 150;
            float[] block = new float[rows * WIDTH];
            SplittableRandom r = new SplittableRandom(23);
            for (int i = 0; i < block.length; i++) {
                block[i] = (float) r.nextDouble();
            }
            MultiLayerNetwork a = CdaeNetwork.create(config, DataType.FLOAT);
            MultiLayerNetwork b = CdaeNetwork.create(config, DataType.FLOAT);
            int blasTwo = Nd4jThreads.blasThreads();
            new LocalSteps(config).run(a, block, rows, WIDTH, DataType.FLOAT, 0, 0, 0, 3, new LossTally());
            LocalSteps.throughDl4j(config).run(b, block, rows, WIDTH, DataType.FLOAT, 0, 0, 0, 3, new LossTally());
            assertEquals(blasTwo, Nd4jThreads.blasThreads(), "BLAS threads restored after the session");
            assertEquals(3, a.getIterationCount());
            assertClose("parameters", b.params(), a.params());
            assertClose("updater state", b.getUpdater().getStateViewArray(), a.getUpdater().getStateViewArray());
        } finally {
            Nd4jThreads.set(before);
            Nd4j.factory().blas().setMaxThreads(blasBefore);
        }
    }

    @Test
    void unsupportedConfigurationsStillTrainThroughDl4j() {
        CdaeConfig deep = config(List.of(9, 4), Activation.SIGMOID, true, OutputActivation.LINEAR, ReconstructionLoss.MSE,
                OptimiserType.ADAM, 0.9, 0.3, ContractiveEstimator.EXACT);
        CdaeConfig projected = config(List.of(9), Activation.SIGMOID, true, OutputActivation.LINEAR,
                ReconstructionLoss.MSE, OptimiserType.ADAM, 0.9, 0.3, ContractiveEstimator.RANDOM_PROJECTION);
        CdaeConfig common = config(List.of(9), Activation.SIGMOID, true, OutputActivation.LINEAR,
                ReconstructionLoss.MSE, OptimiserType.ADAM, 0.9, 0.3, ContractiveEstimator.EXACT);
        assertFalse(new LocalSteps(deep).fused(DataType.FLOAT));
        assertFalse(new LocalSteps(projected).fused(DataType.FLOAT));
        assertFalse(new LocalSteps(common).fused(DataType.DOUBLE));
        assertTrue(new LocalSteps(common).fused(DataType.FLOAT));

        for (CdaeConfig config : List.of(deep, projected)) {
            MultiLayerNetwork net = CdaeNetwork.create(config, DataType.FLOAT);
            INDArray before = net.params().dup();
            new LocalSteps(config).run(net, rows(), ROWS, WIDTH, DataType.FLOAT, 0, 0, 0, 2, new LossTally());
            // DL4J's fit ran the layer, which records the loss of its last step; the fused step never does
            assertNotNull(CdaeNetwork.layer(net).lastLoss());
            assertEquals(2, net.getIterationCount());
            assertFalse(before.equals(net.params()));
        }
        MultiLayerNetwork net = CdaeNetwork.create(common, DataType.DOUBLE);
        new LocalSteps(common).run(net, Nd4j.rand(DataType.DOUBLE, ROWS, WIDTH), 0, 0, 0, 2, new LossTally());
        assertNotNull(CdaeNetwork.layer(net).lastLoss());
        MultiLayerNetwork fusedNet = CdaeNetwork.create(common, DataType.FLOAT);
        new LocalSteps(common).run(fusedNet, rows(), ROWS, WIDTH, DataType.FLOAT, 0, 0, 0, 2, new LossTally());
        assertNull(CdaeNetwork.layer(fusedNet).lastLoss());
        assertEquals(2, fusedNet.getIterationCount());
    }
}
