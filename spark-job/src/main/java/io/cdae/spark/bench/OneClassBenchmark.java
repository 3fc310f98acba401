package io.cdae.spark.bench;

import io.cdae.config.CdaeConfig;
import io.cdae.config.CorruptionType;
import io.cdae.io.CdaeModel;
import io.cdae.io.Normaliser;
import io.cdae.score.AnomalyScore;
import io.cdae.score.BatchScorer;
import io.cdae.score.FeatureWeights;
import io.cdae.score.RocAuc;
import io.cdae.spark.config.ConfigSources;
import io.cdae.spark.config.JobConfig;
import io.cdae.spark.data.IdxReader;
import io.cdae.spark.train.ParameterAveragingTrainer;
import io.cdae.train.SingleProcessTrainer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Fashion-MNIST one-class protocol: for each class k, train on the training images of class k, score
 * the 10,000 test images by reconstruction error, anomalies = the other nine classes; ROC-AUC per class
 * and mean, for the CDAE and for a plain autoencoder (lambda = 0, no corruption) and a denoising-only one
 * (lambda = 0) with the same architecture, optimiser and epochs.
 *
 * <p>As the trainer does, each class's training images are split: {@code holdout-fraction} of them (0.1 by
 * default) are held out and give the feature weights of the {@code weighted-reconstruction} score, the rest
 * are trained on. The ROC-AUC of every anomaly score is printed; the table shows the configured one
 * ({@code --score}, or {@code --set anomaly-score=...}).
 *
 * <p>By default each model is trained by the single-process trainer. With {@code --master local[2]} (any Spark
 * master) it is trained by Spark parameter averaging instead, with the job settings {@code averaging-frequency}
 * and {@code partitions} ({@code --set}; partitions 0 = the master's parallelism): how the averaging frequency
 * changes the model's quality (docs/BENCHMARKS.md).
 *
 * <pre>usage: OneClassBenchmark DATA_DIR [--epochs N] [--set key=value ...] [--only-cdae] [--classes 0,6]
 *        [--normalisation min-max|standard] [--score reconstruction|weighted-reconstruction|contractive|total]
 *        [--master local[2]] [--output FILE.md]</pre>
 */
public final class OneClassBenchmark {
    private static final int BATCH = 1024;

    private OneClassBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        String dir = args.length > 0 ? args[0] : "/usr/share/datasets/fashion-mnist";
        List<String> sets = new ArrayList<>();
        String output = null;
        boolean onlyCdae = false;
        String normalisation = Normaliser.MIN_MAX;
        String scoreKey = null;
        String master = null;
        int[] classes = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--epochs" -> sets.add("epochs=" + args[++i]);
                case "--set" -> sets.add(args[++i]);
                case "--output" -> output = args[++i];
                case "--only-cdae" -> onlyCdae = true;
                case "--normalisation" -> normalisation = args[++i];
                case "--score" -> scoreKey = args[++i];
                case "--master" -> master = args[++i];
                case "--classes" -> classes = java.util.Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (scoreKey != null) {
            sets.add("anomaly-score=" + scoreKey);
        }
        Configuration conf = new Configuration();
        int[][] trainImages = IdxReader.readImages(new Path(dir, "train-images-idx3-ubyte.gz"), conf);
        int[] trainLabels = IdxReader.readLabels(new Path(dir, "train-labels-idx1-ubyte.gz"), conf, trainImages.length);
        int[][] testImages = IdxReader.readImages(new Path(dir, "t10k-images-idx3-ubyte.gz"), conf);
        int[] testLabels = IdxReader.readLabels(new Path(dir, "t10k-labels-idx1-ubyte.gz"), conf, testImages.length);
        float[][] test = floats(testImages, null, -1);

        JobConfig job = ConfigSources.load(null, sets);
        AnomalyScore scoreKind = AnomalyScore.parse(job.anomalyScore());
        CdaeConfig cdae = job.model(784);
        Map<String, CdaeConfig> variants = new LinkedHashMap<>();
        variants.put("CDAE", cdae);
        if (!onlyCdae) {
            variants.put("denoising AE (lambda=0)", with(cdae, 0.0, cdae.corruption(), cdae.corruptionLevel()));
            variants.put("plain AE (lambda=0, no corruption)", with(cdae, 0.0, CorruptionType.NONE, 0.0));
        }

        SparkSession spark = master == null ? null : BenchSessions.local(master, "fmnist-one-class");
        Map<String, double[]> auc = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        for (Map.Entry<String, CdaeConfig> v : variants.entrySet()) {
            double[] perClass = new double[classes.length];
            for (int c = 0; c < classes.length; c++) {
                int k = classes[c];
                // the trainer's split: holdout-fraction of the class's training images (the last ones; the file's
                // order is random) held out to calibrate the feature weights, the rest trained on
                float[][] all = floats(trainImages, trainLabels, k);
                int fitRows = Math.max(1, (int) Math.round(all.length * (1 - job.holdoutFraction())));
                float[][] fit = java.util.Arrays.copyOfRange(all, 0, fitRows);
                float[][] heldOut = fitRows < all.length ? java.util.Arrays.copyOfRange(all, fitRows, all.length) : fit;
                INDArray train = Nd4j.create(fit);
                Normaliser n = Normaliser.MIN_MAX.equals(normalisation)
                        ? Normaliser.fromStatistics(Normaliser.MIN_MAX, new double[784], filled(255.0), null, null)
                        : Normaliser.fit(normalisation, train);
                CdaeModel model = train(spark, job, v.getValue(), n, train);
                double[] weights = FeatureWeights.fromMeanErrors(FeatureWeights.meanErrors(
                        FeatureWeights.errorSums(model, java.util.Arrays.asList(heldOut).iterator(), BATCH)), job.errorWeightFloor());
                // the test images in minibatches of 1,024 rows, as the scoring job scores them
                BatchScorer scorer = new BatchScorer(model, AnomalyScore.WEIGHTED_RECONSTRUCTION, Double.POSITIVE_INFINITY,
                        weights);
                double[][] rows = new double[3][test.length];
                for (int from = 0; from < test.length; from += BATCH) {
                    BatchScorer.RowScore[] s = scorer.score(java.util.Arrays.copyOfRange(test, from,
                            Math.min(test.length, from + BATCH)), 0, false);
                    for (int i = 0; i < s.length; i++) {
                        rows[0][from + i] = s[i].reconstruction();
                        rows[1][from + i] = s[i].anomalyScore();
                        rows[2][from + i] = s[i].contractive();
                    }
                }
                double[] labels = new double[testLabels.length];
                for (int i = 0; i < labels.length; i++) {
                    labels[i] = testLabels[i] == k ? 0 : 1;
                }
                Map<AnomalyScore, Double> byScore = new java.util.EnumMap<>(AnomalyScore.class);
                for (AnomalyScore s : AnomalyScore.values()) {
                    double[] scores = new double[test.length];
                    for (int i = 0; i < scores.length; i++) {
                        scores[i] = s.combine(rows[0][i], rows[1][i], rows[2][i], v.getValue().contractiveWeight());
                    }
                    byScore.put(s, RocAuc.rocAuc(labels, scores));
                }
                perClass[c] = byScore.get(scoreKind);
                System.out.printf(Locale.ROOT, "%s class %d: ROC-AUC %.4f (reconstruction %.4f, weighted-reconstruction %.4f, "
                                + "contractive %.4f, total %.4f; %.0f s elapsed)%n", v.getKey(), k, perClass[c],
                        byScore.get(AnomalyScore.RECONSTRUCTION), byScore.get(AnomalyScore.WEIGHTED_RECONSTRUCTION),
                        byScore.get(AnomalyScore.CONTRACTIVE), byScore.get(AnomalyScore.TOTAL), (System.nanoTime() - t0) / 1e9);
            }
            auc.put(v.getKey(), perClass);
        }
        if (spark != null) {
            spark.stop();
        }
        String table = table(auc, cdae, classes, normalisation, scoreKind, job, master);
        System.out.println(table);
        if (output != null) {
            Files.writeString(java.nio.file.Path.of(output), table);
        }
    }

    /** A model of {@code train} (raw pixels) normalised by {@code n}: single-process, or Spark when spark is set. */
    private static CdaeModel train(SparkSession spark, JobConfig job, CdaeConfig config, Normaliser n, INDArray train) {
        INDArray rows = n.apply(train);
        if (spark == null) {
            return CdaeModel.of(new SingleProcessTrainer(config, DataType.FLOAT).train(rows).network(), config, n, Map.of());
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int partitions = job.partitions() > 0 ? job.partitions() : sc.defaultParallelism();
        JavaRDD<float[]> rdd = sc.parallelize(java.util.Arrays.asList(rows.toFloatMatrix()), partitions);
        CdaeModel trained = new ParameterAveragingTrainer(config, DataType.FLOAT, job.averagingFrequency(), partitions,
                StorageLevel.MEMORY_ONLY()).train(sc, rdd, null, (s, m) -> { }).model();
        return new CdaeModel(config, trained.parameters(), n, null, trained.iterations(), trained.epochs(), Map.of());
    }

    private static String table(Map<String, double[]> auc, CdaeConfig c, int[] classes, String normalisation,
                                AnomalyScore score, JobConfig job, String master) {
        StringBuilder b = new StringBuilder("| model | ");
        for (int k : classes) {
            b.append(k).append(" | ");
        }
        b.append("mean |\n|---|");
        b.append("---|".repeat(classes.length + 1)).append('\n');
        for (Map.Entry<String, double[]> e : auc.entrySet()) {
            b.append("| ").append(e.getKey()).append(" | ");
            double sum = 0;
            for (double a : e.getValue()) {
                b.append(String.format(Locale.ROOT, "%.3f | ", a));
                sum += a;
            }
            b.append(String.format(Locale.ROOT, "**%.4f** |%n", sum / classes.length));
        }
        b.append("\nnormalisation: ").append(normalisation).append(", anomaly score: ").append(score.key())
                .append(", holdout-fraction: ").append(job.holdoutFraction())
                .append(", error-weight-floor: ").append(job.errorWeightFloor());
        b.append(master == null ? "\ntrainer: single process" : "\ntrainer: Spark " + master + ", averaging-frequency "
                + job.averagingFrequency() + ", partitions " + (job.partitions() > 0 ? job.partitions() : "default"));
        b.append("\nconfig: ").append(io.cdae.config.CdaeConfigJson.toJson(c).replaceAll("\\s+", " ")).append('\n');
        return b.toString();
    }

    private static CdaeConfig with(CdaeConfig c, double lambda, CorruptionType corruption, double level) {
        return new CdaeConfig(c.inputWidth(), c.encoderWidths(), c.activation(), c.tiedWeights(), c.outputActivation(),
                c.reconstructionLoss(), lambda, c.contractiveEstimator(), c.projections(), corruption, level, c.optimiser(),
                c.learningRate(), c.momentum(), c.batchSize(), c.epochs(), c.seed());
    }

    private static double[] filled(double v) {
        double[] d = new double[784];
        java.util.Arrays.fill(d, v);
        return d;
    }

    /** Images of class {@code k} (all when labels is null) as float rows. */
    private static float[][] floats(int[][] images, int[] labels, int k) {
        List<float[]> rows = new ArrayList<>();
        for (int i = 0; i < images.length; i++) {
            if (labels == null || labels[i] == k) {
                float[] f = new float[images[i].length];
                for (int j = 0; j < f.length; j++) {
                    f[j] = images[i][j];
                }
                rows.add(f);
            }
        }
        return rows.toArray(new float[0][]);
    }
}
