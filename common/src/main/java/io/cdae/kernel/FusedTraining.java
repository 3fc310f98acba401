package io.cdae.kernel;

import io.cdae.backend.HostArrays;
import io.cdae.backend.Nd4jThreads;
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
 *
 * <p>Threads: the session runs on as many threads as ND4J is set to ({@link Nd4jThreads}: one per Spark task by
 * default, OMP_NUM_THREADS when set), but on at most one per {@value #ROWS_PER_THREAD} rows of a minibatch; with
 * more than one, the kernel splits each step between them and BLAS runs single-threaded under each
 * ({@link Nd4jThreads#singleThreadedBlas()}) until the session closes.
 */
public final class FusedTraining implements AutoCloseable {
    private static final ThreadLocal<Workspace> WORKSPACES = new ThreadLocal<>();
    /** Fewest minibatch rows per thread: below this a thread's share of the products is too small to pay. */
    static final int ROWS_PER_THREAD = 32;

    private final MultiLayerNetwork net;
    private final Workspace ws;
    private final HeapUpdater updater;
    private final INDArray stateView;
    private final int netEpoch;
    private final Nd4jThreads.BlasScope blasScope;
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

        Workspace(CdaeConfig config, int capacity, int threads) {
            kernel = new OneLayerKernel(config, capacity, threads);
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
        this.blasScope = ws.kernel.threads() > 1 ? Nd4jThreads.singleThreadedBlas() : null;
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
        int threads = Math.max(1, Math.min(Nd4jThreads.threads(), Math.max(capacity, config.batchSize()) / ROWS_PER_THREAD));
        Workspace ws = workspace(config, capacity, threads);
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

    private static Workspace workspace(CdaeConfig config, int capacity, int threads) {
        Workspace ws = WORKSPACES.get();
        if (ws == null || ws.inUse || !ws.kernel.config().equals(config) || ws.kernel.capacity() < capacity
                || ws.kernel.threads() != threads) {
            ws = new Workspace(config, Math.max(capacity, config.batchSize()), threads);
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
        int at = iteration;
        ws.kernel.forEachShare(ws.params.length,
                (from, to) -> updater.apply(ws.params, ws.gradient, ws.state, at, netEpoch, from, to));
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
            if (blasScope != null) {
                blasScope.close();
            }
        }
    }
}
