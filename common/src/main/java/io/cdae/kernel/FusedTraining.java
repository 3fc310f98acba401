package io.cdae.kernel;

import io.cdae.backend.HostArrays;
import io.cdae.config.CdaeConfig;
import io.cdae.corruption.Corruption;
import io.cdae.model.CdaeNetwork;
import io.cdae.model.LossParts;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Training steps of a DL4J network through the fused kernel instead of DL4J's {@code fit}: {@link #open} copies
 * the network's flat parameters and updater state into Java arrays, each {@link #step} corrupts the minibatch,
 * evaluates {@link OneLayerKernel} and applies {@link HeapUpdater}, and {@link #close} writes parameters, state
 * and iteration count back. Between open and close the network itself is stale; nothing else may use it.
 *
 * <p>The arrays of a step (kernel, minibatches, gradient, parameters, state) are kept per thread and reused by
 * the next session of the same configuration, as a Spark executor runs one session per averaging round.
 */
public final class FusedTraining implements AutoCloseable {
    private static final ThreadLocal<Workspace> WORKSPACES = new ThreadLocal<>();

    private final MultiLayerNetwork net;
    private final Workspace ws;
    private final HeapUpdater updater;
    private final INDArray stateView;
    private final int netEpoch;
    private int iteration;
    private boolean closed;

    /** Per-thread arrays of one configuration. */
    private static final class Workspace {
        final OneLayerKernel kernel;
        final float[] clean;
        final float[] corrupted;
        final float[] gradient;
        final float[] params;
        float[][] state = new float[0][];
        boolean inUse;

        Workspace(CdaeConfig config, int capacity) {
            kernel = new OneLayerKernel(config, capacity);
            clean = new float[capacity * config.inputWidth()];
            corrupted = new float[clean.length];
            gradient = new float[kernel.parameterCount()];
            params = new float[kernel.parameterCount()];
        }
    }

    private FusedTraining(MultiLayerNetwork net, Workspace ws, HeapUpdater updater, INDArray stateView) {
        this.net = net;
        this.ws = ws;
        this.updater = updater;
        this.stateView = stateView;
        this.netEpoch = net.getEpochCount();
        this.iteration = net.getIterationCount();
    }

    /** True when networks of {@code config} in {@code dataType} train here: float, CPU backend, one layer, exact term. */
    public static boolean supports(CdaeConfig config, DataType dataType) {
        return dataType == DataType.FLOAT && HostArrays.isCpu() && OneLayerKernel.supports(config);
    }

    /**
     * Starts training {@code net} (a {@link CdaeNetwork} of a {@link #supports supported} config) on minibatches of
     * up to {@code capacity} rows.
     */
    public static FusedTraining open(MultiLayerNetwork net, int capacity) {
        CdaeConfig config = CdaeNetwork.layer(net).layerConf().cdaeConfig();
        if (!supports(config, net.params().dataType())) {
            throw new IllegalArgumentException("the fused step does not train this network: data type "
                    + net.params().dataType() + ", encoder-widths " + config.encoderWidths() + ", contractive-estimator "
                    + config.contractiveEstimator().key());
        }
        HeapUpdater updater = HeapUpdater.of(CdaeNetwork.layer(net).layerConf().getIUpdater());
        if (updater == null || ((BaseMultiLayerUpdater<?>) net.getUpdater()).getUpdaterBlocks().size() != 1) {
            throw new IllegalArgumentException("the fused step needs one Adam, Nesterov or SGD updater over all "
                    + "parameters, found " + CdaeNetwork.layer(net).layerConf().getIUpdater());
        }
        Workspace ws = workspace(config, capacity);
        INDArray stateView = net.getUpdater().getStateViewArray();
        long stateSize = (long) updater.stateVectors() * ws.params.length;
        if ((stateView == null ? 0 : stateView.length()) != stateSize) {
            throw new IllegalStateException("expected an updater state of " + stateSize + " values, found "
                    + (stateView == null ? 0 : stateView.length()));
        }
        ws.inUse = true;
        HostArrays.copy(net.params(), ws.params, 0);
        if (ws.state.length != updater.stateVectors()) {
            ws.state = new float[updater.stateVectors()][ws.params.length];
        }
        for (int k = 0; k < ws.state.length; k++) {
            HostArrays.copy(stateView, ws.state[k], (long) k * ws.params.length);
        }
        return new FusedTraining(net, ws, updater, stateView);
    }

    private static Workspace workspace(CdaeConfig config, int capacity) {
        Workspace ws = WORKSPACES.get();
        if (ws == null || ws.inUse || !ws.kernel.config().equals(config) || ws.kernel.capacity() < capacity) {
            ws = new Workspace(config, Math.max(capacity, config.batchSize()));
            if (WORKSPACES.get() == null || !WORKSPACES.get().inUse) {
                WORKSPACES.set(ws);
            }
        }
        return ws;
    }

    /** The array to write the next clean minibatch into: row-major, {@code rows x inputWidth} from index 0. */
    public float[] cleanBatch() {
        return ws.clean;
    }

    /**
     * One optimisation step on the first {@code rows} rows of {@link #cleanBatch()}, corrupted with the noise of
     * ({@code epoch}, {@code partition}, {@code batch}) under {@code masterSeed}; returns the loss before the step.
     * The updater sees the network's own epoch counter, as in DL4J.
     */
    public LossParts step(int rows, Corruption corruption, long masterSeed, int epoch, int partition, long batch) {
        if (closed) {
            throw new IllegalStateException("this fused training session is closed");
        }
        int length = rows * ws.kernel.config().inputWidth();
        System.arraycopy(ws.clean, 0, ws.corrupted, 0, length);
        corruption.applyInPlace(ws.corrupted, length, masterSeed, epoch, partition, batch);
        LossParts loss = ws.kernel.evaluate(ws.params, ws.corrupted, ws.clean, rows, ws.gradient);
        updater.apply(ws.params, ws.gradient, ws.state, iteration, netEpoch);
        iteration++;
        return loss;
    }

    /** Writes parameters, updater state and iteration count back into the network. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            HostArrays.assign(net.params(), ws.params, 0);
            for (int k = 0; k < ws.state.length; k++) {
                HostArrays.assign(stateView, ws.state[k], (long) k * ws.params.length);
            }
            net.setIterationCount(iteration);
        } finally {
            ws.inUse = false;
        }
    }
}
