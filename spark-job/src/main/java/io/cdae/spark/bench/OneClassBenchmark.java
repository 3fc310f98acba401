package io.cdae.spark.bench;

import io.cdae.config.CdaeConfig;
import io.cdae.config.CorruptionType;
import io.cdae.io.CdaeModel;
import io.cdae.io.Normaliser;
import io.cdae.model.CdaeObjective;
import io.cdae.score.AnomalyScore;
import io.cdae.score.RocAuc;
import io.cdae.spark.config.ConfigSources;
import io.cdae.spark.data.IdxReader;
import io.cdae.train.SingleProcessTrainer;
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
 * <pre>usage: OneClassBenchmark DATA_DIR [--epochs N] [--set key=value ...] [--only-cdae] [--classes 0,6]
 *        [--normalisation min-max|standard] [--score reconstruction|contractive|total] [--output FILE.md]</pre>
 */
public final class OneClassBenchmark {
    private OneClassBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        String dir = args.length > 0 ? args[0] : "/usr/share/datasets/fashion-mnist";
        List<String> sets = new ArrayList<>();
        String output = null;
        boolean onlyCdae = false;
        String normalisation = Normaliser.MIN_MAX;
        AnomalyScore scoreKind = AnomalyScore.RECONSTRUCTION;
        int[] classes = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        double holdout = 0;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--epochs" -> sets.add("epochs=" + args[++i]);
                case "--set" -> sets.add(args[++i]);
                case "--output" -> output = args[++i];
                case "--only-cdae" -> onlyCdae = true;
                case "--normalisation" -> normalisation = args[++i];
                case "--score" -> scoreKind = AnomalyScore.parse(args[++i]);
                case "--holdout" -> holdout = Double.parseDouble(args[++i]);
                case "--classes" -> classes = java.util.Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Configuration conf = new Configuration();
        int[][] trainImages = IdxReader.readImages(new Path(dir, "train-images-idx3-ubyte.gz"), conf);
        int[] trainLabels = IdxReader.readLabels(new Path(dir, "train-labels-idx1-ubyte.gz"), conf, trainImages.length);
        int[][] testImages = IdxReader.readImages(new Path(dir, "t10k-images-idx3-ubyte.gz"), conf);
        int[] testLabels = IdxReader.readLabels(new Path(dir, "t10k-labels-idx1-ubyte.gz"), conf, testImages.length);
        INDArray test = matrix(testImages, null, -1);

        CdaeConfig cdae = ConfigSources.load(null, sets).model(784);
        Map<String, CdaeConfig> variants = new LinkedHashMap<>();
        variants.put("CDAE", cdae);
        if (!onlyCdae) {
            variants.put("denoising AE (lambda=0)", with(cdae, 0.0, cdae.corruption(), cdae.corruptionLevel()));
            variants.put("plain AE (lambda=0, no corruption)", with(cdae, 0.0, CorruptionType.NONE, 0.0));
        }

        Map<String, double[]> auc = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        for (Map.Entry<String, CdaeConfig> v : variants.entrySet()) {
            double[] perClass = new double[classes.length];
            for (int c = 0; c < classes.length; c++) {
                int k = classes[c];
                INDArray all = matrix(trainImages, trainLabels, k);
                int fitRows = (int) Math.round(all.size(0) * (1 - holdout));
                INDArray train = all.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, fitRows), org.nd4j.linalg.indexing.NDArrayIndex.all()).dup();
                Normaliser n = Normaliser.MIN_MAX.equals(normalisation)
                        ? Normaliser.fromStatistics(Normaliser.MIN_MAX, new double[784], filled(255.0), null, null)
                        : Normaliser.fit(normalisation, train);
                SingleProcessTrainer.Result r = new SingleProcessTrainer(v.getValue(), DataType.FLOAT).train(n.apply(train));
                CdaeModel model = CdaeModel.of(r.network(), v.getValue(), n, Map.of());
                // in minibatches of 1,024 rows, as the scoring job does: a deep encoder's exact Jacobian
                // (input width x code width per row) does not fit memory for 10,000 rows at once
                int testRows = (int) test.size(0);
                double[] rec = new double[testRows];
                double[] meanSq = null;
                if (holdout > 0) {
                    INDArray held = all.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(fitRows, all.size(0)), org.nd4j.linalg.indexing.NDArrayIndex.all());
                    meanSq = model.score(held).featureErrors().castTo(DataType.DOUBLE).mean(0).toDoubleVector();
                }
                double[] floors = {0.0, 0.01, 0.1, 1.0};
                double[][] weighted = new double[floors.length][testRows];
                double[] jac = new double[testRows];
                for (int from = 0; from < testRows; from += 1024) {
                    int to = Math.min(testRows, from + 1024);
                    CdaeObjective.RowTerms terms = model.score(test.get(
                            org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to), org.nd4j.linalg.indexing.NDArrayIndex.all()));
                    System.arraycopy(terms.reconstruction().castTo(DataType.DOUBLE).toDoubleVector(), 0, rec, from, to - from);
                    System.arraycopy(terms.contractive().castTo(DataType.DOUBLE).toDoubleVector(), 0, jac, from, to - from);
                    if (meanSq != null) {
                        double[][] fe = terms.featureErrors().castTo(DataType.DOUBLE).toDoubleMatrix();
                        double avg = java.util.Arrays.stream(meanSq).average().orElse(1);
                        for (int f = 0; f < floors.length; f++) {
                            for (int q = 0; q < fe.length; q++) {
                                double acc = 0;
                                for (int j = 0; j < fe[q].length; j++) {
                                    acc += fe[q][j] / Math.max(meanSq[j], floors[f] * avg + 1e-12);
                                }
                                weighted[f][from + q] = acc;
                            }
                        }
                    }
                }
                double[] labels = new double[testLabels.length];
                for (int i = 0; i < labels.length; i++) {
                    labels[i] = testLabels[i] == k ? 0 : 1;
                }
                Map<AnomalyScore, Double> byScore = new java.util.EnumMap<>(AnomalyScore.class);
                for (AnomalyScore s : AnomalyScore.values()) {
                    double[] scores = new double[rec.length];
                    for (int i = 0; i < scores.length; i++) {
                        scores[i] = s.combine(rec[i], jac[i], v.getValue().contractiveWeight());
                    }
                    byScore.put(s, RocAuc.rocAuc(labels, scores));
                }
                perClass[c] = byScore.get(scoreKind);
                if (meanSq != null) {
                    StringBuilder wb = new StringBuilder();
                    for (int f = 0; f < floors.length; f++) {
                        wb.append(String.format(Locale.ROOT, " floor %.2f: %.4f", floors[f], RocAuc.rocAuc(labels, weighted[f])));
                    }
                    System.out.printf(Locale.ROOT, "%s class %d weighted:%s%n", v.getKey(), k, wb);
                }
                System.out.printf(Locale.ROOT, "%s class %d: ROC-AUC %.4f (reconstruction %.4f, contractive %.4f, total %.4f; %.0f s elapsed)%n",
                        v.getKey(), k, perClass[c], byScore.get(AnomalyScore.RECONSTRUCTION), byScore.get(AnomalyScore.CONTRACTIVE),
                        byScore.get(AnomalyScore.TOTAL), (System.nanoTime() - t0) / 1e9);
            }
            auc.put(v.getKey(), perClass);
        }
        String table = table(auc, cdae, classes, normalisation, scoreKind);
        System.out.println(table);
        if (output != null) {
            Files.writeString(java.nio.file.Path.of(output), table);
        }
    }

    private static String table(Map<String, double[]> auc, CdaeConfig c, int[] classes, String normalisation,
                                AnomalyScore score) {
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
            b.append(String.format(Locale.ROOT, "**%.3f** |%n", sum / classes.length));
        }
        b.append("\nnormalisation: ").append(normalisation).append(", anomaly score: ").append(score.key());
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

    /** Images of class {@code k} (all when labels is null) as a float matrix. */
    private static INDArray matrix(int[][] images, int[] labels, int k) {
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
        return Nd4j.create(rows.toArray(new float[0][]));
    }
}
