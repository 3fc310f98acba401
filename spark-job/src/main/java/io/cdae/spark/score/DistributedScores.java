package io.cdae.spark.score;

import io.cdae.score.AnomalyScore;
import io.cdae.score.BatchScorer;
import io.cdae.score.FeatureWeights;
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

    /**
     * The anomaly score of every row; {@code featureWeights} are the weights of a weighted score (null for
     * the others, or to take them from the model's calibration).
     */
    public static JavaRDD<Double> scores(SparkSession spark, ModelPayload payload, AnomalyScore score,
                                         double[] featureWeights, JavaRDD<float[]> rows) {
        Broadcast<ModelPayload> bc = spark.sparkContext().broadcast(payload, scala.reflect.ClassTag$.MODULE$.apply(ModelPayload.class));
        return rows.mapPartitions(it -> {
            io.cdae.spark.train.TaskResources.apply();
            return new Iterator<Double>() {
                private final BatchScorer scorer = featureWeights == null
                        ? new BatchScorer(bc.value().model(), score, Double.POSITIVE_INFINITY)
                        : new BatchScorer(bc.value().model(), score, Double.POSITIVE_INFINITY, featureWeights);
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

    /**
     * The mean reconstruction loss of every feature over the rows (minibatches per partition, summed on the
     * executors; only one vector per partition reaches the driver).
     */
    public static double[] featureMeanErrors(SparkSession spark, ModelPayload payload, JavaRDD<float[]> rows) {
        Broadcast<ModelPayload> bc = spark.sparkContext().broadcast(payload, scala.reflect.ClassTag$.MODULE$.apply(ModelPayload.class));
        double[] sums = rows.mapPartitions(it -> {
            io.cdae.spark.train.TaskResources.apply();
            return List.of(FeatureWeights.errorSums(bc.value().model(), it, BATCH)).iterator();
        }).reduce(FeatureWeights::add);
        return FeatureWeights.meanErrors(sums);
    }

    public static Quantiles quantiles(SparkSession spark, ModelPayload payload, AnomalyScore score,
                                      double[] featureWeights, JavaRDD<float[]> rows, double upper) {
        Dataset<Row> df = spark.createDataset(scores(spark, payload, score, featureWeights, rows).rdd(), Encoders.DOUBLE())
                .toDF("s").cache();
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
