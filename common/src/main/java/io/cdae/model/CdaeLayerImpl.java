package io.cdae.model;

import io.cdae.backend.Scratch;
import io.cdae.config.CdaeConfig;
import io.cdae.random.SeedSequence;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

import java.util.List;
import java.util.Map;

/**
 * The DL4J runtime of {@link CdaeLayer}: features are the corrupted batch x~, labels the clean batch x.
 * Loss and gradient come from {@link CdaeObjective}, already averaged over the minibatch, so DL4J's
 * updater is told not to divide by the minibatch size again. Activations are the reconstruction g(f(x)).
 */
public class CdaeLayerImpl extends BaseLayer<CdaeLayer> implements IOutputLayer {
    private INDArray labels;
    private LossParts lastLoss;
    private boolean lossFromBackprop;

    public CdaeLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private CdaeConfig cdae() {
        return layerConf().cdaeConfig();
    }

    private CdaeObjective objective() {
        return new CdaeObjective(cdae());
    }

    private CdaeParameters parameters() {
        return CdaeParameters.view(cdae(), params());
    }

    private long projectionSeed() {
        return SeedSequence.derive(cdae().seed(), SeedSequence.PROJECTION, getEpochCount(), getIterationCount());
    }

    /** The loss parts of the most recent score or gradient computation, or null before the first. */
    public LossParts lastLoss() {
        return lastLoss;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        return objective().reconstruct(parameters(), input.castTo(dataType));
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        requireLabels();
        CdaeParameters grads = CdaeParameters.view(cdae(), gradientsFlattened);
        // the step's intermediates live in a reused workspace; the gradient is written in place into DL4J's
        // flat gradient array and the loss leaves as doubles
        try (MemoryWorkspace ws = Scratch.open(Scratch.TRAINING)) {
            lastLoss = objective().evaluate(parameters(), input.castTo(dataType), labels.castTo(dataType), grads,
                    projectionSeed());
        }
        lossFromBackprop = true;
        Gradient gradient = new DefaultGradient(gradientsFlattened);
        for (Map.Entry<String, INDArray> e : grads.views().entrySet()) {
            gradient.setGradientFor(e.getKey(), e.getValue());
        }
        this.gradient = gradient;
        return new Pair<>(gradient, null);
    }

    @Override
    public double computeScore(double fullNetworkRegScore, boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!lossFromBackprop) {
            assertInputSet(false);
            requireLabels();
            try (MemoryWorkspace ws = Scratch.open(Scratch.TRAINING)) {
                lastLoss = objective().evaluate(parameters(), input.castTo(dataType), labels.castTo(dataType), null,
                        projectionSeed());
            }
        }
        lossFromBackprop = false;
        score = lastLoss.total() + fullNetworkRegScore;
        return score;
    }

    @Override
    public INDArray computeScoreForExamples(double fullNetworkRegScore, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        CdaeObjective.RowTerms terms = objective().rowTerms(parameters(), input.castTo(dataType), projectionSeed());
        return terms.reconstruction().add(terms.contractive().mul(cdae().contractiveWeight()))
                .addi(fullNetworkRegScore).reshape(-1, 1);
    }

    private void requireLabels() {
        if (labels == null) {
            throw new IllegalStateException("the CDAE layer needs the clean batch as labels (features = corrupted batch)");
        }
    }

    @Override
    public boolean updaterDivideByMinibatch(String paramName) {
        return false;
    }

    @Override
    public boolean needsLabels() {
        return true;
    }

    @Override
    public void setLabels(INDArray labels) {
        this.labels = labels;
    }

    @Override
    public INDArray getLabels() {
        return labels;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void clear() {
        super.clear();
        labels = null;
        lossFromBackprop = false;
    }

    @Override
    public double f1Score(DataSet data) {
        throw notAClassifier();
    }

    @Override
    public double f1Score(INDArray examples, INDArray labels) {
        throw notAClassifier();
    }

    @Override
    public int numLabels() {
        return (int) cdae().inputWidth();
    }

    @Override
    public void fit(DataSetIterator iter) {
        throw notAClassifier();
    }

    @Override
    public int[] predict(INDArray examples) {
        throw notAClassifier();
    }

    @Override
    public List<String> predict(DataSet dataSet) {
        throw notAClassifier();
    }

    @Override
    public void fit(INDArray examples, INDArray labels) {
        throw notAClassifier();
    }

    @Override
    public void fit(DataSet data) {
        throw notAClassifier();
    }

    @Override
    public void fit(INDArray examples, int[] labels) {
        throw notAClassifier();
    }

    private static UnsupportedOperationException notAClassifier() {
        return new UnsupportedOperationException(
                "a CDAE layer is an autoencoder, not a classifier: train it through its MultiLayerNetwork");
    }
}
