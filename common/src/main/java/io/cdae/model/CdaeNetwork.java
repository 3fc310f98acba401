package io.cdae.model;

import io.cdae.config.CdaeConfig;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Builds the DL4J {@link MultiLayerNetwork} that holds a CDAE: one {@link CdaeLayer} with the configured
 * optimiser. DL4J owns the flat parameter vector, the updater state and the optimisation step; the layer
 * owns the math.
 */
public final class CdaeNetwork {
    private CdaeNetwork() {
    }

    /** The network configuration for {@code config}, in the given floating-point type. */
    public static MultiLayerConfiguration configuration(CdaeConfig config, DataType dataType) {
        return new NeuralNetConfiguration.Builder()
                .seed(config.seed())
                .dataType(dataType)
                .updater(updater(config))
                .trainingWorkspaceMode(WorkspaceMode.NONE)
                .inferenceWorkspaceMode(WorkspaceMode.NONE)
                .list()
                .layer(new CdaeLayer.Builder(config).build())
                .build();
    }

    /** A new, initialised network (weights from the config's seed). */
    public static MultiLayerNetwork create(CdaeConfig config, DataType dataType) {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(config, dataType));
        net.init();
        return net;
    }

    /** The DL4J updater of the configured optimiser. */
    public static IUpdater updater(CdaeConfig config) {
        return switch (config.optimiser()) {
            case ADAM -> new Adam(config.learningRate());
            case SGD -> config.momentum() > 0 ? new Nesterovs(config.learningRate(), config.momentum())
                    : new Sgd(config.learningRate());
        };
    }

    /** The CDAE layer of a network built here. */
    public static CdaeLayerImpl layer(MultiLayerNetwork net) {
        return (CdaeLayerImpl) net.getLayer(0);
    }

    /** Named views of the network's own parameters. */
    public static CdaeParameters parameters(MultiLayerNetwork net) {
        return CdaeParameters.view(layer(net).layerConf().cdaeConfig(), net.params());
    }
}
