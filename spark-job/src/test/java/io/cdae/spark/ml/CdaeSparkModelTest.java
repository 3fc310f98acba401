package io.cdae.spark.ml;

import io.cdae.io.CdaeModel;
import io.cdae.model.CdaeObjective;
import io.cdae.spark.SparkTestSession;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Spark ML Estimator and Model on the shipped subset: save/load, Pipeline round trip, score columns. */
class CdaeSparkModelTest {
    private static SparkSession spark;
    private static Dataset<Row> train;
    private static Dataset<Row> test;
    private static String[] pixels;

    @TempDir
    Path tmp;

    @BeforeAll
    static void data() {
        spark = SparkTestSession.get("local[2]");
        Dataset<Row> all = spark.read().option("header", "true").option("inferSchema", "true")
                .csv(SparkTestSession.fashionSubset().toString());
        pixels = Arrays.stream(all.columns()).filter(c -> c.startsWith("p")).toArray(String[]::new);
        train = all.where("split = 'train'").limit(300).cache();
        test = all.where("split = 'test'").limit(60).cache();
    }

    private static CdaeEstimator estimator() {
        return new CdaeEstimator().setConfig("epochs", 2).setConfig("encoder-widths", "16").setConfig("partitions", 2)
                .setConfig("batch-size", 32);
    }

    /** The training rows the trainer held out (its seeded rule, holdout-fraction 0.2), as floats. */
    private static List<float[]> heldOutRows(CdaeModel core) {
        List<Row> rows = train.collectAsList();
        List<float[]> heldOut = new java.util.ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            if (io.cdae.spark.train.CdaeTrainer.isHeldOut(core.config().seed(), i, 0.2)) {
                float[] x = new float[pixels.length];
                for (int j = 0; j < x.length; j++) {
                    x[j] = ((Number) rows.get(i).get(rows.get(i).fieldIndex(pixels[j]))).floatValue();
                }
                heldOut.add(x);
            }
        }
        return heldOut;
    }

    private static double[] column(Dataset<Row> scored, String c) {
        return scored.orderBy("class", "p400", "p300").select(c).collectAsList().stream().mapToDouble(r -> r.getDouble(0)).toArray();
    }

    @Test
    void estimatorModelSaveLoadTransformGivesIdenticalScores() throws Exception {
        VectorAssembler assembler = new VectorAssembler().setInputCols(pixels).setOutputCol("features");
        CdaeSparkModel model = estimator().fit(assembler.transform(train));
        Dataset<Row> scored = model.transform(assembler.transform(test));
        Path dir = tmp.resolve("ml-model");
        model.write().overwrite().save(dir.toString());
        CdaeSparkModel loaded = CdaeSparkModel.load(dir.toString());
        Dataset<Row> again = loaded.transform(assembler.transform(test));
        assertArrayEquals(column(scored, "anomaly_score"), column(again, "anomaly_score"), 0.0);
        assertEquals(model.effectiveThreshold(), loaded.effectiveThreshold(), 0.0);
        assertEquals(60, scored.count());
        assertTrue(Arrays.asList(scored.columns()).containsAll(List.of("reconstruction_error", "contractive_score",
                "anomaly_score", "is_anomaly")));
    }

    /** engine is a param like any training key: dl4j-spark fits through DL4J's training master and the model scores. */
    @Test
    void theEngineIsAParamAndDl4jSparkFitsAModelThatScores() {
        CdaeEstimator plain = estimator();
        assertEquals("averaging", plain.getOrDefault(plain.configParam("engine")));
        CdaeEstimator dl4j = estimator().setConfig("engine", "dl4j-spark");
        assertEquals(io.cdae.spark.config.Engine.DL4J_SPARK, dl4j.jobConfig().engine());
        VectorAssembler assembler = new VectorAssembler().setInputCols(pixels).setOutputCol("features");
        CdaeSparkModel model = dl4j.fit(assembler.transform(train));
        assertEquals("dl4j-spark", model.cdaeModel().metadata().get("engine"));
        assertEquals(2, model.cdaeModel().epochs());
        Dataset<Row> scored = model.transform(assembler.transform(test));
        assertEquals(60, scored.count());
        assertTrue(Arrays.stream(column(scored, "anomaly_score")).allMatch(Double::isFinite));
    }

    @Test
    void pipelineWithVectorAssemblerRoundTrips() throws Exception {
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
                new VectorAssembler().setInputCols(pixels).setOutputCol("features"), estimator()});
        Path pdir = tmp.resolve("pipeline");
        pipeline.write().overwrite().save(pdir.toString());
        Pipeline reloadedPipeline = Pipeline.load(pdir.toString());
        CdaeEstimator est = (CdaeEstimator) reloadedPipeline.getStages()[1];
        assertEquals("2", est.getOrDefault(est.configParam("epochs")));

        PipelineModel fitted = pipeline.fit(train);
        Path mdir = tmp.resolve("pipeline-model");
        fitted.write().overwrite().save(mdir.toString());
        PipelineModel loaded = PipelineModel.load(mdir.toString());
        assertArrayEquals(column(fitted.transform(test), "reconstruction_error"),
                column(loaded.transform(test), "reconstruction_error"), 0.0);
    }

    @Test
    void featureErrorsSumToTheReconstructionErrorAndContractiveScoreIsTheCoreTerm() {
        VectorAssembler assembler = new VectorAssembler().setInputCols(pixels).setOutputCol("features");
        CdaeSparkModel model = estimator().fit(assembler.transform(train)).setFeatureErrors(true).setTopFeatures(3);
        List<Row> rows = model.transform(assembler.transform(test)).limit(10).collectAsList();
        CdaeModel core = model.cdaeModel();
        for (Row r : rows) {
            List<Double> errors = r.getList(r.fieldIndex("feature_errors"));
            double sum = errors.stream().mapToDouble(Double::doubleValue).sum();
            double rec = r.getDouble(r.fieldIndex("reconstruction_error"));
            assertEquals(rec, sum, 1e-4 * rec);
            List<String> top = r.getList(r.fieldIndex("top_features"));
            assertEquals(3, top.size());
            // the default score (combined) ranks features by their weighted loss
            double[] w = core.calibration().featureWeights();
            int worst = 0;
            for (int j = 0; j < w.length; j++) {
                if (w[j] * errors.get(j) > w[worst] * errors.get(worst)) {
                    worst = j;
                }
            }
            assertEquals(pixels[worst], top.get(0));

            double[] x = new double[pixels.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = ((Number) r.get(r.fieldIndex(pixels[i]))).doubleValue();
            }
            CdaeObjective.RowTerms t = core.score(Nd4j.create(new double[][] {x}).castTo(DataType.FLOAT));
            assertEquals(t.contractive().getDouble(0), r.getDouble(r.fieldIndex("contractive_score")),
                    1e-6 * t.contractive().getDouble(0));
        }
        Dataset<Row> all = model.transform(assembler.transform(test));
        assertEquals(all.filter(col("anomaly_score").gt(model.effectiveThreshold())).count(),
                all.filter(col("is_anomaly")).count(), "is_anomaly is anomaly_score > threshold");
        // an explicit threshold below every score (combined z-scores go below -1) flags every row
        assertEquals(60, model.setThreshold(-1e9).transform(assembler.transform(test)).filter(col("is_anomaly")).count());
    }

    /**
     * The default score, combined: the code space holds at most reference-rows training codes; its z-scales are the
     * mean and standard deviation, over the held-out rows (the trainer's seeded rule), of their weighted error and
     * code-knn distance; the transformed anomaly_score is their z-scored sum.
     */
    @Test
    void combinedScoreIsScaledOnTheHeldOutRowsWithABoundedReferenceSample() {
        VectorAssembler assembler = new VectorAssembler().setInputCols(pixels).setOutputCol("features");
        CdaeSparkModel model = estimator().setConfig("holdout-fraction", 0.2).setConfig("reference-rows", 50)
                .setConfig("knn-k", 3).fit(assembler.transform(train));
        CdaeModel core = model.cdaeModel();
        assertEquals("combined", core.calibration().anomalyScore());
        assertEquals(50, core.codeSpace().referenceRows());
        assertEquals(3, core.codeSpace().k());
        List<float[]> heldOut = heldOutRows(core);
        double[] weighted = new double[heldOut.size()];
        double[] knn = new double[heldOut.size()];
        io.cdae.score.BatchScorer.RowScore[] parts = new io.cdae.score.BatchScorer(core, io.cdae.score.AnomalyScore.CODE_KNN,
                0.0, core.calibration().featureWeights(), null).score(heldOut.toArray(new float[0][]), 0, false);
        for (int i = 0; i < parts.length; i++) {
            weighted[i] = parts[i].weightedReconstruction();
            knn[i] = parts[i].codeKnn();
        }
        io.cdae.score.CombinedScale expected = io.cdae.score.CombinedScale.of(weighted, knn);
        io.cdae.score.CombinedScale scale = core.calibration().combinedScale();
        assertEquals(expected.weightedMean(), scale.weightedMean(), 1e-6 * Math.abs(expected.weightedMean()));
        assertEquals(expected.weightedSd(), scale.weightedSd(), 1e-4 * expected.weightedSd());
        assertEquals(expected.knnMean(), scale.knnMean(), 1e-6 * Math.abs(expected.knnMean()));
        assertEquals(expected.knnSd(), scale.knnSd(), 1e-4 * expected.knnSd());
        // the executors score with the code space and scales that travelled with the model
        io.cdae.score.BatchScorer local = io.cdae.score.BatchScorer.calibrated(core, Double.NaN);
        for (Row r : model.transform(assembler.transform(test)).limit(5).collectAsList()) {
            float[] x = new float[pixels.length];
            for (int j = 0; j < x.length; j++) {
                x[j] = ((Number) r.get(r.fieldIndex(pixels[j]))).floatValue();
            }
            io.cdae.score.BatchScorer.RowScore s = local.score(new float[][] {x}, 0, false)[0];
            assertEquals(scale.combine(s.weightedReconstruction(), s.codeKnn()), s.anomalyScore(), 1e-9);
            assertEquals(s.anomalyScore(), r.getDouble(r.fieldIndex("anomaly_score")), 1e-5 * (1 + Math.abs(s.anomalyScore())));
        }
    }

    @Test
    void weightedReconstructionUsesWeightsCalibratedOnTheHeldOutRows() {
        VectorAssembler assembler = new VectorAssembler().setInputCols(pixels).setOutputCol("features");
        CdaeSparkModel model = estimator().setConfig("anomaly-score", "weighted-reconstruction")
                .setConfig("holdout-fraction", 0.2).fit(assembler.transform(train)).setFeatureErrors(true).setTopFeatures(1);
        CdaeModel core = model.cdaeModel();
        io.cdae.score.Calibration c = core.calibration();
        assertEquals("weighted-reconstruction", c.anomalyScore());
        assertEquals(0.1, c.errorWeightFloor(), 0.0);

        // the held-out rows by the trainer's seeded rule, their mean per-feature loss summed here, the weights
        // from that by the formula
        List<float[]> heldOut = heldOutRows(core);
        assertEquals(heldOut.size(), c.heldOutRows());
        double[] mean = new double[pixels.length];
        for (io.cdae.score.BatchScorer.RowScore s : new io.cdae.score.BatchScorer(core,
                io.cdae.score.AnomalyScore.RECONSTRUCTION, 0.0).score(heldOut.toArray(new float[0][]), 0, true)) {
            for (int j = 0; j < mean.length; j++) {
                mean[j] += s.featureErrors()[j] / heldOut.size();
            }
        }
        double avg = Arrays.stream(mean).average().orElseThrow();
        double[] w = c.featureWeights();
        assertEquals(pixels.length, w.length);
        for (int j = 0; j < w.length; j++) {
            assertEquals(1.0 / Math.max(mean[j], 0.1 * avg), w[j], 1e-4 * w[j], "weight of feature " + j);
        }

        // the score is the weighted sum of the per-feature losses, the top feature the largest weighted loss
        for (Row r : model.transform(assembler.transform(test)).limit(10).collectAsList()) {
            List<Double> errors = r.getList(r.fieldIndex("feature_errors"));
            double weighted = 0;
            int best = 0;
            for (int j = 0; j < w.length; j++) {
                weighted += w[j] * errors.get(j);
                if (w[j] * errors.get(j) > w[best] * errors.get(best)) {
                    best = j;
                }
            }
            double score = r.getDouble(r.fieldIndex("anomaly_score"));
            assertEquals(weighted, score, 1e-4 * weighted);
            assertEquals(pixels[best], r.getList(r.fieldIndex("top_features")).get(0));
            assertEquals(score > model.effectiveThreshold(), r.getBoolean(r.fieldIndex("is_anomaly")));
        }
    }

    @Test
    void valuesBeyondFloatRangeAreRefusedByFitAndTransformLikeInfinity() {
        List<Row> rows = new java.util.ArrayList<>();
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        for (int i = 0; i < 40; i++) {
            rows.add(org.apache.spark.sql.RowFactory.create(org.apache.spark.ml.linalg.Vectors.dense(r.nextDouble(),
                    r.nextDouble(), r.nextDouble())));
        }
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                .add("features", org.apache.spark.ml.linalg.SQLDataTypes.VectorType());
        Dataset<Row> clean = spark.createDataFrame(rows, schema);
        Dataset<Row> huge = spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create(
                org.apache.spark.ml.linalg.Vectors.dense(0.5, 1e300, 0.5))), schema);
        CdaeEstimator small = new CdaeEstimator().setConfig("epochs", 1).setConfig("encoder-widths", "2")
                .setConfig("partitions", 1).setConfig("batch-size", 8);
        Exception fit = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> small.fit(clean.union(huge)));
        assertTrue(chain(fit).contains("non-finite value 1.0E300 in column 'features[1]' once cast to float"), chain(fit));
        CdaeSparkModel model = small.fit(clean);
        Exception transform = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> model.transform(huge).collectAsList());
        assertTrue(chain(transform).contains("once cast to float"), chain(transform));
    }

    private static String chain(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c.getMessage()).append(" | ");
        }
        return b.toString();
    }
}
