package io.cdae.spark.ml;

import io.cdae.config.CdaeConfig;
import io.cdae.config.ConfigException;
import io.cdae.io.CdaeModel;
import io.cdae.spark.config.ConfigSources;
import io.cdae.spark.config.JobConfig;
import io.cdae.spark.data.InputException;
import io.cdae.spark.data.RowValidator;
import io.cdae.spark.score.HeldOutCalibration;
import io.cdae.spark.train.CdaeTrainer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The Spark ML estimator of a CDAE: {@code fit} runs the distributed training (parameter averaging,
 * executor-side corruption, held-out calibration) on a vector column and returns a {@link CdaeSparkModel}.
 *
 * <p>There is one {@code Param<String>} per configuration key of {@code conf/cdae-defaults.conf} that
 * concerns training (the input keys belong to the CLI), named in camelCase ({@code learning-rate} is
 * {@code learningRate}), with the shipped default; values are validated as a whole when {@code fit} starts.
 */
public class CdaeEstimator extends Estimator<CdaeSparkModel> implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    /** Config keys that are about reading files, not training: the CLI's business. */
    private static final java.util.Set<String> INPUT_KEYS = java.util.Set.of("input-format", "feature-columns",
            "exclude-columns", "where");

    private final String uid;
    private final Param<String> featuresCol;
    private final Map<String, Param<String>> configParams = new TreeMap<>();
    private Param<?>[] allParams;

    public CdaeEstimator(String uid) {
        this.uid = uid;
        featuresCol = new Param<>(this, "featuresCol", "feature vector column");
        setDefault(featuresCol, "features");
        for (Map.Entry<String, String> e : ConfigSources.defaults().entrySet()) {
            if (!INPUT_KEYS.contains(e.getKey())) {
                Param<String> p = new Param<>(this, camel(e.getKey()), "config key " + e.getKey()
                        + " (see conf/cdae-defaults.conf)");
                configParams.put(e.getKey(), p);
                setDefault(p, e.getValue());
            }
        }
    }

    public CdaeEstimator() {
        this(Identifiable$.MODULE$.randomUID("cdaeEstimator"));
    }

    @Override
    public String uid() {
        return uid;
    }

    /** Every param: featuresCol and one per configuration key. */
    @Override
    public Param<?>[] params() {
        if (allParams == null) {
            Param<?>[] ps = new Param<?>[configParams.size() + 1];
            ps[0] = featuresCol;
            int i = 1;
            for (Param<String> p : configParams.values()) {
                ps[i++] = p;
            }
            Arrays.sort(ps, java.util.Comparator.comparing(Param::name));
            allParams = ps;
        }
        return allParams;
    }

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public CdaeEstimator setFeaturesCol(String c) {
        set(featuresCol, c);
        return this;
    }

    /** The param of configuration key {@code key} (e.g. "learning-rate"). */
    public Param<String> configParam(String key) {
        Param<String> p = configParams.get(key);
        if (p == null) {
            throw new ConfigException(key, "unknown key; known keys: " + configParams.keySet());
        }
        return p;
    }

    /** Sets configuration key {@code key} (e.g. "learning-rate", "0.01"). */
    public CdaeEstimator setConfig(String key, Object value) {
        set(configParam(key), String.valueOf(value));
        return this;
    }

    /** The job configuration these params describe (validated). */
    public JobConfig jobConfig() {
        Map<String, String> values = new LinkedHashMap<>(ConfigSources.defaults());
        configParams.forEach((k, p) -> values.put(k, $(p)));
        return JobConfig.of(values);
    }

    @Override
    public CdaeSparkModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        JobConfig job = jobConfig();
        String col = $(featuresCol);
        int width = firstWidth(dataset, col);
        JavaRDD<float[]> rows = dataset.select(col).toJavaRDD().map(r -> {
            double[] d = ((Vector) r.get(0)).toArray();
            float[] f = new float[d.length];
            double[] value = new double[1];
            for (int i = 0; i < d.length; i++) {
                String bad = RowValidator.finite(d[i], col + "[" + i + "]", value);
                if (bad != null) {
                    throw new InputException(bad);
                }
                f[i] = (float) value[0];
            }
            return f;
        });
        try (CdaeTrainer.Split split = CdaeTrainer.split(rows, job)) {
            CdaeConfig config = job.model(width, split.trainRows(),
                    job.workers(dataset.sparkSession().sparkContext().defaultParallelism()));
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("input", "Spark ML dataset column " + col);
            metadata.put("seed", Long.toString(config.seed()));
            featureNames(dataset.schema(), col, width).ifPresent(n -> metadata.put("feature-columns", n));
            CdaeModel trained = new CdaeTrainer(dataset.sparkSession(), job, config).fit(split, Optional.empty(), null,
                    metadata).model();
            CdaeModel model = new HeldOutCalibration(dataset.sparkSession(), job).calibrate(trained, split.heldOut(),
                    split.train(), split.referenceSample(), split.heldOutRows());
            return new CdaeSparkModel(model).setFeaturesCol(col).setParent(this);
        }
    }

    /** The names VectorAssembler (or any ML attribute writer) recorded for the vector's slots, if all are named. */
    static Optional<String> featureNames(StructType schema, String col, int width) {
        org.apache.spark.ml.attribute.AttributeGroup group =
                org.apache.spark.ml.attribute.AttributeGroup.fromStructField(schema.apply(col));
        if (group.attributes().isEmpty() || group.size() != width) {
            return Optional.empty();
        }
        String[] names = new String[width];
        for (int i = 0; i < width; i++) {
            scala.Option<String> n = group.getAttr(i).name();
            if (n.isEmpty() || n.get().contains(",")) {
                return Optional.empty();
            }
            names[i] = n.get();
        }
        return Optional.of(String.join(",", names));
    }

    private static int firstWidth(Dataset<?> dataset, String col) {
        java.util.List<Row> first = dataset.select(col).limit(1).toDF().collectAsList();
        if (first.isEmpty()) {
            throw new InputException("cannot fit a CDAE on an empty dataset");
        }
        return ((Vector) first.get(0).get(0)).size();
    }

    @Override
    public StructType transformSchema(StructType schema) {
        String col = $(featuresCol);
        if (schema.getFieldIndex(col).isEmpty() || !schema.apply(col).dataType().equals(SQLDataTypes.VectorType())) {
            throw new IllegalArgumentException("the input needs a vector column '" + col + "' (e.g. from VectorAssembler)");
        }
        return ScoreColumns.append(schema, false, false);
    }

    @Override
    public CdaeEstimator copy(ParamMap extra) {
        return (CdaeEstimator) defaultCopy(extra);
    }

    public static MLReader<CdaeEstimator> read() {
        return new DefaultParamsReadable<CdaeEstimator>() {
        }.read();
    }

    public static CdaeEstimator load(String path) {
        return read().load(path);
    }

    static String camel(String key) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : key.toCharArray()) {
            if (c == '-') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }
}
