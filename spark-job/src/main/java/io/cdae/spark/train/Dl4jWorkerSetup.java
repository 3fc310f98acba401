package io.cdae.spark.train;

import org.deeplearning4j.config.DL4JSystemProperties;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.time.SystemClockTimeSource;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.io.IOException;
import java.io.ObjectInputStream;

/**
 * What DL4J's workers need on an executor, as a DL4J training hook:
 * <ul>
 *   <li>the system clock as the time source of DL4J's training statistics, unless
 *       {@code -Dorg.deeplearning4j.spark.time.TimeSource} names one. DL4J's default asks {@code 0.pool.ntp.org}
 *       from the driver and from every executor, ten times over before it gives up, and fails the job where there is
 *       no route to it. Set when the hook is deserialized on the executor, before DL4J's worker creates its timers;
 *       the driver calls {@link #useSystemClockUnlessSet()} itself;</li>
 *   <li>{@link TaskResources} before each minibatch (the task's GPU and {@code spark.task.cpus} ND4J threads; cheap
 *       after the first call, as the thread count is only set when it changes).</li>
 * </ul>
 */
final class Dl4jWorkerSetup implements TrainingHook {
    private static final long serialVersionUID = 1L;

    /** Makes DL4J's statistics read the system clock, unless a time source is set. */
    static void useSystemClockUnlessSet() {
        if (System.getProperty(DL4JSystemProperties.TIMESOURCE_CLASSNAME_PROPERTY) == null) {
            System.setProperty(DL4JSystemProperties.TIMESOURCE_CLASSNAME_PROPERTY, SystemClockTimeSource.class.getName());
        }
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        useSystemClockUnlessSet();
    }

    @Override
    public void preUpdate(DataSet minibatch, Model model) {
        TaskResources.apply();
    }

    @Override
    public void postUpdate(DataSet minibatch, Model model) {
        // nothing after the step
    }

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {
        TaskResources.apply();
    }

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {
        // nothing after the step
    }
}
