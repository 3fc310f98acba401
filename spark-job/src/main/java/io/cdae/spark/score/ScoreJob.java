package io.cdae.spark.score;

import io.cdae.config.CdaeConfigJson;
import io.cdae.io.CdaeModel;
import io.cdae.io.ModelFormatException;
import io.cdae.spark.config.ConfigSources;
import io.cdae.spark.config.JobConfig;
import io.cdae.spark.data.InputException;
import io.cdae.spark.data.InputReader;
import io.cdae.spark.io.OutputCommit;
import io.cdae.spark.data.DamagedInput;
import io.cdae.spark.io.ModelRepository;
import io.cdae.spark.ml.CdaeSparkModel;
import io.cdae.spark.ml.ScoreColumns;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.mllib.evaluation.BinaryClassificationMetrics;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import org.apache.hadoop.conf.Configuration;
import io.cdae.spark.data.BadRowPolicy;
import io.cdae.spark.data.RowValidator;
import java.util.Comparator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * The scoring job: one output row per input row (its id, or a stable row id; the label when given; the
 * score columns); with a label column also metrics.json and a report; with bad rows quarantined, those. All of
 * them are committed together ({@link OutputCommit}) once every check passed, or none is. A thin wrapper
 * over {@link CdaeSparkModel#score}, fed by a {@link ColumnExtractor} that reads each feature column from
 * Spark's internal rows, so the input is read once and never assembled into vectors.
 */
public final class ScoreJob {
    /** Name of the row id column added when the input has no id column. */
    public static final String ROW_ID = "row_id";
    private static final Logger LOG = LoggerFactory.getLogger(ScoreJob.class);
    private static final int BINS = 40;

    /** The command line. {@code threshold} null = the calibrated one; {@code reportDir} null = OUTPUT-report. */
    public record Request(String model, String input, String output, String format, String idColumn,
                          String labelColumn, Double threshold, int topFeatures, boolean featureErrors,
                          List<String> sets, String reportDir) {
    }

    /** What the job wrote. {@code metrics} is null without a label column. */
    public record Outcome(long rows, long flagged, double threshold, ScoreMetrics metrics, String output,
                          String reportDir, long badRows, String quarantine) {
    }

    private final SparkSession spark;

    public ScoreJob(SparkSession spark) {
        this.spark = spark;
    }

    /**
     * Scores, checks and reports, then commits the scores, the report and the quarantined rows together:
     * every check (bad rows under fail, an empty input, the labels) runs on the uncommitted outputs, so a
     * failed run commits nothing and a previous output stays as it was.
     */
    public Outcome run(Request r) {
        if (!r.format().equals("parquet") && !r.format().equals("csv")) {
            throw new io.cdae.config.ConfigException("--format", r.format(), "parquet or csv");
        }
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        CdaeModel model = new ModelRepository(hadoop).load(r.model());
        List<String> features = featureColumns(model, r.model());
        JobConfig job = ConfigSources.load(null, r.sets());
        String reportDir = r.labelColumn() == null ? null : r.reportDir() != null ? r.reportDir() : r.output() + "-report";
        try (OutputCommit outputs = new OutputCommit(hadoop)) {
            boolean quarantine = job.badRows().equals(BadRowPolicy.QUARANTINE);
            outputs.requireWritable(r.output(), "--output");
            if (reportDir != null) {
                outputs.requireWritable(reportDir, "--report-dir");
            }
            if (quarantine) {
                outputs.requireWritable(job.quarantineFor(r.output()), "quarantine-dir");
            }
            // staged in the order they are committed: the scores, which --if-absent looks for, last
            if (quarantine) {
                outputs.stage(job.quarantineFor(r.output()));
            }
            if (reportDir != null) {
                outputs.stage(reportDir);
            }
            InputReader.RawInput in = new InputReader(spark).open(r.input(), job, r.idColumn(), r.labelColumn(), features);
            try {
                Outcome o = score(r, model, features, job, in, outputs, reportDir);
                outputs.commit();
                return o;
            } catch (Exception e) {
                DamagedInput.throwIfInputError(e, in.files(), hadoop);
                throw e;
            }
        }
    }

    private Outcome score(Request r, CdaeModel model, List<String> features, JobConfig job, InputReader.RawInput in,
                          OutputCommit outputs, String reportDir) {
        BadRowPolicy policy = new BadRowPolicy(job.badRows(), job.quarantineFor(r.output()));
        CdaeSparkModel stage = new CdaeSparkModel(model).setTopFeatures(r.topFeatures())
                .setFeatureErrors(r.featureErrors()).setThreshold(r.threshold() == null ? Double.NaN : r.threshold());
        double threshold = stage.effectiveThreshold();

        // one pass over the input: check, score and write each row; bad rows are counted on the way
        Dataset<Row> input = projected(in);
        JavaRDD<InternalRow> rows = input.queryExecution().toRdd().toJavaRDD().mapPartitions(DamagedInput::guard, true);
        long[] offsets = r.idColumn() == null ? rowIdOffsets(input, rows.getNumPartitions()) : null;
        Pass pass = new Pass(spark.sparkContext().longAccumulator("cdae.rows"),
                spark.sparkContext().longAccumulator("cdae.bad-rows"),
                spark.sparkContext().collectionAccumulator("cdae.first-bad-row"));
        ColumnExtractor.Plan plan = ColumnExtractor.Plan.of(input.schema(), in.keep(), features, offsets,
                policy.policy().equals(BadRowPolicy.FAIL), pass.good(), pass.bad(), pass.firstBad());
        StructType schema = outputSchema(input.schema(), in.keep(), r.idColumn() == null, r.featureErrors(), r.topFeatures() > 0);
        Path scores = outputs.stage(r.output());
        write(spark.createDataFrame(stage.score(rows, p -> new ColumnExtractor(plan, p)), schema), scores, r.format());
        String quarantine = settleBadRows(pass, policy, in, features, job.where(), outputs);

        // the written scores are small (a few columns): everything after the write reads them back
        Dataset<Row> written = readBack(scores, r.format(), r.labelColumn());
        long flagged = written.filter(col(ScoreColumns.IS_ANOMALY)).count();
        ScoreMetrics metrics = null;
        if (reportDir != null) {
            metrics = evaluate(written, r.labelColumn(), threshold, stage.cdaeModel());
            writeReport(metrics, histogram(written, r.labelColumn()), reportDir, outputs);
        }
        return new Outcome(pass.good().value(), flagged, threshold, metrics, r.output(), reportDir, pass.bad().value(),
                quarantine);
    }

    /** The counters of the scoring pass: good rows, bad rows, the first bad row of each partition. */
    private record Pass(LongAccumulator good, LongAccumulator bad, CollectionAccumulator<ColumnExtractor.BadRow> firstBad) {
    }

    /**
     * After the pass, before anything is committed: under fail the first bad row is the error; an input that
     * left no row to score is one; quarantined rows are staged. Returns where they go, or null.
     */
    private String settleBadRows(Pass pass, BadRowPolicy policy, InputReader.RawInput in, List<String> features,
                                 String where, OutputCommit outputs) {
        long bad = pass.bad().value();
        if (bad > 0 && policy.policy().equals(BadRowPolicy.FAIL)) {
            ColumnExtractor.BadRow b = pass.firstBad().value().stream()
                    .min(Comparator.comparingInt(ColumnExtractor.BadRow::partition)
                            .thenComparingLong(ColumnExtractor.BadRow::position)).orElseThrow();
            throw BadRowPolicy.badRow(b.file(), b.raw(), b.reason(), spark.sparkContext().hadoopConfiguration());
        }
        if (pass.good().value() == 0) {
            throw noRows(in.files().path(), where, bad);
        }
        if (bad > 0 && policy.policy().equals(BadRowPolicy.QUARANTINE)) {
            policy.quarantine(RowValidator.validate(in.rows(), features, in.keep()), outputs);
            LOG.warn("{} bad rows to be quarantined in {}", bad, policy.quarantineDir());
            return policy.quarantineDir();
        }
        if (bad > 0) {
            LOG.warn("{} bad rows skipped", bad);
        }
        return null;
    }

    /** The error for an input that left no row to score: no data rows, none matching where, or only bad ones. */
    private static InputException noRows(String input, String where, long badRows) {
        String why = badRows > 0 ? ": all " + badRows + " rows are bad rows" : where.isEmpty() ? ": no data rows" : "";
        return new InputException("no rows to score in " + input + (where.isEmpty() ? "" : " matching where = " + where)
                + why + "; nothing written");
    }

    /** The columns the pass reads: all of a CSV file's (its lines are checked whole), else only those it uses. */
    private static Dataset<Row> projected(InputReader.RawInput in) {
        if (Arrays.asList(in.rows().columns()).contains(RowValidator.CORRUPT)) {
            return in.rows();
        }
        List<Column> cols = new ArrayList<>();
        for (String c : in.keep()) {
            cols.add(col("`" + c + "`"));
        }
        for (String c : in.features()) {
            if (!in.keep().contains(c)) {
                cols.add(col("`" + c + "`"));
            }
        }
        cols.add(col(RowValidator.SOURCE));
        return in.rows().select(cols.toArray(new Column[0]));
    }

    /**
     * Where each partition's rows start in the input, so that {@code row_id} is a row's position in the input
     * (file order, then row order) without numbering the scored rows: a count per partition that reads no
     * column (Parquet reads no values for it). The input's partitions are the same in both passes: Spark
     * splits files by their sizes, not by the columns read.
     */
    private static long[] rowIdOffsets(Dataset<Row> input, int partitions) {
        JavaRDD<InternalRow> none = input.select(new Column[0]).queryExecution().toRdd().toJavaRDD();
        if (none.getNumPartitions() != partitions) {
            throw new IllegalStateException("the row count has " + none.getNumPartitions() + " partitions, the input "
                    + partitions);
        }
        List<long[]> counts = none.mapPartitionsWithIndex((p, rows) -> {
            java.util.Iterator<InternalRow> it = DamagedInput.guard(rows);
            long n = 0;
            for (; it.hasNext(); it.next()) {
                n++;
            }
            return java.util.List.of(new long[] {p, n}).iterator();
        }, true).collect();
        long[] perPartition = new long[partitions];
        for (long[] c : counts) {
            perPartition[(int) c[0]] = c[1];
        }
        long[] offsets = new long[partitions];
        for (int p = 1; p < partitions; p++) {
            offsets[p] = offsets[p - 1] + perPartition[p - 1];
        }
        return offsets;
    }

    private static StructType outputSchema(StructType input, List<String> keep, boolean rowId, boolean featureErrors,
                                           boolean topFeatures) {
        StructType s = new StructType();
        if (rowId) {
            s = s.add(DataTypes.createStructField(ROW_ID, DataTypes.LongType, false));
        }
        for (String c : keep) {
            s = s.add(input.apply(c));
        }
        return ScoreColumns.append(s, featureErrors, topFeatures);
    }

    /**
     * The id, label, score and flag columns of the scores written to {@code dir} (a staged, hidden path: its
     * part files are read by name, as Spark would warn that it ignores a hidden directory).
     */
    private Dataset<Row> readBack(Path dir, String format, String label) {
        List<Column> cols = new ArrayList<>();
        cols.add(col(ScoreColumns.ANOMALY_SCORE).cast("double").as(ScoreColumns.ANOMALY_SCORE));
        cols.add(col(ScoreColumns.IS_ANOMALY).cast("boolean").as(ScoreColumns.IS_ANOMALY));
        if (label != null) {
            cols.add(col("`" + label + "`"));
        }
        String[] parts;
        try {
            parts = Arrays.stream(dir.getFileSystem(spark.sparkContext().hadoopConfiguration()).listStatus(dir))
                    .map(f -> f.getPath().toString()).filter(f -> !hidden(new Path(f).getName())).toArray(String[]::new);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot list the scores written to " + dir + ": " + e.getMessage(), e);
        }
        Dataset<Row> df = format.equals("csv") ? spark.read().option("header", "true").csv(parts) : spark.read().parquet(parts);
        return df.select(cols.toArray(new Column[0]));
    }

    private static boolean hidden(String name) {
        return name.startsWith(".") || name.startsWith("_");
    }

    private static List<String> featureColumns(CdaeModel model, String path) {
        String cols = model.metadata().get("feature-columns");
        if (cols == null || cols.isEmpty()) {
            throw new ModelFormatException("model " + path + " does not record its feature columns (metadata feature-columns)");
        }
        List<String> list = Arrays.asList(cols.split(","));
        if (list.size() != model.config().inputWidth()) {
            throw new ModelFormatException("model " + path + " lists " + list.size() + " feature columns but its input-width is "
                    + model.config().inputWidth());
        }
        return list;
    }

    /** Writes the scores to {@code dir} (a staged path): Parquet, or CSV with arrays joined by ';'. */
    private static void write(Dataset<Row> scored, Path dir, String format) {
        if (format.equals("csv")) {
            Dataset<Row> flat = scored;
            for (String c : List.of(ScoreColumns.FEATURE_ERRORS, ScoreColumns.TOP_FEATURES)) {
                if (Arrays.asList(scored.columns()).contains(c)) {
                    flat = flat.withColumn(c, org.apache.spark.sql.functions.array_join(col(c).cast("array<string>"), ";"));
                }
            }
            flat.write().option("header", "true").csv(dir.toString());
        } else {
            scored.write().parquet(dir.toString());
        }
    }

    private static ScoreMetrics evaluate(Dataset<Row> scored, String label, double threshold, CdaeModel model) {
        Column y = col("`" + label + "`").cast("double");
        Row agg = scored.agg(count("*"), sum(when(y.equalTo(1.0), 1).otherwise(0)),
                sum(when(col(ScoreColumns.IS_ANOMALY), 1).otherwise(0)),
                sum(when(y.equalTo(1.0).and(col(ScoreColumns.IS_ANOMALY)), 1).otherwise(0)),
                sum(when(y.isNull().or(y.notEqual(0.0).and(y.notEqual(1.0))), 1).otherwise(0))).first();
        if (agg.getLong(4) > 0) {
            throw new InputException("label column '" + label + "' has " + agg.getLong(4)
                    + " values that are neither 0 (normal) nor 1 (anomaly)");
        }
        BinaryClassificationMetrics m = new BinaryClassificationMetrics(scored.select(col(ScoreColumns.ANOMALY_SCORE), y)
                .javaRDD().map(row -> new Tuple2<Object, Object>(row.getDouble(0), row.getDouble(1))).rdd());
        try {
            String score = model.calibration() == null ? "reconstruction" : model.calibration().anomalyScore();
            return ScoreMetrics.of(agg.getLong(0), agg.getLong(1), agg.getLong(2), m.areaUnderROC(), m.areaUnderPR(),
                    threshold, agg.getLong(3), score);
        } finally {
            m.scoreAndLabels().unpersist(false);
        }
    }

    /** Counts per bin of normal and anomalous rows; log-spaced bins when the scores span over two decades. */
    private static ScoreReport.Histogram histogram(Dataset<Row> scored, String label) {
        Row range = scored.agg(min(ScoreColumns.ANOMALY_SCORE), max(ScoreColumns.ANOMALY_SCORE)).first();
        double lo = range.getDouble(0);
        double hi = Math.max(range.getDouble(1), lo + 1e-12);
        boolean log = lo > 0 && hi / lo > 100;
        double a = log ? Math.log10(lo) : lo;
        double width = ((log ? Math.log10(hi) : hi) - a) / BINS;
        Column s = col(ScoreColumns.ANOMALY_SCORE);
        Column x = log ? org.apache.spark.sql.functions.log10(s) : s;
        Column bin = org.apache.spark.sql.functions.greatest(org.apache.spark.sql.functions.lit(0),
                org.apache.spark.sql.functions.least(org.apache.spark.sql.functions.floor(x.minus(a).divide(width)),
                        org.apache.spark.sql.functions.lit(BINS - 1))).cast("int");
        double[] edges = new double[BINS + 1];
        for (int i = 0; i <= BINS; i++) {
            edges[i] = log ? Math.pow(10, a + i * width) : a + i * width;
        }
        long[] normal = new long[BINS];
        long[] anomalous = new long[BINS];
        for (Row g : scored.groupBy(bin.as("bin"), col("`" + label + "`").cast("double").as("y")).count().collectAsList()) {
            (g.getDouble(1) == 1.0 ? anomalous : normal)[g.getInt(0)] += g.getLong(2);
        }
        return new ScoreReport.Histogram(edges, normal, anomalous, log);
    }

    private static void writeReport(ScoreMetrics m, ScoreReport.Histogram h, String dir, OutputCommit outputs) {
        try {
            byte[] json = CdaeConfigJson.mapper().writeValueAsBytes(m);
            outputs.stageFiles(dir, ScoreReport.files(json, m, h));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
