package io.cdae.spark.score;

import io.cdae.score.AnomalyScore;
import io.cdae.score.BatchScorer;
import io.cdae.score.CombinedScale;
import io.cdae.score.FeatureWeights;
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
     * The anomaly score of every row; {@code featureWeights} and {@code scale} are the weights and z-scales of the
     * scores that use them (null for the others).
     */
    public static JavaRDD<Double> scores(SparkSession spark, ModelPayload payload, AnomalyScore score,
                                         double[] featureWeights, CombinedScale scale, JavaRDD<float[]> rows) {
        return map(spark, payload, score, featureWeights, scale, rows, BatchScorer.RowScore::anomalyScore);
    }

    /**
     * One value per row, {@code f} of its {@link BatchScorer.RowScore} under {@code score} (with the given
     * weights and z-scales, null where unused), scored in minibatches of {@link #BATCH} rows per partition.
     */
    public static <T> JavaRDD<T> map(SparkSession spark, ModelPayload payload, AnomalyScore score, double[] featureWeights,
                                     CombinedScale scale, JavaRDD<float[]> rows,
                                     org.apache.spark.api.java.function.Function<BatchScorer.RowScore, T> f) {
        Broadcast<ModelPayload> bc = spark.sparkContext().broadcast(payload, scala.reflect.ClassTag$.MODULE$.apply(ModelPayload.class));
        return rows.mapPartitions(it -> {
            io.cdae.spark.train.TaskResources.apply();
            return new Iterator<T>() {
                private final BatchScorer scorer = new BatchScorer(bc.value().model(), score, Double.POSITIVE_INFINITY,
                        featureWeights, scale);
                private final List<T> buffer = new ArrayList<>();
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
                        try {
                            buffer.add(f.call(s));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    return true;
                }

                @Override
                public T next() {
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

    /**
     * The z-scales of the {@code combined} score: mean and standard deviation of the weighted reconstruction error
     * and of the code-knn distance over the rows, in one pass.
     */
    public static CombinedScale combinedScale(SparkSession spark, ModelPayload payload, double[] featureWeights,
                                              JavaRDD<float[]> rows) {
        org.apache.spark.mllib.stat.MultivariateOnlineSummarizer s = map(spark, payload, AnomalyScore.CODE_KNN,
                featureWeights, null, rows, r -> org.apache.spark.mllib.linalg.Vectors.dense(r.weightedReconstruction(),
                        r.codeKnn()))
                .treeAggregate(new org.apache.spark.mllib.stat.MultivariateOnlineSummarizer(), (acc, v) -> acc.add(v),
                        org.apache.spark.mllib.stat.MultivariateOnlineSummarizer::merge);
        if (s.count() == 0) {
            throw new IllegalArgumentException("no rows to calibrate the combined score on");
        }
        double[] mean = s.mean().toArray();
        double[] variance = s.variance().toArray();
        return new CombinedScale(mean[0], Math.sqrt(variance[0]), mean[1], Math.sqrt(variance[1]));
    }

    public static Quantiles quantiles(SparkSession spark, ModelPayload payload, AnomalyScore score,
                                      double[] featureWeights, CombinedScale scale, JavaRDD<float[]> rows, double upper) {
        Dataset<Row> df = spark.createDataset(scores(spark, payload, score, featureWeights, scale, rows).rdd(), Encoders.DOUBLE())
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
