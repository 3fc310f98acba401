package io.cdae.model;

import io.cdae.config.Activation;
import io.cdae.config.CdaeConfig;
import io.cdae.config.OutputActivation;
import io.cdae.config.ReconstructionLoss;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The CDAE inside a DL4J MultiLayerNetwork: same loss and gradient as the objective, JSON round-trip, steps. */
class CdaeLayerTest {
    private final CdaeConfig config = RandomNets.config(6, List.of(5, 3), Activation.SIGMOID, false,
            OutputActivation.SIGMOID, ReconstructionLoss.BCE, 0.4);
    private final INDArray clean = RandomNets.uniform(new long[] {5, 6}, 3, 0.0, 1.0);
    private final INDArray corrupted = clean.add(RandomNets.uniform(new long[] {5, 6}, 4, -0.2, 0.2));

    @Test
    void networkGradientIsTheObjectiveGradientAndMatchesFiniteDifferencesOfItsScore() {
        MultiLayerNetwork net = CdaeNetwork.create(config, DataType.DOUBLE);
        net.setInput(corrupted);
        net.setLabels(clean);
        net.computeGradientAndScore();
        double[] fromNet = net.gradient().gradient().dup().data().asDouble();

        CdaeParameters p = CdaeNetwork.parameters(net);
        CdaeParameters grad = CdaeParameters.view(config, p.flat().ulike());
        LossParts parts = new CdaeObjective(config).evaluate(p, corrupted, clean, grad, 0L);
        assertArrayEquals(grad.flat().dup().data().asDouble(), fromNet, 1e-12);
        assertEquals(parts.total(), net.score(), 1e-12);

        DataSet ds = new DataSet(corrupted, clean);
        double[] numeric = GradientCheck.numeric(net.params(), () -> net.score(ds, true));
        GradientCheck.assertClose(fromNet, numeric, 1e-6);
    }

    @Test
    void configurationSurvivesDl4jJsonAndAFitStepChangesTheParameters() {
        MultiLayerNetwork net = CdaeNetwork.create(config, DataType.DOUBLE);
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(net.getLayerWiseConfigurations().toJson());
        MultiLayerNetwork copy = new MultiLayerNetwork(back);
        copy.init(net.params().dup(), false);
        assertEquals(config, ((CdaeLayer) back.getConf(0).getLayer()).cdaeConfig());
        assertArrayEquals(net.output(clean).data().asDouble(), copy.output(clean).data().asDouble(), 0.0);

        INDArray before = net.params().dup();
        double scoreBefore = net.score(new DataSet(corrupted, clean));
        for (int i = 0; i < 20; i++) {
            net.fit(new DataSet(corrupted, clean));
        }
        assertNotEquals(before, net.params());
        assertEquals(20, net.getIterationCount());
        double scoreAfter = net.score(new DataSet(corrupted, clean));
        org.junit.jupiter.api.Assertions.assertTrue(scoreAfter < scoreBefore,
                "20 Adam steps did not lower the loss: " + scoreBefore + " -> " + scoreAfter);
    }

    @Test
    void weightInitialisationIsDeterministicFromTheSeed() {
        INDArray a = CdaeNetwork.create(config, DataType.DOUBLE).params();
        INDArray b = CdaeNetwork.create(config, DataType.DOUBLE).params();
        assertEquals(a, b);
        CdaeConfig other = new CdaeConfig(6, List.of(5, 3), Activation.SIGMOID, false, OutputActivation.SIGMOID,
                ReconstructionLoss.BCE, 0.4, config.contractiveEstimator(), 4, config.corruption(), 0.0,
                config.optimiser(), 1e-3, 0.9, 8, 1, 8L);
        assertNotEquals(a, CdaeNetwork.create(other, DataType.DOUBLE).params());
    }
}
