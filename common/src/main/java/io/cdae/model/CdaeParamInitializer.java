package io.cdae.model;

import io.cdae.config.CdaeConfig;
import io.cdae.random.SeedSequence;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Parameter views and initial values of a {@link CdaeLayer}: the layout of {@link ParameterLayout}, weights
 * drawn by {@link WeightInit} from the config's seed (not from ND4J's RNG, so every backend starts from the
 * same weights), biases zero.
 */
public final class CdaeParamInitializer implements ParamInitializer {
    public static final CdaeParamInitializer INSTANCE = new CdaeParamInitializer();

    private CdaeParamInitializer() {
    }

    private static CdaeConfig config(Layer layer) {
        return ((CdaeLayer) layer).cdaeConfig();
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        return new ParameterLayout(config(layer)).length();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        List<String> keys = new ArrayList<>();
        new ParameterLayout(config(layer)).blocks().forEach(b -> keys.add(b.key()));
        return keys;
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return keys(layer, false);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return keys(layer, true);
    }

    private static List<String> keys(Layer layer, boolean bias) {
        List<String> keys = new ArrayList<>();
        new ParameterLayout(config(layer)).blocks().stream().filter(b -> b.bias() == bias)
                .forEach(b -> keys.add(b.key()));
        return Collections.unmodifiableList(keys);
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return key.startsWith("eW") || key.startsWith("dW");
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return key.startsWith("eb") || key.startsWith("db");
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        CdaeConfig config = config(conf.getLayer());
        CdaeParameters params = CdaeParameters.view(config, paramsView);
        if (initializeParams) {
            WeightInit.initialise(params, SeedSequence.derive(config.seed(), SeedSequence.INIT));
        }
        return params.views();
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return CdaeParameters.view(config(conf.getLayer()), gradientView).views();
    }
}
