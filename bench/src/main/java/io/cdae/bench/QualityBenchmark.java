package io.cdae.bench;

import com.linkedin.relevance.isolationforest.IsolationForestModel;
import io.cdae.io.CdaeModel;
import io.cdae.score.AnomalyScore;
import io.cdae.score.BatchScorer;
import io.cdae.score.RocAuc;
import io.cdae.spark.io.ModelRepository;
import io.cdae.spark.ml.ScoreColumns;
import io.cdae.spark.score.ScoreJob;
import io.cdae.spark.train.TrainJob;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The detection-quality benchmark: the CDAE at the shipped defaults against LinkedIn's isolation forest and the
 * kNN-distance detector, on the same splits in one run.
 *
 * <ul>
 *   <li>Fashion-MNIST one-class: for each class k, train on the training images of class k, score the 10,000 test
 *       images; anomalies = the other nine classes.</li>
 *   <li>The tabular novelty suite ({@code ../shared/data/tabular-suite}): train on {@code NAME/train.csv}, score
 *       {@code NAME/test.csv} against its {@code label} column.</li>
 * </ul>
 * The CDAE goes through the code path of {@code cdae-train} and {@code cdae-score} ({@link TrainJob} and
 * {@link ScoreJob} on the input files, in a local Spark session); its ROC-AUC is computed from the scores the
 * scoring job wrote. The same trained model is then scored in-process by every anomaly score, a table for
 * choosing the defaults. The isolation forest has 100 trees of 256 samples; kNN is the mean distance to the 5
 * nearest training rows, on standardised features (tabular) or pixels / 255 (Fashion-MNIST).
 *
 * <pre>usage: QualityBenchmark [--suite all|fmnist|tabular] [--fmnist DIR] [--tabular DIR] [--classes 0,6]
 *        [--sets letter,wine] [--master local[2]] [--set key=value ...] [--work DIR] [--output FILE.md]
 *        [--throughput]</pre>
 */
public final class QualityBenchmark {
    private static final int KNN_K = 5;
    private static final int BATCH = 1024;

    /** One benchmark split: training rows, test rows and their labels (1 = anomaly), and how the CLI reads them. */
    record Case(String suite, String name, double[][] train, double[][] test, double[] labels, String[] testIds,
                String trainInput, String testInput, List<String> trainSets, String idColumn, boolean knnStandardise) {
    }

    /** What each detector scored on a case. */
    record Result(Case c, double cdae, Map<AnomalyScore, Double> byScore, double iforest, double knn, double seconds) {
    }

    private QualityBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Options o = Options.parse(args);
        SparkSession spark = BenchSessions.local(o.master, "cdae-quality");
        Files.createDirectories(o.work);
        List<Result> results = new ArrayList<>();
        List<Case> cases = new ArrayList<>();
        if (!o.suite.equals("fmnist")) {
            cases.addAll(tabularCases(o));
        }
        if (!o.suite.equals("tabular")) {
            cases.addAll(fmnistCases(spark, o));
        }
        for (Case c : cases) {
            results.add(run(spark, c, o));
            Result r = results.get(results.size() - 1);
            System.out.printf(Locale.ROOT, "%s %s: cdae %.4f | iforest %.4f | knn %.4f | scores %s (%.0f s)%n", c.suite(),
                    c.name(), r.cdae(), r.iforest(), r.knn(), format(r.byScore()), r.seconds());
        }
        StringBuilder report = new StringBuilder();
        for (String suite : List.of("tabular", "fmnist")) {
            List<Result> part = results.stream().filter(r -> r.c().suite().equals(suite)).toList();
            if (!part.isEmpty()) {
                report.append(table(suite, part)).append('\n').append(scoreTable(suite, part)).append('\n');
            }
        }
        report.append("CDAE settings: shipped defaults").append(o.sets.isEmpty() ? "" : " with " + o.sets).append('\n');
        if (o.throughput) {
            report.append(Throughput.run(spark, o.work, cases, results.stream().map(r -> modelDir(o, r.c())).toList()));
        }
        spark.stop();
        System.out.println(report);
        if (o.output != null) {
            Files.writeString(o.output, report.toString());
        }
    }

    private static Result run(SparkSession spark, Case c, Options o) throws IOException {
        long t0 = System.nanoTime();
        String model = modelDir(o, c).toString();
        String scores = o.work.resolve(c.suite() + "-" + c.name() + "-scores").toString();
        List<String> sets = new ArrayList<>(c.trainSets());
        sets.addAll(o.sets);
        new TrainJob(spark).run(new TrainJob.Request(c.trainInput(), model, null, sets, c.idColumn(), null, false));
        new ScoreJob(spark).run(new ScoreJob.Request(model, c.testInput(), scores, "parquet", c.idColumn(), null, null, 0,
                false, List.of(), null));
        double cdae = RocAuc.rocAuc(c.labels(), written(spark, scores, c.idColumn(), c.testIds()));

        CdaeModel m = new ModelRepository(spark.sparkContext().hadoopConfiguration()).load(model);
        Map<AnomalyScore, Double> byScore = new EnumMap<>(AnomalyScore.class);
        for (AnomalyScore s : AnomalyScore.values()) {
            byScore.put(s, RocAuc.rocAuc(c.labels(), score(m, s, c.test())));
        }
        IsolationForestModel forest = IsolationForestBaseline.fit(spark, c.train());
        double iforest = RocAuc.rocAuc(c.labels(), IsolationForestBaseline.scores(spark, forest, c.test()));
        double[][][] scaled = c.knnStandardise() ? KnnDistance.standardise(c.train(), c.test())
                : new double[][][] {divide(c.train(), 255.0), divide(c.test(), 255.0)};
        double knn = RocAuc.rocAuc(c.labels(), KnnDistance.scores(scaled[0], scaled[1], KNN_K));
        return new Result(c, cdae, byScore, iforest, knn, (System.nanoTime() - t0) / 1e9);
    }

    static Path modelDir(Options o, Case c) {
        return o.work.resolve(c.suite() + "-" + c.name() + "-model");
    }

    /** The anomaly scores the scoring job wrote, in test-row order (matched by the id column). */
    private static double[] written(SparkSession spark, String scores, String idColumn, String[] ids) {
        Map<String, Integer> position = new java.util.HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            position.put(ids[i], i);
        }
        double[] out = new double[ids.length];
        int seen = 0;
        for (Row r : spark.read().parquet(scores).select(idColumn, ScoreColumns.ANOMALY_SCORE).collectAsList()) {
            out[position.get(String.valueOf(r.get(0)))] = r.getDouble(1);
            seen++;
        }
        if (seen != ids.length) {
            throw new IllegalStateException("the scoring job wrote " + seen + " rows for " + ids.length + " test rows");
        }
        return out;
    }

    /** The model's score {@code s} of every test row, in minibatches, as the scoring job computes it. */
    private static double[] score(CdaeModel m, AnomalyScore s, double[][] test) {
        BatchScorer scorer = new BatchScorer(m, s, Double.POSITIVE_INFINITY);
        double[] out = new double[test.length];
        for (int from = 0; from < test.length; from += BATCH) {
            int n = Math.min(BATCH, test.length - from);
            float[][] batch = new float[n][];
            for (int i = 0; i < n; i++) {
                batch[i] = toFloats(test[from + i]);
            }
            BatchScorer.RowScore[] r = scorer.score(batch, 0, false);
            for (int i = 0; i < n; i++) {
                out[from + i] = r[i].anomalyScore();
            }
        }
        return out;
    }

    private static List<Case> tabularCases(Options o) throws IOException {
        List<Case> cases = new ArrayList<>();
        for (String name : o.tabularSets) {
            Path dir = o.tabular.resolve(name);
            double[][][] train = readCsv(dir.resolve("train.csv"), false, null);
            List<String> ids = new ArrayList<>();
            double[][][] test = readCsv(dir.resolve("test.csv"), true, ids);
            double[] labels = new double[test[0].length];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = test[1][i][0];
            }
            cases.add(new Case("tabular", name, train[0], test[0], labels, ids.toArray(new String[0]),
                    dir.resolve("train.csv").toString(), dir.resolve("test.csv").toString(), List.of(), "id", true));
        }
        return cases;
    }

    /**
     * The Fashion-MNIST cases. The IDX files are converted once to Parquet in the work directory (columns row_id,
     * class, p0..p783, as the IDX reader names them), the format a Spark user would keep them in; the jobs read those.
     */
    private static List<Case> fmnistCases(SparkSession spark, Options o) throws IOException {
        org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
        String trainIdx = o.fmnist.resolve("train-images-idx3-ubyte.gz").toString();
        String testIdx = o.fmnist.resolve("t10k-images-idx3-ubyte.gz").toString();
        String trainImages = asParquet(spark, trainIdx, o.work.resolve("fmnist-train.parquet"));
        String testImages = asParquet(spark, testIdx, o.work.resolve("fmnist-test.parquet"));
        int[][] trainX = io.cdae.spark.data.IdxReader.readImages(new org.apache.hadoop.fs.Path(trainIdx), conf);
        int[] trainY = io.cdae.spark.data.IdxReader.readLabels(
                new org.apache.hadoop.fs.Path(o.fmnist.resolve("train-labels-idx1-ubyte.gz").toString()), conf, trainX.length);
        int[][] testX = io.cdae.spark.data.IdxReader.readImages(new org.apache.hadoop.fs.Path(testIdx), conf);
        int[] testY = io.cdae.spark.data.IdxReader.readLabels(
                new org.apache.hadoop.fs.Path(o.fmnist.resolve("t10k-labels-idx1-ubyte.gz").toString()), conf, testX.length);
        double[][] test = doubles(testX);
        List<Case> cases = new ArrayList<>();
        for (int k : o.classes) {
            List<double[]> train = new ArrayList<>();
            for (int i = 0; i < trainX.length; i++) {
                if (trainY[i] == k) {
                    train.add(doubles(trainX[i]));
                }
            }
            double[] labels = new double[testY.length];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = testY[i] == k ? 0 : 1;
            }
            String[] ids = new String[testY.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = Integer.toString(i);
            }
            cases.add(new Case("fmnist", "class " + k, train.toArray(new double[0][]), test, labels, ids, trainImages,
                    testImages, List.of("where=class = " + k, "exclude-columns=class"), "row_id", false));
        }
        return cases;
    }

    /** {@code idx} written as Parquet to {@code target}, unless it is there already; its path. */
    private static String asParquet(SparkSession spark, String idx, Path target) {
        if (!Files.exists(target.resolve("_SUCCESS"))) {
            io.cdae.spark.data.IdxReader.read(spark, idx).repartition(4).write()
                    .mode(org.apache.spark.sql.SaveMode.Overwrite).parquet(target.toString());
        }
        return target.toString();
    }

    /**
     * Features (every column but id and label) and, with {@code labelled}, the label column as [n][1]; the ids are
     * added to {@code ids} when it is not null.
     */
    private static double[][][] readCsv(Path file, boolean labelled, List<String> ids) throws IOException {
        List<double[]> rows = new ArrayList<>();
        List<double[]> labels = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             CSVParser p = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(r)) {
            List<String> features = p.getHeaderNames().stream().filter(h -> !h.equals("id") && !h.equals("label")).toList();
            for (CSVRecord rec : p) {
                double[] v = new double[features.size()];
                for (int j = 0; j < v.length; j++) {
                    v[j] = Double.parseDouble(rec.get(features.get(j)));
                }
                rows.add(v);
                if (ids != null) {
                    ids.add(rec.get("id"));
                }
                if (labelled) {
                    labels.add(new double[] {Double.parseDouble(rec.get("label"))});
                }
            }
        }
        return new double[][][] {rows.toArray(new double[0][]), labels.toArray(new double[0][])};
    }

    private static String table(String suite, List<Result> results) {
        StringBuilder b = new StringBuilder("| " + suite + " | CDAE (defaults) | IsolationForest | kNN (k = 5) | CDAE - IF | CDAE - kNN |\n");
        b.append("|---|---|---|---|---|---|\n");
        double[] sums = new double[3];
        for (Result r : results) {
            b.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %+.4f | %+.4f |%n", r.c().name(), r.cdae(),
                    r.iforest(), r.knn(), r.cdae() - r.iforest(), r.cdae() - r.knn()));
            sums[0] += r.cdae();
            sums[1] += r.iforest();
            sums[2] += r.knn();
        }
        int n = results.size();
        b.append(String.format(Locale.ROOT, "| **mean** | **%.4f** | **%.4f** | **%.4f** | %+.4f | %+.4f |%n", sums[0] / n,
                sums[1] / n, sums[2] / n, (sums[0] - sums[1]) / n, (sums[0] - sums[2]) / n));
        return b.toString();
    }

    /** ROC-AUC of every anomaly score of the same trained models. */
    private static String scoreTable(String suite, List<Result> results) {
        StringBuilder b = new StringBuilder("| " + suite + " (CDAE scores) |");
        for (AnomalyScore s : AnomalyScore.values()) {
            b.append(' ').append(s.key()).append(" |");
        }
        b.append('\n').append("|---|").append("---|".repeat(AnomalyScore.values().length)).append('\n');
        double[] sums = new double[AnomalyScore.values().length];
        for (Result r : results) {
            b.append("| ").append(r.c().name()).append(" |");
            for (AnomalyScore s : AnomalyScore.values()) {
                b.append(String.format(Locale.ROOT, " %.4f |", r.byScore().get(s)));
                sums[s.ordinal()] += r.byScore().get(s);
            }
            b.append('\n');
        }
        b.append("| **mean** |");
        for (double s : sums) {
            b.append(String.format(Locale.ROOT, " **%.4f** |", s / results.size()));
        }
        return b.append('\n').toString();
    }

    private static String format(Map<AnomalyScore, Double> m) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(k.key()).append(String.format(Locale.ROOT, "=%.3f ", v)));
        return b.toString().trim();
    }

    private static double[][] doubles(int[][] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = doubles(rows[i]);
        }
        return out;
    }

    private static double[] doubles(int[] row) {
        double[] d = new double[row.length];
        for (int j = 0; j < d.length; j++) {
            d[j] = row[j];
        }
        return d;
    }

    private static double[][] divide(double[][] rows, double by) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = new double[rows[i].length];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = rows[i][j] / by;
            }
        }
        return out;
    }

    static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int j = 0; j < f.length; j++) {
            f[j] = (float) v[j];
        }
        return f;
    }

    /** The command line. */
    static final class Options {
        String suite = "all";
        Path fmnist = Path.of("/usr/share/datasets/fashion-mnist");
        Path tabular = Path.of("../shared/data/tabular-suite");
        int[] classes = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        List<String> sets = new ArrayList<>();
        List<String> tabularSets = new ArrayList<>(List.of("letter", "vowels", "sonar", "vehicle", "optdigits", "wine"));
        String master = "local[2]";
        Path work = Path.of("work/quality");
        Path output;
        boolean throughput;

        static Options parse(String[] args) {
            Options o = new Options();
            Map<String, String> unused = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--suite" -> o.suite = args[++i];
                    case "--fmnist" -> o.fmnist = Path.of(args[++i]);
                    case "--tabular" -> o.tabular = Path.of(args[++i]);
                    case "--classes" -> o.classes = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                    case "--sets" -> o.tabularSets = Arrays.asList(args[++i].split(","));
                    case "--master" -> o.master = args[++i];
                    case "--set" -> o.sets.add(args[++i]);
                    case "--work" -> o.work = Path.of(args[++i]);
                    case "--output" -> o.output = Path.of(args[++i]);
                    case "--throughput" -> o.throughput = true;
                    default -> unused.put(args[i], "");
                }
            }
            if (!unused.isEmpty()) {
                throw new IllegalArgumentException("unknown arguments " + unused.keySet());
            }
            if (!List.of("all", "fmnist", "tabular").contains(o.suite)) {
                throw new IllegalArgumentException("--suite takes all, fmnist or tabular, found " + o.suite);
            }
            return o;
        }
    }
}
