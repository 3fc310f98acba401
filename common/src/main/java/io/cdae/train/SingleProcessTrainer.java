package io.cdae.train;

import io.cdae.config.CdaeConfig;
import io.cdae.model.CdaeNetwork;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The reference trainer: one process, one partition (index 0), the configured epochs, minibatches and
 * optimiser, all seeded from the config. Distributed training is checked against it.
 */
public final class SingleProcessTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(SingleProcessTrainer.class);

    /** The trained network and one {@link EpochStats} per epoch. */
    public record Result(MultiLayerNetwork network, List<EpochStats> epochs) {
    }

    private final CdaeConfig config;
    private final DataType dataType;

    public SingleProcessTrainer(CdaeConfig config, DataType dataType) {
        this.config = config;
        this.dataType = dataType;
    }

    /** Trains a new network on {@code rows} ([n, inputWidth], already normalised). */
    public Result train(INDArray rows) {
        if (rows.rank() != 2 || rows.size(1) != config.inputWidth() || rows.size(0) == 0) {
            throw new IllegalArgumentException("expected a non-empty [rows, " + config.inputWidth()
                    + "] matrix, found shape " + java.util.Arrays.toString(rows.shape()));
        }
        MultiLayerNetwork net = CdaeNetwork.create(config, dataType);
        INDArray data = rows.castTo(dataType);
        // float rows (the default) as one row-major block, as a Spark partition holds them: each minibatch is
        // then one bulk copy instead of ND4J's row-by-row getRows (the same values in the same order)
        float[] block = dataType == DataType.FLOAT ? io.cdae.backend.HostArrays.toFloats(data) : null;
        int n = (int) data.size(0);
        int width = (int) data.size(1);
        LocalSteps steps = new LocalSteps(config);
        List<EpochStats> history = new ArrayList<>();
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            long start = System.nanoTime();
            LossTally tally = new LossTally();
            if (block != null) {
                steps.run(net, block, n, width, dataType, epoch, 0, 0, Integer.MAX_VALUE, tally);
            } else {
                steps.run(net, data, epoch, 0, 0, Integer.MAX_VALUE, tally);
            }
            net.incrementEpochCount();
            EpochStats stats = EpochStats.of(epoch, tally, config.contractiveWeight(), (System.nanoTime() - start) / 1e9);
            history.add(stats);
            LOG.info("epoch {}: reconstruction {} contractive {} ({} samples, {} samples/s)", epoch,
                    stats.reconstruction(), stats.contractive(), stats.samples(), Math.round(stats.samplesPerSecond()));
        }
        return new Result(net, history);
    }
}
