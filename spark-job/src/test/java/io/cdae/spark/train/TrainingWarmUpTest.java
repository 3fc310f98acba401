package io.cdae.spark.train;

import io.cdae.spark.SparkTestSession;
import io.cdae.spark.config.ConfigSources;
import io.cdae.spark.config.JobConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The warm-up: what it runs where, and that its thread ends. */
class TrainingWarmUpTest {
    private static JobConfig job(String... settings) {
        return ConfigSources.load(null, List.of(settings));
    }

    @Test
    void runsTheJobsTrainingStepOnlyWhereTheExecutorsAreThisJvm() {
        // the shipped model and a deep, tied, double-precision one with another optimiser: each step's code paths
        for (JobConfig job : List.of(job(), job("encoder-widths=32,8", "tied-weights=true", "data-type=double",
                "optimiser=sgd", "corruption=gaussian", "batch-size=16"))) {
            int batches = TrainingWarmUp.run(job, true, 1);
            assertTrue(batches >= TrainingWarmUp.STEPS, "minibatches run: " + batches);
            assertEquals(0, TrainingWarmUp.run(job, false, 1), "on a cluster only the driver's ND4J is loaded");
        }
    }

    @Test
    void startsADaemonThreadThatEnds() throws InterruptedException {
        Thread t = TrainingWarmUp.start(job(), SparkTestSession.get("local[2]").sparkContext());
        assertTrue(t.isDaemon());
        assertEquals("cdae-warm-up", t.getName());
        t.join(120_000);
        assertFalse(t.isAlive(), "the warm-up did not end within two minutes");
    }
}
