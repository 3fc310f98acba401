package io.cdae.spark.data;

import io.cdae.config.ConfigException;
import io.cdae.spark.config.JobConfig;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads the job's input through Spark SQL from any Hadoop filesystem URI (a file or a directory of files):
 * CSV with a header, Parquet, or Fashion-MNIST IDX files; then selects the feature columns. Everything is
 * checked (path, format, columns, the row filter) before a Spark job runs on the data.
 */
public final class InputReader {
    private final SparkSession spark;

    public InputReader(SparkSession spark) {
        this.spark = spark;
    }

    /** The rows of {@code path} selected by the config's {@code where}, with their feature columns. */
    public FeatureTable read(String path, JobConfig config, String idColumn, String labelColumn) {
        return read(path, config, idColumn, labelColumn, null);
    }

    /**
     * As {@link #read(String, JobConfig, String, String)}, but the feature columns are {@code required} (a
     * model's): an input that lacks one of them, or has it non-numeric, is an input error naming them.
     */
    public FeatureTable read(String path, JobConfig config, String idColumn, String labelColumn, List<String> required) {
        String format = resolveFormat(path, config.inputFormat());
        Dataset<Row> df = switch (format) {
            case "csv" -> spark.read().option("header", "true").option("inferSchema", "true")
                    .option("mode", "FAILFAST").csv(path);
            case "parquet" -> spark.read().parquet(path);
            case "idx" -> IdxReader.read(spark, path);
            default -> throw new IllegalStateException(format);
        };
        List<String> columns = Arrays.asList(df.columns());
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
        Dataset<Row> selected = df;
        if (required != null) {
            List<String> missing = required.stream().filter(c -> field(selected, c) == null).toList();
            if (!missing.isEmpty()) {
                throw new InputException(path + " lacks " + missing.size() + " of the " + required.size()
                        + " feature columns the model was trained on: " + abbreviate(missing));
            }
            for (String c : required) {
                StructField f = field(df, c);
                if (!(f.dataType() instanceof NumericType)) {
                    throw new InputException("feature column '" + c + "' of " + path + " is " + f.dataType().simpleString()
                            + ", expected a numeric column (is there non-numeric text in it?)");
                }
            }
            return new FeatureTable(df, List.copyOf(required), idColumn, labelColumn, path);
        }
        return new FeatureTable(df, featureColumns(df, config, idColumn, labelColumn, path), idColumn, labelColumn, path);
    }

    private static List<String> featureColumns(Dataset<Row> df, JobConfig config, String id, String label, String path) {
        List<String> out = new ArrayList<>();
        if (!config.featureColumns().isEmpty()) {
            for (String c : config.featureColumns()) {
                StructField f = field(df, c);
                if (f == null) {
                    throw new ConfigException("feature-columns", c, "a column of " + path + " " + Arrays.toString(df.columns()));
                }
                if (!(f.dataType() instanceof NumericType)) {
                    throw new InputException("feature column '" + c + "' of " + path + " is " + f.dataType().simpleString()
                            + ", expected a numeric column (is there non-numeric text in it?)");
                }
                out.add(c);
            }
            return out;
        }
        for (String c : config.excludeColumns()) {
            if (field(df, c) == null) {
                throw new ConfigException("exclude-columns", c, "a column of " + path + " " + Arrays.toString(df.columns()));
            }
        }
        for (StructField f : df.schema().fields()) {
            boolean skipped = f.name().equals(id) || f.name().equals(label) || config.excludeColumns().contains(f.name());
            if (!skipped && f.dataType() instanceof NumericType) {
                out.add(f.name());
            }
        }
        if (out.isEmpty()) {
            throw new InputException("no numeric feature columns in " + path + " (columns: "
                    + Arrays.toString(df.columns()) + ")");
        }
        return out;
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

    /** The format of {@code path}: the configured one, or by extension (looking inside a directory). */
    String resolveFormat(String path, String configured) {
        Path p = new Path(path);
        FileStatus status;
        try {
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(p)) {
                throw new InputException("input path does not exist: " + path);
            }
            status = fs.getFileStatus(p);
            if (!"auto".equals(configured)) {
                return configured;
            }
            if (status.isFile()) {
                return formatOf(p.getName(), path);
            }
            for (FileStatus child : fs.listStatus(p)) {
                String name = child.getPath().getName();
                if (child.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
                    return formatOf(name, path);
                }
            }
            throw new InputException("input directory is empty: " + path);
        } catch (IOException e) {
            throw new InputException("cannot read input path " + path + ": " + e.getMessage(), e);
        }
    }

    private static String formatOf(String name, String path) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".csv") || n.endsWith(".csv.gz") || n.endsWith(".csv.bz2")) {
            return "csv";
        }
        if (n.endsWith(".parquet")) {
            return "parquet";
        }
        if (n.contains("idx3-ubyte")) {
            return "idx";
        }
        throw new InputException("cannot tell the format of " + path + " from '" + name
                + "': name files *.csv[.gz], *.parquet or *-idx3-ubyte.gz, or set input-format");
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.split("\n", 2)[0];
    }
}
