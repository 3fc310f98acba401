package io.cdae.spark.train;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Makes ND4J on an executor use the GPU that Spark assigned to the running task
 * ({@code spark.task.resource.gpu.amount}, see submit-scripts/cdae-train-gpu). A no-op without GPU resources,
 * e.g. on the CPU backend or in local mode.
 */
public final class GpuAffinity {
    private GpuAffinity() {
    }

    /** Binds the calling thread's ND4J device to the running task's first assigned GPU, if any. */
    static void bind(TaskContext task) {
        scala.Option<ResourceInformation> gpu = task.resources().get("gpu");
        if (gpu.isDefined() && gpu.get().addresses().length > 0) {
            Nd4j.getAffinityManager().unsafeSetDevice(Integer.parseInt(gpu.get().addresses()[0].trim()));
        }
    }
}
