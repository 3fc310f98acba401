package io.cdae.bench;

import com.linkedin.relevance.isolationforest.IsolationForest;
import com.linkedin.relevance.isolationforest.IsolationForestModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/**
 * LinkedIn's isolation forest for Spark (Liu et al. 2008; {@code com.linkedin.isolation-forest}, a benchmark
 * dependency only) as the quality benchmark's reference: 100 trees of 256 samples (fewer when the training set
 * is smaller: the library refuses more samples than rows), all features, no bootstrap, seed 1.
 */
final class IsolationForestBaseline {
    static final int TREES = 100;
    static final int SAMPLES = 256;
    static final String FEATURES = "features";
    static final String SCORE = "outlierScore";

    private IsolationForestBaseline() {
    }

    /** A forest fitted on {@code train}. */
    static IsolationForestModel fit(SparkSession spark, double[][] train) {
        IsolationForest forest = new IsolationForest();
        forest.setNumEstimators(TREES);
        forest.setMaxSamples(Math.min(SAMPLES, train.length));
        forest.setMaxFeatures(1.0);
        forest.setBootstrap(false);
        forest.setContamination(0.0);
        forest.setRandomSeed(1L);
        forest.setFeaturesCol(FEATURES);
        forest.setScoreCol(SCORE);
        return forest.fit(frame(spark, train));
    }

    /** The outlier score of every row of {@code test}, in row order. */
    static double[] scores(SparkSession spark, IsolationForestModel model, double[][] test) {
        List<Row> rows = model.transform(frame(spark, test)).select("id", SCORE).orderBy("id").collectAsList();
        double[] out = new double[test.length];
        for (Row r : rows) {
            out[(int) r.getLong(0)] = r.getDouble(1);
        }
        return out;
    }

    /** Rows as a DataFrame of (id, features vector). */
    static Dataset<Row> frame(SparkSession spark, double[][] rows) {
        List<Row> list = new ArrayList<>(rows.length);
        for (int i = 0; i < rows.length; i++) {
            list.add(RowFactory.create((long) i, Vectors.dense(rows[i])));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType, false).add(FEATURES, SQLDataTypes.VectorType(), false);
        return spark.createDataFrame(list, schema).repartition(spark.sparkContext().defaultParallelism());
    }
}
