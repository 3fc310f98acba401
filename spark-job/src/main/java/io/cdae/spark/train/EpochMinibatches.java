package io.cdae.spark.train;

import io.cdae.backend.HostArrays;
import io.cdae.config.CdaeConfig;
import io.cdae.corruption.Corruption;
import io.cdae.train.MinibatchPlan;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.util.LongAccumulator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * One epoch of a partition as DL4J minibatches, made on the executor that holds the partition: for minibatch b of
 * the partition's {@link MinibatchPlan} (seeded by epoch and partition, as the default engine's), the clean rows and
 * their corruption keyed by (seed, epoch, partition, b), as a {@link DataSet} of (features = corrupted, labels =
 * clean). Lazy: each minibatch is made when DL4J's training master first asks for it, and a recomputed partition
 * (a lost cached block, a retried task) gets bit-identical minibatches.
 */
final class EpochMinibatches implements Function2<Integer, Iterator<PartitionBlock>, Iterator<DataSet>> {
    private static final long serialVersionUID = 1L;
    private final CdaeConfig config;
    private final DataType dataType;
    private final int epoch;
    private final LongAccumulator corruptedRows;

    EpochMinibatches(CdaeConfig config, DataType dataType, int epoch, LongAccumulator corruptedRows) {
        this.config = config;
        this.dataType = dataType;
        this.epoch = epoch;
        this.corruptedRows = corruptedRows;
    }

    @Override
    public Iterator<DataSet> call(Integer partition, Iterator<PartitionBlock> blocks) {
        if (!blocks.hasNext()) {
            return Collections.emptyIterator();
        }
        TaskResources.apply();
        PartitionBlock block = blocks.next();
        MinibatchPlan plan = new MinibatchPlan(block.rows(), config.batchSize(), config.seed(), epoch, partition);
        Corruption corruption = Corruption.of(config);
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < plan.batches();
            }

            @Override
            public DataSet next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("partition " + partition + " has " + plan.batches() + " minibatches");
                }
                int b = next++;
                INDArray clean = gather(block, plan.batch(b));
                INDArray corrupted = corruption.apply(clean, config.seed(), epoch, partition, b);
                corruptedRows.add(clean.size(0));
                return new DataSet(corrupted, clean);
            }
        };
    }

    /** Rows {@code idx} of the block as a new [idx.length, width] array of the network's type. */
    private INDArray gather(PartitionBlock block, int[] idx) {
        int width = block.width();
        float[] values = new float[idx.length * width];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(block.values(), idx[i] * width, values, i * width, width);
        }
        INDArray m = HostArrays.fromFloats(values, idx.length, width);
        return dataType == DataType.FLOAT ? m : m.castTo(dataType);
    }
}
