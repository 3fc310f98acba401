package io.cdae.spark.train;

import io.cdae.backend.Nd4jThreads;
import org.apache.spark.TaskContext;

/**
 * Fits ND4J on an executor to what Spark gave the running task: its GPU, if any ({@link GpuAffinity}), and
 * its CPU cores ({@code spark.task.cpus}, one by default) as ND4J's thread count ({@link Nd4jThreads}).
 * Every task that computes with ND4J calls this first.
 */
public final class TaskResources {
    private TaskResources() {
    }

    public static void apply() {
        TaskContext task = TaskContext.get();
        if (task == null) {
            return;
        }
        GpuAffinity.bind(task);
        Nd4jThreads.limitTo(task.cpus());
    }
}
