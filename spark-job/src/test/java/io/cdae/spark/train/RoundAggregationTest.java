package io.cdae.spark.train;

import io.cdae.config.CdaeConfig;
import io.cdae.spark.SparkTestSession;
import io.cdae.spark.config.ConfigSources;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two ways a round's results are summed: on the driver (few partitions) and through treeAggregate (many). */
class RoundAggregationTest {

    private static JavaRDD<float[]> rows(JavaSparkContext sc, int n) {
        SplittableRandom r = new SplittableRandom(7);
        List<float[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] v = new float[6];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) r.nextDouble();
            }
            rows.add(v);
        }
        return sc.parallelize(rows, 3);
    }

    /** The driver path is taken exactly where Spark's own treeAggregate adds no level: stages counted by Spark. */
    @Test
    void theDriverPathIsTakenExactlyWhereTreeAggregateAddsNoLevel() throws Exception {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkTestSession.get("local[2]").sparkContext());
        AtomicInteger stages = new AtomicInteger();
        SparkListener counter = new SparkListener() {
            @Override
            public void onStageCompleted(SparkListenerStageCompleted e) {
                stages.incrementAndGet();
            }
        };
        sc.sc().addSparkListener(counter);
        try {
            for (int n : new int[] {1, 2, 3, 4, 5, 6, 9, 16}) {
                sc.sc().listenerBus().waitUntilEmpty();
                stages.set(0);
                int sum = sc.parallelize(IntStream.range(0, 4 * n).boxed().toList(), n)
                        .treeAggregate(0, Integer::sum, Integer::sum);
                sc.sc().listenerBus().waitUntilEmpty();
                assertEquals(IntStream.range(0, 4 * n).sum(), sum);
                assertEquals(stages.get() > 1, ParameterAveragingTrainer.treeAggregateAddsALevel(n),
                        n + " partitions: Spark ran " + stages.get() + " stage(s)");
            }
        } finally {
            sc.sc().removeSparkListener(counter);
        }
    }

    /** Six partitions: the tree (Spark's default there) and the driver path give the same model and counts. */
    @Test
    void bothPathsGiveTheSameModel() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkTestSession.get("local[2]").sparkContext());
        CdaeConfig cfg = ConfigSources.load(null, List.of("epochs=2", "batch-size=5", "encoder-widths=3")).model(6);
        ParameterAveragingTrainer.Result tree = new ParameterAveragingTrainer(cfg, DataType.FLOAT, 2, 6,
                StorageLevel.MEMORY_ONLY()).aggregation(ParameterAveragingTrainer.Aggregation.TREE)
                .train(sc, rows(sc, 90), null, (s, m) -> { });
        ParameterAveragingTrainer.Result driver = new ParameterAveragingTrainer(cfg, DataType.FLOAT, 2, 6,
                StorageLevel.MEMORY_ONLY()).aggregation(ParameterAveragingTrainer.Aggregation.DRIVER)
                .train(sc, rows(sc, 90), null, (s, m) -> { });
        assertTrue(ParameterAveragingTrainer.treeAggregateAddsALevel(6));
        // the sums differ only in order: six float vectors add up exactly in double
        ParameterAveragingTrainerTest.assertCloseRelativeToLargest(tree.model().parameters().toDoubleVector(),
                driver.model().parameters().toDoubleVector(), 1e-6);
        double[] ua = tree.model().updaterState().toDoubleVector();
        double[] ub = driver.model().updaterState().toDoubleVector();
        for (int i = 0; i < ua.length; i++) {
            assertEquals(ua[i], ub[i], 1e-6 * Math.abs(ua[i]) + 1e-30, "optimiser state " + i);
        }
        assertEquals(tree.model().iterations(), driver.model().iterations());
        assertEquals(tree.epochs().get(1).total(), driver.epochs().get(1).total(), 1e-9);
        assertEquals(tree.corruptedRowsByPartition(), driver.corruptedRowsByPartition());
        assertEquals(90L * 2, driver.corruptedRowsInTasks());
        assertEquals(90L * 2, tree.corruptedRowsInTasks());
    }
}
