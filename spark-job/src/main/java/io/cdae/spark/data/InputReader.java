package io.cdae.spark.data;

import io.cdae.config.ConfigException;
import io.cdae.spark.config.JobConfig;
import io.cdae.spark.io.OutputCommit;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the job's input through Spark SQL from any Hadoop filesystem URI (a file or a directory of files):
 * CSV with a header, Parquet, or Fashion-MNIST IDX files; then selects the feature columns. Everything is
 * checked (path, files, format, columns, the row filter) before a Spark job runs on the data, and a failure to
 * read a file in any job over the input names the file ({@link DamagedInput}).
 */
public final class InputReader {
    /** Rows read to tell the CSV columns that hold numbers from those that hold words. */
    private static final int SAMPLE_ROWS = 1000;
    private final SparkSession spark;

    public InputReader(SparkSession spark) {
        this.spark = spark;
    }

    /** The rows of {@code path} selected by the config's {@code where}, with their feature columns (bad-rows fail or skip). */
    public FeatureTable read(String path, JobConfig config, String idColumn, String labelColumn) {
        return read(path, config, idColumn, labelColumn, null, null);
    }

    /**
     * Reads, filters, selects the feature columns and checks every row (bad rows handled by the config's
     * {@code bad-rows} policy; quarantined ones are staged in {@code outputs} for {@code quarantineDir}).
     */
    public FeatureTable read(String path, JobConfig config, String idColumn, String labelColumn, OutputCommit outputs,
                             String quarantineDir) {
        RawInput raw = open(path, config, idColumn, labelColumn, null);
        try {
            BadRowPolicy policy = new BadRowPolicy(config.badRows(), quarantineDir);
            Dataset<Row> validated = RowValidator.validate(raw.rows(), raw.features(), raw.keep(),
                    policy.policy().equals(BadRowPolicy.FAIL));
            BadRowPolicy.Outcome checked = policy.apply(validated, hadoop(), outputs);
            return new FeatureTable(checked.good(), raw.features(), idColumn, labelColumn, raw.files(), checked.badRows(),
                    checked.quarantine(), policy.policy().equals(BadRowPolicy.FAIL) ? raw.plain() : null);
        } catch (Exception e) {
            DamagedInput.throwIfInputError(e, raw.files(), hadoop());
            throw e;
        }
    }

    /**
     * The input before its rows are checked: the rows of {@code path} selected by {@code where} (all columns
     * as read, plus {@link RowValidator#SOURCE} and, for CSV, {@link RowValidator#CORRUPT}), the feature
     * columns, the columns to carry through (id, label) and the checked list of data files.
     */
    public record RawInput(Dataset<Row> rows, List<String> features, List<String> keep, InputFiles files,
                           Dataset<Row> plain) {
    }

    /**
     * Lists and checks the input's files ({@link InputFiles}), reads and filters the input and resolves its
     * feature columns; every check that needs no pass over the rows is done here. With {@code required} (a
     * model's feature columns) an input that lacks one of them is an input error naming them.
     */
    public RawInput open(String path, JobConfig config, String idColumn, String labelColumn, List<String> required) {
        InputFiles files = InputFiles.of(path, config.inputFormat(), hadoop());
        try {
            return open(files, config, idColumn, labelColumn, required);
        } catch (Exception e) {
            DamagedInput.throwIfInputError(e, files, hadoop());
            throw e;
        }
    }

    private RawInput open(InputFiles files, JobConfig config, String idColumn, String labelColumn,
                          List<String> required) {
        String path = files.path();
        Dataset<Row> df = switch (files.format()) {
            case "csv" -> csv(files);
            case "parquet" -> parquet(files);
            case "idx" -> IdxReader.read(spark, path).withColumn(RowValidator.SOURCE, functions.lit(path));
            default -> throw new IllegalStateException(files.format());
        };
        List<String> columns = userColumns(df);
        requireColumn(columns, idColumn, "--id-column", path);
        requireColumn(columns, labelColumn, "--label-column", path);
        if (!config.where().isEmpty()) {
            try {
                df = df.where(config.where());
                df.schema();
            } catch (Exception e) {
                // AnalysisException (unknown column) and ParseException (bad syntax) both extend it
                if (e instanceof AnalysisException) {
                    throw new ConfigException("where", config.where(), "a Spark SQL condition over the columns "
                            + columns + " (" + firstLine(e.getMessage()) + ")");
                }
                throw e;
            }
        }
        List<String> features;
        if (required != null) {
            List<String> missing = required.stream().filter(c -> !columns.contains(c)).toList();
            if (!missing.isEmpty()) {
                throw new InputException(path + " lacks " + missing.size() + " of the " + required.size()
                        + " feature columns the model was trained on: " + abbreviate(missing));
            }
            features = List.copyOf(required);
        } else {
            features = featureColumns(df, config, idColumn, labelColumn, path, files.format().equals("csv"));
        }
        Dataset<Row> plain = null;
        if (files.format().equals("csv")) {
            // read again with the features typed: Spark's CSV reader parses them to doubles, and the rows it cannot
            // read (wrong field count, text in a feature) keep their line in CORRUPT for RowValidator to explain
            StructType text = df.schema();
            df = typedCsv(files, text, features);
            plain = plainCsv(files, text, features);
            if (!config.where().isEmpty()) {
                df = df.where(config.where());
                plain = plain.where(config.where());
            }
        }
        List<String> keep = new ArrayList<>();
        if (idColumn != null) {
            keep.add(idColumn);
        }
        if (labelColumn != null && !labelColumn.equals(idColumn)) {
            keep.add(labelColumn);
        }
        if (files.format().equals("parquet")) {
            // Parquet's values are typed already: the plain read takes the feature columns cast to double, and
            // reads the id and label columns as the checked read does (a damaged page there is met either way)
            List<org.apache.spark.sql.Column> cols = new ArrayList<>();
            for (String c : keep) {
                cols.add(functions.col("`" + c + "`"));
            }
            for (String c : features) {
                cols.add(functions.col("`" + c + "`").cast(DataTypes.DoubleType).as(c));
            }
            plain = df.select(cols.toArray(new org.apache.spark.sql.Column[0]));
        }
        return new RawInput(df, features, List.copyOf(keep), files, plain);
    }

    private org.apache.hadoop.conf.Configuration hadoop() {
        return spark.sparkContext().hadoopConfiguration();
    }

    /** CSV with a header, every column read as text: to find its columns and which of them hold numbers. */
    private Dataset<Row> csv(InputFiles files) {
        String path = files.path();
        StructType header = spark.read().option("header", "true").csv(path).schema();
        if (header.fields().length == 0) {
            throw new InputException("no header in " + path + " (is the file empty?" + readsAsEmpty(files) + ")");
        }
        StructType schema = header.add(DataTypes.createStructField(RowValidator.CORRUPT, DataTypes.StringType, true));
        return spark.read().option("header", "true").option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", RowValidator.CORRUPT).schema(schema).csv(path)
                .withColumn(RowValidator.SOURCE, functions.input_file_name());
    }

    /**
     * The CSV input with its feature columns read as doubles and the others as text ({@code text}: the schema of
     * {@link #csv}). NaN and the infinities are spelled as Java reads them ({@code Double.parseDouble}), so a row
     * reads the same as when its text was parsed row by row: {@code Inf} is text, not a number.
     */
    private Dataset<Row> typedCsv(InputFiles files, StructType text, List<String> features) {
        return typedReader(text, features, true).option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", RowValidator.CORRUPT).csv(files.path())
                .withColumn(RowValidator.SOURCE, functions.input_file_name());
    }

    /**
     * The same typed read for CSV input whose every line is a plain row ({@link PlainRows}): no CORRUPT or SOURCE
     * column, and Spark's FAILFAST mode, so that a line Spark cannot read stops the read instead of being kept.
     * Spark fills the CORRUPT column of {@link #typedCsv} by looking every field of every row up by name, which
     * with a few hundred columns costs more than parsing the line.
     */
    private Dataset<Row> plainCsv(InputFiles files, StructType text, List<String> features) {
        return typedReader(text, features, false).option("mode", "FAILFAST").csv(files.path());
    }

    /**
     * A CSV reader with the header, the number spellings and the schema of {@code text} (the schema of
     * {@link #csv}) with the features as doubles and every other column as text; the CORRUPT column kept or not.
     */
    private org.apache.spark.sql.DataFrameReader typedReader(StructType text, List<String> features, boolean corrupt) {
        StructType schema = new StructType();
        for (StructField f : text.fields()) {
            if (f.name().equals(RowValidator.SOURCE) || !corrupt && f.name().equals(RowValidator.CORRUPT)) {
                continue;
            }
            boolean feature = features.contains(f.name()) && !f.name().equals(RowValidator.CORRUPT);
            schema = schema.add(f.name(), feature ? DataTypes.DoubleType : DataTypes.StringType, true);
        }
        return spark.read().option("header", "true").option("nanValue", "NaN").option("positiveInf", "Infinity")
                .option("negativeInf", "-Infinity").schema(schema);
    }

    /**
     * Why compressed input that is not empty may read as empty: Hadoop's block codecs (LZ4, Snappy) end the
     * stream quietly at data they cannot frame (a file written by the lz4 tool, a damaged one).
     */
    private String readsAsEmpty(InputFiles files) {
        org.apache.hadoop.io.compress.CompressionCodecFactory codecs =
                new org.apache.hadoop.io.compress.CompressionCodecFactory(hadoop());
        for (org.apache.hadoop.fs.Path f : files.files()) {
            try {
                long bytes = f.getFileSystem(hadoop()).getFileStatus(f).getLen();
                org.apache.hadoop.io.compress.CompressionCodec codec = codecs.getCodec(f);
                if (codec != null && bytes > 0) {
                    return " or compressed otherwise than Hadoop's " + codec.getClass().getSimpleName() + " reads? " + f
                            + " holds " + bytes + " bytes but reads as empty";
                }
            } catch (java.io.IOException e) {
                return "";
            }
        }
        return "";
    }

    /**
     * Parquet, schemas of all files merged; a damaged file is named ({@link DamagedInput}), files whose column
     * types disagree are an input error.
     */
    private Dataset<Row> parquet(InputFiles files) {
        try {
            Dataset<Row> df = spark.read().option("mergeSchema", "true").parquet(files.path());
            df.schema();
            return df.withColumn(RowValidator.SOURCE, functions.input_file_name());
        } catch (Exception e) {
            DamagedInput.throwIfInputError(e, files, hadoop());
            if (e instanceof AnalysisException || e instanceof org.apache.spark.SparkException
                    || e.getCause() instanceof org.apache.spark.SparkException) {
                throw new InputException("the Parquet files in " + files.path() + " have schemas that disagree: "
                        + firstLine(e.getMessage()), e);
            }
            throw e;
        }
    }

    private static List<String> userColumns(Dataset<Row> df) {
        return Arrays.stream(df.columns()).filter(c -> !c.equals(RowValidator.CORRUPT) && !c.equals(RowValidator.SOURCE))
                .toList();
    }

    private List<String> featureColumns(Dataset<Row> df, JobConfig config, String id, String label, String path,
                                        boolean text) {
        List<String> columns = userColumns(df);
        if (!config.featureColumns().isEmpty()) {
            for (String c : config.featureColumns()) {
                if (!columns.contains(c)) {
                    throw new ConfigException("feature-columns", c, "a column of " + path + " " + columns);
                }
            }
            return List.copyOf(config.featureColumns());
        }
        for (String c : config.excludeColumns()) {
            if (!columns.contains(c)) {
                throw new ConfigException("exclude-columns", c, "a column of " + path + " " + columns);
            }
        }
        List<String> candidates = columns.stream().filter(c -> !c.equals(id) && !c.equals(label)
                && !config.excludeColumns().contains(c)).toList();
        List<InternalRow> sample = text ? textSample(df, candidates) : List.of();
        if (text && sample.isEmpty()) {
            throw new InputException("no training rows in " + path + ": no data rows"
                    + (config.where().isEmpty() ? " (only a header?)" : " matching where = " + config.where()));
        }
        List<String> out = text ? numericLooking(sample, candidates) : candidates.stream()
                .filter(c -> field(df, c).dataType() instanceof NumericType).toList();
        if (out.isEmpty()) {
            throw new InputException("no numeric feature columns in " + path + " (columns: " + columns + ")");
        }
        return out;
    }

    /**
     * The text columns that hold numbers: at least 90 % of the non-empty values among the first
     * {@value #SAMPLE_ROWS} rows ({@code sample}) parse as numbers. A numeric column with a few bad values stays a
     * feature, and its bad rows are caught row by row; a column of words (an id, a split name) is not a feature.
     */
    private static List<String> numericLooking(List<InternalRow> sample, List<String> candidates) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            String c = candidates.get(i);
            long present = 0;
            long numeric = 0;
            for (InternalRow r : sample) {
                if (!r.isNullAt(i)) {
                    present++;
                    numeric += isNumber(r.getUTF8String(i).toString()) ? 1 : 0;
                }
            }
            if (present > 0 && numeric >= 0.9 * present) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * The first {@value #SAMPLE_ROWS} rows of the text columns {@code candidates} (in that order), as Spark's
     * internal rows: collected without converting each to a {@code Row}, whose generated converter for a few
     * hundred columns took longer to compile than the sample to read.
     */
    private static List<InternalRow> textSample(Dataset<Row> df, List<String> candidates) {
        org.apache.spark.sql.Column[] cols = candidates.stream().map(c -> functions.col("`" + c + "`"))
                .toArray(org.apache.spark.sql.Column[]::new);
        return Arrays.asList((InternalRow[]) df.select(cols).limit(SAMPLE_ROWS).queryExecution().executedPlan()
                .executeCollect());
    }

    /** As Spark's cast of text to double reads it (surrounding blanks allowed). */
    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s.trim());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 10 ? names.toString() : names.subList(0, 10) + " and " + (names.size() - 10) + " more";
    }

    private static StructField field(Dataset<Row> df, String name) {
        for (StructField f : df.schema().fields()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        return null;
    }

    private static void requireColumn(List<String> columns, String column, String option, String path) {
        if (column != null && !columns.contains(column)) {
            throw new InputException(option + " '" + column + "' is not a column of " + path + " " + columns);
        }
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.split("\n", 2)[0];
    }
}
