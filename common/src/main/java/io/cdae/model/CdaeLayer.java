package io.cdae.model;

import io.cdae.config.CdaeConfig;
import io.cdae.config.CdaeConfigJson;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;
import java.util.Map;

/**
 * DL4J configuration of the whole CDAE (encoder, decoder and contractive loss) as one output layer, so the
 * model lives in a {@link org.deeplearning4j.nn.multilayer.MultiLayerNetwork}: DL4J's updaters, its flat
 * parameter and updater-state vectors and its serialisation all apply. The CDAE config travels as JSON
 * (a bean property, which is how DL4J's Jackson serialises layer configurations to Spark workers).
 */
public class CdaeLayer extends FeedForwardLayer {
    private String cdaeConfigJson;
    private transient CdaeConfig parsed;

    /** For DL4J's JSON deserialisation. */
    public CdaeLayer() {
    }

    private CdaeLayer(Builder builder) {
        super(builder);
        this.cdaeConfigJson = builder.json;
    }

    public String getCdaeConfigJson() {
        return cdaeConfigJson;
    }

    public void setCdaeConfigJson(String cdaeConfigJson) {
        this.cdaeConfigJson = cdaeConfigJson;
        this.parsed = null;
    }

    /** The CDAE configuration this layer was built from. */
    public CdaeConfig cdaeConfig() {
        if (parsed == null) {
            parsed = CdaeConfigJson.fromJson(cdaeConfigJson);
        }
        return parsed;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> listeners, int layerIndex,
                                                       INDArray paramsView, boolean initializeParams,
                                                       DataType networkDataType) {
        CdaeLayerImpl layer = new CdaeLayerImpl(conf, networkDataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(paramsView);
        Map<String, INDArray> table = initializer().init(conf, paramsView, initializeParams);
        layer.setParamTable(table);
        layer.setConf(conf);
        return layer;
    }

    @Override
    public ParamInitializer initializer() {
        return CdaeParamInitializer.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.feedForward(cdaeConfig().inputWidth());
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        long params = new ParameterLayout(cdaeConfig()).length();
        return new LayerMemoryReport.Builder(layerName, CdaeLayer.class, inputType, inputType)
                .standardMemory(params, getIUpdater() == null ? 0 : getIUpdater().stateSize(params))
                .workingMemory(0, 0, 0, inputType.arrayElementsPerExample())
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }

    /** Builds the layer for one CDAE config; nIn and nOut are its input width. */
    public static class Builder extends FeedForwardLayer.Builder<Builder> {
        private final String json;

        public Builder(CdaeConfig config) {
            this.json = CdaeConfigJson.toJson(config);
            nIn(config.inputWidth());
            nOut(config.inputWidth());
        }

        @Override
        @SuppressWarnings("unchecked")
        public CdaeLayer build() {
            return new CdaeLayer(this);
        }
    }
}
