package io.cdae.train;

import io.cdae.backend.Scratch;
import io.cdae.config.CdaeConfig;
import io.cdae.backend.HostArrays;
import io.cdae.corruption.Corruption;
import io.cdae.kernel.FusedTraining;
import io.cdae.model.CdaeNetwork;
import io.cdae.model.LossParts;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Runs optimisation steps on the rows of one partition: for each minibatch of the partition's
 * {@link MinibatchPlan}, corrupt it (seeded by epoch, partition and batch), take one step of the network's
 * optimiser on (x~, x), and accumulate the loss parts seen before each step. The single-process trainer and
 * every Spark executor run exactly this code, which is what makes their results comparable.
 *
 * <p>Networks that {@link FusedTraining#supports} (one layer, exact contractive term, float on the CPU: the
 * common case) train through the fused kernel, which keeps parameters, optimiser state and minibatches in Java
 * arrays for a whole run and writes them back at its end; the result is DL4J's step to float rounding, 1.4-2.3 x
 * faster (docs/BENCHMARKS.md). Other networks go through DL4J's {@code fit}: the clean and the corrupted
 * minibatch are written into two arrays kept per batch size and reused by every step; the gathering and the
 * corruption work in a per-thread workspace, so a step allocates no ND4J memory outside workspaces (allocating a
 * fresh [128 x 784] array takes 0.22 ms, about nine element-wise ops on it). One instance per thread.
 */
public final class LocalSteps {
    private final CdaeConfig config;
    private final Corruption corruption;
    /** Reused {clean, corrupted} minibatch arrays by row count (the last batch of a partition is smaller). */
    private final java.util.Map<Long, INDArray[]> buffers = new java.util.HashMap<>();
    private final boolean fusedAllowed;

    /** Steps through the fused kernel where it applies, DL4J's {@code fit} otherwise. */
    public LocalSteps(CdaeConfig config) {
        this(config, true);
    }

    private LocalSteps(CdaeConfig config, boolean fusedAllowed) {
        this.config = config;
        this.corruption = Corruption.of(config);
        this.fusedAllowed = fusedAllowed;
    }

    /** Steps that always go through DL4J's {@code fit}: the reference the fused step is tested and measured against. */
    public static LocalSteps throughDl4j(CdaeConfig config) {
        return new LocalSteps(config, false);
    }

    /** True when networks of this config in {@code dataType} train through the fused kernel here. */
    public boolean fused(DataType dataType) {
        return fusedAllowed && FusedTraining.supports(config, dataType);
    }

    /**
     * Runs batches {@code [fromBatch, toBatch)} of the plan for ({@code epoch}, {@code partition}) over
     * {@code rows} ([n, d], already normalised) and adds their losses to {@code tally}.
     */
    public void run(MultiLayerNetwork net, INDArray rows, int epoch, int partition, int fromBatch, int toBatch,
                    LossTally tally) {
        if (fused(rows.dataType())) {
            runFused(net, HostArrays.toFloats(rows), (int) rows.size(0), (int) rows.size(1), epoch, partition, fromBatch,
                    toBatch, tally);
            return;
        }
        run(net, (int) rows.size(0), rows::getRows, epoch, partition, fromBatch, toBatch, tally);
    }

    /**
     * The same over rows held as one row-major float block ({@code rows x width}): each minibatch is gathered
     * straight from the block, so the partition is never copied whole into ND4J.
     */
    public void run(MultiLayerNetwork net, float[] block, int rows, int width, DataType dataType, int epoch,
                    int partition, int fromBatch, int toBatch, LossTally tally) {
        if (fused(dataType)) {
            runFused(net, block, rows, width, epoch, partition, fromBatch, toBatch, tally);
            return;
        }
        run(net, rows, idx -> {
            float[] batch = new float[idx.length * width];
            for (int i = 0; i < idx.length; i++) {
                System.arraycopy(block, idx[i] * width, batch, i * width, width);
            }
            INDArray m = io.cdae.backend.HostArrays.fromFloats(batch, idx.length, width);
            return dataType == DataType.FLOAT ? m : m.castTo(dataType);
        }, epoch, partition, fromBatch, toBatch, tally);
    }

    private void run(MultiLayerNetwork net, int rows, java.util.function.Function<int[], INDArray> batchOf, int epoch,
                     int partition, int fromBatch, int toBatch, LossTally tally) {
        MinibatchPlan plan = new MinibatchPlan(rows, config.batchSize(), config.seed(), epoch, partition);
        int end = Math.min(toBatch, plan.batches());
        for (int b = fromBatch; b < end; b++) {
            int[] idx = plan.batch(b);
            INDArray clean;
            try (MemoryWorkspace ws = Scratch.open(Scratch.BATCH)) {
                INDArray gathered = batchOf.apply(idx);
                clean = buffers(gathered)[0].assign(gathered);
            }
            LossParts loss = step(net, clean, epoch, partition, b);
            tally.add(loss, clean.size(0));
        }
    }

    /** The fused kernel's run: one session over all the run's minibatches, gathered straight from the block. */
    private void runFused(MultiLayerNetwork net, float[] block, int rows, int width, int epoch, int partition,
                          int fromBatch, int toBatch, LossTally tally) {
        MinibatchPlan plan = new MinibatchPlan(rows, config.batchSize(), config.seed(), epoch, partition);
        int end = Math.min(toBatch, plan.batches());
        if (fromBatch >= end) {
            return;
        }
        try (FusedTraining training = FusedTraining.open(net, config.batchSize())) {
            float[] clean = training.cleanBatch();
            for (int b = fromBatch; b < end; b++) {
                int[] idx = plan.batch(b);
                for (int i = 0; i < idx.length; i++) {
                    System.arraycopy(block, idx[i] * width, clean, i * width, width);
                }
                tally.add(training.step(idx.length, corruption, config.seed(), epoch, partition, b), idx.length);
            }
        }
    }

    /**
     * One optimisation step on the clean minibatch {@code clean} ([rows, d], not modified): corrupt it with the
     * noise of ({@code epoch}, {@code partition}, {@code batch}), fit (x~, x); returns the loss parts before the
     * step. Through the fused kernel this copies the network's parameters and state in and out around the step;
     * {@link #run} copies them once per run.
     */
    public LossParts step(MultiLayerNetwork net, INDArray clean, int epoch, int partition, long batch) {
        if (fused(clean.dataType())) {
            int rows = (int) clean.size(0);
            try (FusedTraining training = FusedTraining.open(net, rows)) {
                float[] values = HostArrays.toFloats(clean);
                System.arraycopy(values, 0, training.cleanBatch(), 0, values.length);
                return training.step(rows, corruption, config.seed(), epoch, partition, batch);
            }
        }
        INDArray corrupted;
        try (MemoryWorkspace ws = Scratch.open(Scratch.BATCH)) {
            corrupted = buffers(clean)[1].assign(corruption.apply(clean, config.seed(), epoch, partition, batch));
        }
        net.fit(new DataSet(corrupted, clean));
        return CdaeNetwork.layer(net).lastLoss();
    }

    /** The reused arrays for minibatches shaped like {@code like}, created outside every workspace. */
    private INDArray[] buffers(INDArray like) {
        INDArray[] b = buffers.get(like.size(0));
        if (b == null || b[0].dataType() != like.dataType() || b[0].size(1) != like.size(1)) {
            try (MemoryWorkspace out = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                b = new INDArray[] {Nd4j.create(like.dataType(), like.shape(), 'c'),
                        Nd4j.create(like.dataType(), like.shape(), 'c')};
            }
            buffers.put(like.size(0), b);
        }
        return b;
    }

    /** Number of minibatches a partition of {@code rows} rows has per epoch. */
    public int batchesFor(long rows) {
        return (int) ((rows + config.batchSize() - 1) / config.batchSize());
    }
}
