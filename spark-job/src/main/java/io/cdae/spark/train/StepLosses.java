package io.cdae.spark.train;

import io.cdae.model.CdaeNetwork;
import io.cdae.train.LossTally;
import org.apache.spark.TaskContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;

import java.io.Serializable;
import java.util.Map;

/**
 * A DL4J training listener that DL4J's workers run after every step: it adds the loss parts the CDAE layer computed
 * for the step (before the update, as the default engine counts them) and the minibatch's rows to
 * {@link PartitionLosses}, under the partition of the running Spark task.
 */
final class StepLosses extends BaseTrainingListener implements Serializable {
    private static final long serialVersionUID = 1L;
    private final PartitionLosses losses;

    StepLosses(PartitionLosses losses) {
        this.losses = losses;
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        MultiLayerNetwork net = (MultiLayerNetwork) model;
        LossTally step = new LossTally();
        step.add(CdaeNetwork.layer(net).lastLoss(), net.batchSize());
        TaskContext task = TaskContext.get();
        losses.add(Map.of(task == null ? 0 : task.partitionId(), step));
    }
}
