package io.cdae.spark.cli;

import io.cdae.spark.SparkTestSession;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Long stages leave log lines (progress while they run, a line when they end); short ones stay quiet. */
class StageProgressLogTest {
    @Test
    void longStagesAreLoggedWithTheirTasksAndShortOnesAreNot() throws InterruptedException {
        SparkSession spark = SparkTestSession.get("local[2]");
        List<String> every = Collections.synchronizedList(new ArrayList<>());
        List<String> quiet = Collections.synchronizedList(new ArrayList<>());
        // "long" here: any stage (0 s), with a progress line after every task (interval 0 s)
        StageProgressLog verbose = new StageProgressLog(Duration.ZERO, Duration.ZERO, every::add, System::currentTimeMillis);
        StageProgressLog standard = new StageProgressLog(Duration.ofMinutes(5), Duration.ofMinutes(5), quiet::add,
                System::currentTimeMillis);
        spark.sparkContext().addSparkListener(verbose);
        spark.sparkContext().addSparkListener(standard);
        try {
            long n = JavaSparkContext.fromSparkContext(spark.sparkContext())
                    .parallelize(List.of(1, 2, 3, 4, 5, 6, 7, 8), 4).map(x -> x * 2).count();
            assertTrue(n == 8);
            long deadline = System.currentTimeMillis() + 10_000;
            while (every.stream().noneMatch(l -> l.contains(" done: 4 tasks in ")) && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
        } finally {
            spark.sparkContext().removeSparkListener(verbose);
            spark.sparkContext().removeSparkListener(standard);
        }
        List<String> lines = List.copyOf(every);
        assertTrue(lines.stream().anyMatch(l -> l.matches("stage \\d+ \\[count at .*\\] done: 4 tasks in \\d+\\.\\d s")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.matches("stage \\d+ \\[count at .*\\]: [123]/4 tasks done, \\d+\\.\\d s so far")),
                lines.toString());
        assertTrue(quiet.isEmpty(), quiet.toString());
    }
}
