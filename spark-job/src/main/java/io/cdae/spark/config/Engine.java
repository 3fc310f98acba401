package io.cdae.spark.config;

import io.cdae.config.ConfigException;

import java.util.Arrays;
import java.util.Locale;

/**
 * The training engine (key {@code engine}): the project's parameter averaging on plain Spark (the default), or
 * Deeplearning4j's own {@code ParameterAveragingTrainingMaster} through {@code SparkDl4jMultiLayer}. Both train
 * the same network with the same minibatch size per worker, averaging frequency, workers and optimiser; README,
 * "Design notes", says what each keeps.
 */
public enum Engine {
    /** {@code io.cdae.spark.train.ParameterAveragingTrainer}. */
    AVERAGING("averaging"),
    /** {@code io.cdae.spark.train.Dl4jSparkTrainer}. */
    DL4J_SPARK("dl4j-spark");

    private final String key;

    Engine(String key) {
        this.key = key;
    }

    /** The value of the configuration key. */
    public String key() {
        return key;
    }

    /** The engine named {@code value} (case-insensitive). */
    public static Engine parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(e -> e.key.equals(v)).findFirst().orElseThrow(() ->
                new ConfigException("engine", value, "one of averaging, dl4j-spark"));
    }
}
