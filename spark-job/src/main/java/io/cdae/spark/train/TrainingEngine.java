package io.cdae.spark.train;

import io.cdae.io.CdaeModel;
import io.cdae.train.EpochStats;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

import java.util.List;
import java.util.Map;

/**
 * Distributed training of a CDAE on clean, normalised rows (key {@code engine}): {@link ParameterAveragingTrainer}
 * (the default) or {@link Dl4jSparkTrainer}. Both start from a fresh model or a checkpoint, call the listener after
 * every epoch with the model at its end (for the log line and the checkpoint), and return the same outcome.
 */
public interface TrainingEngine {

    /**
     * Called on the driver after every averaging round that ends one or more epochs, with those epochs' stats and
     * the model at the end of the last of them.
     */
    interface EpochListener {
        void onEpochs(List<EpochStats> stats, CdaeModel model);
    }

    /**
     * The outcome of a run: the final model, per-epoch stats, the rows each partition trained on, the rows corrupted
     * inside Spark tasks, the final learning rate, the rounds (or epochs) discarded after divergence, and what the
     * engine adds to the training report.
     */
    record Result(CdaeModel model, List<EpochStats> epochs, Map<Integer, Long> corruptedRowsByPartition,
                  long corruptedRowsInTasks, double learningRate, int discardedRounds, EngineReport report) {
    }

    /**
     * Trains on {@code rows} (clean, normalised) from {@code start}: a fresh model when null, else a checkpoint
     * whose epochs, parameters, optimiser state and step counter training continues from.
     */
    default Result train(JavaSparkContext sc, JavaRDD<float[]> rows, CdaeModel start, EpochListener listener) {
        return train(sc, rows, start, listener, () -> { });
    }

    /**
     * As {@link #train(JavaSparkContext, JavaRDD, CdaeModel, EpochListener)}, calling {@code rowsRead} once
     * {@code rows} have been read for the last time (their partitions' shares sent to the workers' blocks): what
     * {@code rows} were computed from may be released from then on.
     */
    Result train(JavaSparkContext sc, JavaRDD<float[]> rows, CdaeModel start, EpochListener listener, Runnable rowsRead);
}
