package io.cdae.train;

import io.cdae.config.CdaeConfig;
import io.cdae.corruption.Corruption;
import io.cdae.model.CdaeNetwork;
import io.cdae.model.LossParts;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Runs optimisation steps on the rows of one partition: for each minibatch of the partition's
 * {@link MinibatchPlan}, corrupt it (seeded by epoch, partition and batch), take one step of the network's
 * optimiser on (x~, x), and accumulate the loss parts seen before each step. The single-process trainer and
 * every Spark executor run exactly this code, which is what makes their results comparable.
 */
public final class LocalSteps {
    private final CdaeConfig config;
    private final Corruption corruption;

    public LocalSteps(CdaeConfig config) {
        this.config = config;
        this.corruption = Corruption.of(config);
    }

    /**
     * Runs batches {@code [fromBatch, toBatch)} of the plan for ({@code epoch}, {@code partition}) over
     * {@code rows} ([n, d], already normalised) and adds their losses to {@code tally}.
     */
    public void run(MultiLayerNetwork net, INDArray rows, int epoch, int partition, int fromBatch, int toBatch,
                    LossTally tally) {
        run(net, (int) rows.size(0), rows::getRows, epoch, partition, fromBatch, toBatch, tally);
    }

    /**
     * The same over rows held as one row-major float block ({@code rows x width}): each minibatch is gathered
     * straight from the block, so the partition is never copied whole into ND4J.
     */
    public void run(MultiLayerNetwork net, float[] block, int rows, int width, DataType dataType, int epoch,
                    int partition, int fromBatch, int toBatch, LossTally tally) {
        run(net, rows, idx -> {
            float[] batch = new float[idx.length * width];
            for (int i = 0; i < idx.length; i++) {
                System.arraycopy(block, idx[i] * width, batch, i * width, width);
            }
            INDArray m = Nd4j.create(batch, new long[] {idx.length, width}, 'c');
            return dataType == DataType.FLOAT ? m : m.castTo(dataType);
        }, epoch, partition, fromBatch, toBatch, tally);
    }

    private void run(MultiLayerNetwork net, int rows, java.util.function.Function<int[], INDArray> batchOf, int epoch,
                     int partition, int fromBatch, int toBatch, LossTally tally) {
        MinibatchPlan plan = new MinibatchPlan(rows, config.batchSize(), config.seed(), epoch, partition);
        int end = Math.min(toBatch, plan.batches());
        for (int b = fromBatch; b < end; b++) {
            INDArray clean = batchOf.apply(plan.batch(b));
            INDArray corrupted = corruption.apply(clean, config.seed(), epoch, partition, b);
            net.fit(new DataSet(corrupted, clean));
            LossParts loss = CdaeNetwork.layer(net).lastLoss();
            tally.add(loss, clean.size(0));
        }
    }

    /** Number of minibatches a partition of {@code rows} rows has per epoch. */
    public int batchesFor(long rows) {
        return (int) ((rows + config.batchSize() - 1) / config.batchSize());
    }
}
