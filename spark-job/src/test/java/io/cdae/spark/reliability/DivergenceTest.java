package io.cdae.spark.reliability;

import io.cdae.config.CdaeConfig;
import io.cdae.spark.SparkTestSession;
import io.cdae.spark.config.ConfigSources;
import io.cdae.spark.train.ParameterAveragingTrainer;
import io.cdae.spark.train.TrainingDivergedException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A diverging round is discarded and retried with half the learning rate, or training stops clearly. */
class DivergenceTest {
    private static CdaeConfig normal() {
        return ConfigSources.load(null, List.of("epochs=2", "batch-size=10", "encoder-widths=3")).model(5);
    }

    /** Linear layers, plain SGD with a huge step: the first step makes the parameters enormous, the next overflows. */
    private static CdaeConfig explosive() {
        return ConfigSources.load(null, List.of("activation=linear", "output-activation=linear", "optimiser=sgd",
                "momentum=0", "learning-rate=1e37", "contractive-weight=0", "corruption=none", "epochs=2",
                "batch-size=10", "encoder-widths=3")).model(5);
    }

    private static JavaRDD<float[]> rows(JavaSparkContext sc) {
        SplittableRandom r = new SplittableRandom(1);
        List<float[]> rows = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            float[] v = new float[5];
            for (int j = 0; j < 5; j++) {
                v[j] = (float) (10 * r.nextDouble());
            }
            rows.add(v);
        }
        return sc.parallelize(rows, 2);
    }

    /** NaN parameters after round 3 of epoch 1 (injected): that round is discarded and retried at half the rate. */
    @Test
    void aDivergedRoundIsDiscardedTheLearningRateHalvedAndTrainingContinues() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkTestSession.get("local[2]").sparkContext());
        System.setProperty("cdae.fault.nan-after-round", "1:3");
        ParameterAveragingTrainer.Result r;
        try {
            r = new ParameterAveragingTrainer(normal(), DataType.FLOAT, 1, 2, StorageLevel.MEMORY_ONLY(), 3)
                    .train(sc, rows(sc), null, (s, m) -> { });
        } finally {
            System.clearProperty("cdae.fault.nan-after-round");
        }
        assertEquals(1, r.discardedRounds());
        assertEquals(normal().learningRate() / 2, r.learningRate(), 0.0);
        assertTrue(r.model().isFinite(), "final model finite");
        assertEquals(2, r.epochs().size());
        assertEquals(60, r.epochs().get(0).samples(), "the discarded round's samples are not counted twice");
        r.epochs().forEach(e -> assertTrue(Double.isFinite(e.total()), "epoch loss " + e.total()));
    }

    @Test
    void trainingStopsWithAClearMessageWhenHalvingDoesNotHelp() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkTestSession.get("local[2]").sparkContext());
        List<String> epochsSeen = new ArrayList<>();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new ParameterAveragingTrainer(explosive(), DataType.FLOAT, 1, 2, StorageLevel.MEMORY_ONLY(), 2)
                        .train(sc, rows(sc), null, (s, m) -> s.forEach(stats -> epochsSeen.add("epoch " + stats.epoch()))));
        assertTrue(e.getMessage().contains("diverged in epoch 1, averaging round 2") && e.getMessage().contains("2 halvings"),
                e.getMessage());
        assertTrue(epochsSeen.isEmpty(), "no epoch (hence no checkpoint) was completed: " + epochsSeen);
    }
}
