package io.cdae.spark.config;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdae.config.CdaeConfig;
import io.cdae.config.CdaeConfigJson;
import io.cdae.config.ConfigException;
import io.cdae.io.Normaliser;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The validated configuration of a training job: the model keys of {@link CdaeConfig} (all but
 * {@code input-width}, which the data decides) plus the keys of distributed training and input. Built from
 * the merged key/value pairs of {@link ConfigSources}; every value is checked here, before any Spark action.
 *
 * <p>Two model keys may be {@code auto}, resolved once the data is known ({@link #model(int, long, int)}):
 * {@code encoder-widths = auto} is one layer of {@link #autoWidth} units, and {@code epochs = auto} is
 * {@link #autoEpochs}: at least {@value #MIN_AUTO_EPOCHS} epochs and at least {@code min-steps} optimiser steps
 * per worker, so that small data sets still get a trained model.
 */
public record JobConfig(Map<String, String> modelKeys, int averagingFrequency, int partitions, String storageLevel,
                        String checkpointDir, int checkpointInterval, DataType dataType, String inputFormat,
                        List<String> featureColumns, List<String> excludeColumns, String where,
                        String normalisation, double holdoutFraction, String anomalyScore, String thresholdRule,
                        double madK, double contamination, String badRows, String quarantineDir,
                        int divergenceRetries, double errorWeightFloor, int minSteps, int referenceRows, int knnK,
                        Engine engine) {

    /** The value of encoder-widths and epochs that the data decides. */
    public static final String AUTO = "auto";
    /** Fewest epochs of {@code epochs = auto}. */
    public static final int MIN_AUTO_EPOCHS = 20;
    /**
     * {@code averaging-frequency = auto} under the default engine: minibatches per worker between two averaging
     * rounds. Each round is a Spark job that ships every worker's parameters and optimiser state both ways, so
     * fewer, longer rounds train faster; 20, 40 and 80 gave the same ROC-AUC (docs/BENCHMARKS.md).
     */
    public static final int AUTO_AVERAGING_FREQUENCY = 80;
    /**
     * {@code averaging-frequency = auto} under {@code engine = dl4j-spark}: DL4J's master trains at most this many
     * minibatches per worker and round and leaves the rest of the round's minibatches untrained that epoch, so a
     * high value there trains less of each epoch (README, "Two training engines").
     */
    public static final int AUTO_AVERAGING_FREQUENCY_DL4J = 20;
    /** The largest reference sample of the code-space scores that a model may store ({@code reference-rows}). */
    public static final int MAX_REFERENCE_ROWS = 20_000;

    /** The job keys (besides the model keys). */
    public static final Set<String> JOB_KEYS = Set.of("averaging-frequency", "partitions", "storage-level",
            "checkpoint-dir", "checkpoint-interval", "data-type", "input-format", "feature-columns",
            "exclude-columns", "where", "normalisation", "holdout-fraction", "anomaly-score", "threshold-rule", "mad-k",
            "contamination", "bad-rows", "quarantine-dir", "divergence-retries", "error-weight-floor", "min-steps",
            "reference-rows", "knn-k", "engine");

    /** The model keys: every CdaeConfig key except input-width. */
    public static final Set<String> MODEL_KEYS = Set.of("encoder-widths", "activation", "tied-weights",
            "output-activation", "reconstruction-loss", "contractive-weight", "contractive-estimator", "projections",
            "corruption", "corruption-level", "optimiser", "learning-rate", "momentum", "batch-size", "epochs", "seed");

    public JobConfig {
        modelKeys = Map.copyOf(modelKeys);
        featureColumns = List.copyOf(featureColumns);
        excludeColumns = List.copyOf(excludeColumns);
    }

    /** Validates and types the merged key/value pairs; every key must be known. */
    public static JobConfig of(Map<String, String> values) {
        Map<String, String> model = new TreeMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (MODEL_KEYS.contains(e.getKey())) {
                model.put(e.getKey(), e.getValue());
            } else if (!JOB_KEYS.contains(e.getKey())) {
                throw new ConfigException(e.getKey(), "unknown key; known keys: " + new TreeMap<>(knownKeys()).keySet());
            }
        }
        for (String key : MODEL_KEYS) {
            if (!model.containsKey(key)) {
                throw new ConfigException(key, null, "a value (the defaults file lacks it)");
            }
        }
        Engine engine = Engine.parse(get(values, "engine"));
        JobConfig job = new JobConfig(model,
                averagingFrequency(get(values, "averaging-frequency"), engine),
                positiveInt(values, "partitions", 0),
                storageLevel(get(values, "storage-level")),
                get(values, "checkpoint-dir"),
                positiveInt(values, "checkpoint-interval", 1),
                dataType(get(values, "data-type")),
                oneOf(values, "input-format", "auto", "csv", "parquet", "idx"),
                list(get(values, "feature-columns")),
                list(get(values, "exclude-columns")),
                get(values, "where"),
                oneOf(values, "normalisation", Normaliser.NONE, Normaliser.MIN_MAX, Normaliser.STANDARD),
                fraction(values, "holdout-fraction"),
                oneOf(values, "anomaly-score", java.util.Arrays.stream(io.cdae.score.AnomalyScore.values())
                        .map(io.cdae.score.AnomalyScore::key).toArray(String[]::new)),
                oneOf(values, "threshold-rule", "mad", "quantile"),
                positiveDouble(values, "mad-k"),
                openFraction(values, "contamination"),
                oneOf(values, "bad-rows", "fail", "skip", "quarantine"),
                get(values, "quarantine-dir"),
                positiveInt(values, "divergence-retries", 0),
                positiveDouble(values, "error-weight-floor"),
                positiveInt(values, "min-steps", 1),
                intBetween(values, "reference-rows", 1, MAX_REFERENCE_ROWS),
                positiveInt(values, "knn-k", 1),
                engine);
        job.model(1, 1, 1);
        return job;
    }

    private static Map<String, Boolean> knownKeys() {
        Map<String, Boolean> keys = new TreeMap<>();
        MODEL_KEYS.forEach(k -> keys.put(k, true));
        JOB_KEYS.forEach(k -> keys.put(k, true));
        return keys;
    }

    /**
     * The model config for data of {@code inputWidth} features, {@code trainRows} training rows and {@code workers}
     * parallel workers (validated); the {@code auto} values resolved.
     */
    public CdaeConfig model(int inputWidth, long trainRows, int workers) {
        ObjectNode tree = CdaeConfigJson.mapper().createObjectNode();
        tree.put("input-width", inputWidth);
        for (Map.Entry<String, String> e : modelKeys.entrySet()) {
            if (e.getKey().equals("encoder-widths")) {
                ArrayNode widths = tree.putArray("encoder-widths");
                if (e.getValue().trim().equalsIgnoreCase(AUTO)) {
                    widths.add(autoWidth(inputWidth));
                    continue;
                }
                for (String w : list(e.getValue())) {
                    try {
                        widths.add(Integer.parseInt(w));
                    } catch (NumberFormatException ex) {
                        throw new ConfigException("encoder-widths", e.getValue(),
                                "auto, or comma-separated positive integers, e.g. 256,64");
                    }
                }
            } else if (e.getKey().equals("epochs") && e.getValue().trim().equalsIgnoreCase(AUTO)) {
                int batch = intValue(modelKeys, "batch-size");
                tree.put("epochs", autoEpochs(trainRows, workers, batch, minSteps));
            } else {
                tree.put(e.getKey(), e.getValue());
            }
        }
        return CdaeConfigJson.fromTree(tree);
    }

    /** The model config when {@code epochs} is a number (no row count needed); see {@link #model(int, long, int)}. */
    public CdaeConfig model(int inputWidth) {
        if (modelKeys.get("epochs").trim().equalsIgnoreCase(AUTO)) {
            throw new IllegalStateException("epochs = auto is resolved from the number of training rows: "
                    + "call model(inputWidth, trainRows, workers)");
        }
        return model(inputWidth, 1, 1);
    }

    /** The master seed (model key {@code seed}). */
    public long seed() {
        return Long.parseLong(modelKeys.get("seed").trim());
    }

    /** Parallel workers of a run: {@code partitions}, or Spark's default parallelism when it is 0. */
    public int workers(int defaultParallelism) {
        return partitions > 0 ? partitions : Math.max(1, defaultParallelism);
    }

    /** {@code encoder-widths = auto}: {@link CdaeConfig#autoWidth}. */
    public static int autoWidth(int inputWidth) {
        return CdaeConfig.autoWidth(inputWidth);
    }

    /**
     * {@code epochs = auto}: max({@value #MIN_AUTO_EPOCHS}, ceil(minSteps / b)) with b the minibatches per epoch of
     * the largest worker's share (row i goes to worker i mod workers).
     */
    public static int autoEpochs(long trainRows, int workers, int batchSize, int minSteps) {
        long perWorker = (Math.max(1, trainRows) + workers - 1) / workers;
        long batches = (perWorker + batchSize - 1) / batchSize;
        return (int) Math.max(MIN_AUTO_EPOCHS, (minSteps + batches - 1) / batches);
    }

    private static int intValue(Map<String, String> values, String key) {
        try {
            return Integer.parseInt(values.get(key).trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, values.get(key), "an integer >= 1");
        }
    }

    private static String get(Map<String, String> values, String key) {
        String v = values.get(key);
        if (v == null) {
            throw new ConfigException(key, null, "a value (the defaults file lacks it)");
        }
        return v.trim();
    }

    /**
     * {@code averaging-frequency}: minibatches per worker between two averaging rounds, a positive integer or
     * {@code auto}: {@value #AUTO_AVERAGING_FREQUENCY} under the default engine, {@value #AUTO_AVERAGING_FREQUENCY_DL4J}
     * under {@code dl4j-spark}.
     */
    private static int averagingFrequency(String v, Engine engine) {
        if (v != null && v.trim().equalsIgnoreCase(AUTO)) {
            return engine == Engine.DL4J_SPARK ? AUTO_AVERAGING_FREQUENCY_DL4J : AUTO_AVERAGING_FREQUENCY;
        }
        try {
            int n = Integer.parseInt(v == null ? "" : v.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException("averaging-frequency", v, "auto or an integer >= 1");
    }

    private static int positiveInt(Map<String, String> values, String key, int min) {
        String v = get(values, key);
        try {
            int n = Integer.parseInt(v);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(key, v, "an integer >= " + min);
    }

    private static int intBetween(Map<String, String> values, String key, int min, int max) {
        int n = positiveInt(values, key, min);
        if (n > max) {
            throw new ConfigException(key, get(values, key), "an integer from " + min + " to " + max);
        }
        return n;
    }

    private static double number(Map<String, String> values, String key, String expected) {
        String v = get(values, key);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, v, expected);
        }
    }

    private static double fraction(Map<String, String> values, String key) {
        double d = number(values, key, "a fraction in [0, 1)");
        if (!(d >= 0 && d < 1)) {
            throw new ConfigException(key, d, "a fraction in [0, 1)");
        }
        return d;
    }

    private static double openFraction(Map<String, String> values, String key) {
        double d = number(values, key, "a fraction in (0, 1)");
        if (!(d > 0 && d < 1)) {
            throw new ConfigException(key, d, "a fraction in (0, 1)");
        }
        return d;
    }

    private static double positiveDouble(Map<String, String> values, String key) {
        double d = number(values, key, "a finite number > 0");
        if (!(d > 0) || Double.isInfinite(d)) {
            throw new ConfigException(key, d, "a finite number > 0");
        }
        return d;
    }

    private static String oneOf(Map<String, String> values, String key, String... allowed) {
        String v = get(values, key).toLowerCase(Locale.ROOT);
        if (!Arrays.asList(allowed).contains(v)) {
            throw new ConfigException(key, v, "one of " + String.join(", ", allowed));
        }
        return v;
    }

    private static String storageLevel(String v) {
        try {
            StorageLevel.fromString(v.toUpperCase(Locale.ROOT));
            return v.toUpperCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("storage-level", v, "a Spark storage level such as MEMORY_ONLY, MEMORY_AND_DISK, "
                    + "MEMORY_AND_DISK_SER, DISK_ONLY");
        }
    }

    private static DataType dataType(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "float" -> DataType.FLOAT;
            case "double" -> DataType.DOUBLE;
            default -> throw new ConfigException("data-type", v, "one of float, double");
        };
    }

    static List<String> list(String v) {
        if (v == null || v.isBlank()) {
            return List.of();
        }
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** The quarantine directory for a job writing {@code output}. */
    public String quarantineFor(String output) {
        return quarantineDir.isEmpty() ? output + ".bad-rows" : quarantineDir;
    }

    /** The Spark storage level of the cached partitions. */
    public StorageLevel sparkStorageLevel() {
        return StorageLevel.fromString(storageLevel);
    }
}
