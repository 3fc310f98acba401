package io.cdae.spark.score;

import io.cdae.score.AnomalyScore;
import io.cdae.score.BatchScorer;
import io.cdae.spark.ml.ModelPayload;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Anomaly scores of many rows, computed in minibatches per partition with the model broadcast once, and the
 * quantiles a threshold needs (Spark's approxQuantile, relative error 1e-4), so nothing is collected.
 */
public final class DistributedScores {
    /** Rows scored per minibatch: bounds executor memory whatever the partition size. */
    public static final int BATCH = 1024;
    private static final double RELATIVE_ERROR = 1e-4;

    /** Median, MAD and one upper quantile of the scores. */
    public record Quantiles(long rows, double median, double mad, double quantile) {
    }

    private DistributedScores() {
    }

    public static JavaRDD<Double> scores(SparkSession spark, ModelPayload payload, AnomalyScore score, JavaRDD<float[]> rows) {
        Broadcast<ModelPayload> bc = spark.sparkContext().broadcast(payload, scala.reflect.ClassTag$.MODULE$.apply(ModelPayload.class));
        return rows.mapPartitions(it -> {
            io.cdae.spark.train.TaskResources.apply();
            return new Iterator<Double>() {
                private final BatchScorer scorer = new BatchScorer(bc.value().model(), score, Double.POSITIVE_INFINITY);
                private final List<Double> buffer = new ArrayList<>();
                private int next;

                @Override
                public boolean hasNext() {
                    if (next < buffer.size()) {
                        return true;
                    }
                    buffer.clear();
                    next = 0;
                    List<float[]> batch = new ArrayList<>(BATCH);
                    while (it.hasNext() && batch.size() < BATCH) {
                        batch.add(it.next());
                    }
                    if (batch.isEmpty()) {
                        return false;
                    }
                    for (BatchScorer.RowScore s : scorer.score(batch.toArray(new float[0][]), 0, false)) {
                        buffer.add(s.anomalyScore());
                    }
                    return true;
                }

                @Override
                public Double next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException();
                    }
                    return buffer.get(next++);
                }
            };
        });
    }

    public static Quantiles quantiles(SparkSession spark, ModelPayload payload, AnomalyScore score, JavaRDD<float[]> rows,
                                      double upper) {
        Dataset<Row> df = spark.createDataset(scores(spark, payload, score, rows).rdd(), Encoders.DOUBLE()).toDF("s").cache();
        try {
            long n = df.count();
            double[] q = df.stat().approxQuantile("s", new double[] {0.5, upper}, RELATIVE_ERROR);
            double median = q[0];
            double mad = df.select(functions.abs(functions.col("s").minus(median)).as("d")).stat()
                    .approxQuantile("d", new double[] {0.5}, RELATIVE_ERROR)[0];
            return new Quantiles(n, median, mad, q[1]);
        } finally {
            df.unpersist();
        }
    }
}
