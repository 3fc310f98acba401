package io.cdae.bench;

import com.linkedin.relevance.isolationforest.IsolationForestModel;
import io.cdae.spark.score.ScoreJob;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Scoring throughput of the CDAE's scoring job at the shipped defaults against the isolation forest's
 * {@code transform}, on the same Parquet file, end to end (read, score, write Parquet), in the same local Spark
 * session. Each is run once to warm up and once timed.
 * <ul>
 *   <li>the first Fashion-MNIST case's model on the 60,000 training images (784 features);</li>
 *   <li>the first tabular case's model on its test rows repeated to about a million rows.</li>
 * </ul>
 */
final class Throughput {
    private static final int TABULAR_ROWS = 1_000_000;

    private Throughput() {
    }

    static String run(SparkSession spark, Path work, List<QualityBenchmark.Case> cases, List<Path> models) {
        StringBuilder b = new StringBuilder("\n| scoring throughput | rows | features | CDAE scoring job, rows/s | "
                + "IsolationForest transform, rows/s | CDAE / IF |\n|---|---|---|---|---|---|\n");
        for (String suite : List.of("fmnist", "tabular")) {
            int i = indexOf(cases, suite);
            if (i < 0) {
                continue;
            }
            QualityBenchmark.Case c = cases.get(i);
            Path input = work.resolve("throughput-" + suite + ".parquet");
            String id = c.idColumn();
            Dataset<Row> data = suite.equals("fmnist")
                    ? spark.read().parquet(c.trainInput())
                    : repeated(spark, c.testInput(), TABULAR_ROWS);
            data.write().mode(SaveMode.Overwrite).parquet(input.toString());
            long rows = spark.read().parquet(input.toString()).count();
            String[] features = featureNames(spark, input, c);
            IsolationForestModel forest = IsolationForestBaseline.fit(spark, c.train());
            double[] seconds = new double[2];
            for (int attempt = 0; attempt < 2; attempt++) {
                long t0 = System.nanoTime();
                new ScoreJob(spark).run(new ScoreJob.Request(models.get(i).toString(), input.toString(),
                        work.resolve("throughput-cdae-" + suite).toString(), "parquet", id, null, null, 0, false, List.of(), null));
                seconds[0] = (System.nanoTime() - t0) / 1e9;
                t0 = System.nanoTime();
                Dataset<Row> in = new VectorAssembler().setInputCols(features).setOutputCol(IsolationForestBaseline.FEATURES)
                        .transform(spark.read().parquet(input.toString()));
                forest.transform(in).select(functions.col(id), functions.col(IsolationForestBaseline.SCORE)).write()
                        .mode(SaveMode.Overwrite).parquet(work.resolve("throughput-iforest-" + suite).toString());
                seconds[1] = (System.nanoTime() - t0) / 1e9;
            }
            b.append(String.format(Locale.ROOT, "| %s (%s model) | %,d | %d | %,.0f | %,.0f | %.2fx |%n", suite, c.name(), rows,
                    features.length, rows / seconds[0], rows / seconds[1], seconds[1] / seconds[0]));
        }
        return b.toString();
    }

    private static int indexOf(List<QualityBenchmark.Case> cases, String suite) {
        for (int i = 0; i < cases.size(); i++) {
            if (cases.get(i).suite().equals(suite)) {
                return i;
            }
        }
        return -1;
    }

    /** The test CSV's rows repeated until about {@code rows} rows, with a fresh id. */
    private static Dataset<Row> repeated(SparkSession spark, String csv, int rows) {
        Dataset<Row> test = spark.read().option("header", "true").option("inferSchema", "true").csv(csv).drop("id", "label");
        long n = test.count();
        Dataset<Row> copies = spark.range((rows + n - 1) / n).toDF("copy");
        return copies.crossJoin(test).withColumn("id", functions.monotonically_increasing_id()).drop("copy")
                .repartition(spark.sparkContext().defaultParallelism());
    }

    private static String[] featureNames(SparkSession spark, Path input, QualityBenchmark.Case c) {
        return Arrays.stream(spark.read().parquet(input.toString()).columns())
                .filter(n -> !n.equals(c.idColumn()) && !n.equals("class") && !n.equals("label")).toArray(String[]::new);
    }
}
