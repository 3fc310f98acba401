package io.cdae.spark.ml;

import io.cdae.io.CdaeModel;
import io.cdae.score.BatchScorer;
import io.cdae.spark.io.ModelRepository;
import io.cdae.spark.score.ModelPayload;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;
import java.util.Map;

/**
 * The Spark ML model of a trained CDAE: a Transformer that appends reconstruction_error, contractive_score
 * (||J_f(x)||_F^2 on the clean input), anomaly_score, is_anomaly and, on request, feature_errors and
 * top_features to every row of its input, scoring each partition in minibatches with the model broadcast
 * once. Saves and loads like any Spark ML model (params as Spark ML metadata, the model directory of
 * {@link io.cdae.io.ModelStore} under {@code cdae/}).
 */
public class CdaeSparkModel extends Model<CdaeSparkModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    private final String uid;
    private final transient CdaeModel model;

    private final Param<String> featuresCol;
    private final DoubleParam threshold;
    private final IntParam topFeatures;
    private final BooleanParam featureErrors;
    private final IntParam batchSize;

    public CdaeSparkModel(String uid, CdaeModel model) {
        this.uid = uid;
        this.model = model;
        featuresCol = new Param<>(this, "featuresCol", "feature vector column");
        threshold = new DoubleParam(this, "threshold", "anomaly threshold; NaN = the calibrated one");
        topFeatures = new IntParam(this, "topFeatures", "number of top contributing feature names (0 = none)",
                ParamValidators.gtEq(0));
        featureErrors = new BooleanParam(this, "featureErrors", "append the per-feature reconstruction errors");
        batchSize = new IntParam(this, "scoringBatchSize", "rows scored per minibatch", ParamValidators.gt(0));
        setDefault(featuresCol, "features");
        setDefault(threshold, Double.NaN);
        setDefault(topFeatures, 0);
        setDefault(featureErrors, false);
        setDefault(batchSize, io.cdae.spark.score.DistributedScores.BATCH);
    }

    public CdaeSparkModel(CdaeModel model) {
        this(Identifiable$.MODULE$.randomUID("cdae"), model);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The trained model (config, weights, normaliser, calibration). */
    public CdaeModel cdaeModel() {
        return model;
    }

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public DoubleParam threshold() {
        return threshold;
    }

    public IntParam topFeatures() {
        return topFeatures;
    }

    public BooleanParam featureErrors() {
        return featureErrors;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public CdaeSparkModel setFeaturesCol(String c) {
        set(featuresCol, c);
        return this;
    }

    public CdaeSparkModel setThreshold(double t) {
        set(threshold, t);
        return this;
    }

    public CdaeSparkModel setTopFeatures(int k) {
        set(topFeatures, k);
        return this;
    }

    public CdaeSparkModel setFeatureErrors(boolean b) {
        set(featureErrors, b);
        return this;
    }

    /** The threshold in force: the param when set to a number, else the calibrated one. */
    public double effectiveThreshold() {
        return BatchScorer.calibrated(model, (Double) $(threshold)).threshold();
    }

    /** Names of the features, in vector order (the training input's columns). */
    public String[] featureNames() {
        String names = model.metadata().get("feature-columns");
        if (names != null && !names.isEmpty()) {
            String[] n = names.split(",");
            if (n.length == model.config().inputWidth()) {
                return n;
            }
        }
        String[] n = new String[model.config().inputWidth()];
        Arrays.setAll(n, i -> "f" + i);
        return n;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        String col = $(featuresCol);
        if (schema.getFieldIndex(col).isEmpty()) {
            throw new IllegalArgumentException("no column '" + col + "' in the input (columns: "
                    + Arrays.toString(schema.fieldNames()) + ")");
        }
        StructField f = schema.apply(col);
        if (!f.dataType().equals(SQLDataTypes.VectorType())) {
            throw new IllegalArgumentException("column '" + col + "' must be a vector (e.g. from VectorAssembler), found "
                    + f.dataType().simpleString());
        }
        return ScoreColumns.append(schema, (Boolean) $(featureErrors), (Integer) $(topFeatures) > 0);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        int index = dataset.schema().fieldIndex($(featuresCol));
        int width = model.config().inputWidth();
        String[] names = featureNames();
        JavaRDD<Row> scored = score(dataset.toDF().javaRDD(), p -> ScoringIterator.vectorColumn(index, width, names));
        return dataset.sparkSession().createDataFrame(scored, out);
    }

    /**
     * Scores rows of any type with this model's settings (threshold, top features, feature errors, minibatch
     * size), the model broadcast once: the engine of {@link #transform}, open to jobs that take their rows
     * apart themselves. {@code extractors} makes each partition's extractor from the partition index; each
     * output row is what the extractor keeps, then the score columns.
     */
    public <T> JavaRDD<Row> score(JavaRDD<T> rows, Function<Integer, ScoringIterator.Extractor<T>> extractors) {
        int width = model.config().inputWidth();
        int batch = (Integer) $(batchSize);
        int k = (Integer) $(topFeatures);
        boolean errors = (Boolean) $(featureErrors);
        double t = effectiveThreshold();
        String[] names = featureNames();
        Broadcast<ModelPayload> bc = JavaSparkContext.fromSparkContext(rows.context())
                .broadcast(new ModelPayload(model));
        return rows.mapPartitionsWithIndex((p, it) -> {
            io.cdae.spark.train.TaskResources.apply();
            CdaeModel m = bc.value().model();
            BatchScorer scorer = new BatchScorer(m, BatchScorer.calibrated(m, t).anomalyScore(), t);
            return new ScoringIterator<>(it, scorer, extractors.call(p), width, batch, k, errors, names);
        }, false);
    }

    @Override
    public CdaeSparkModel copy(ParamMap extra) {
        CdaeSparkModel copy = new CdaeSparkModel(uid, model);
        return copyValues(copy, extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    @Override
    public void save(String path) throws java.io.IOException {
        write().save(path);
    }

    public static MLReader<CdaeSparkModel> read() {
        return new Reader();
    }

    public static CdaeSparkModel load(String path) {
        return read().load(path);
    }

    private static final class Writer extends MLWriter {
        private final CdaeSparkModel instance;

        Writer(CdaeSparkModel instance) {
            this.instance = instance;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, sc(), scala.Option.empty(), scala.Option.empty());
            new ModelRepository(sc().hadoopConfiguration()).save(instance.model, path + "/cdae", Map.of());
        }
    }

    private static final class Reader extends MLReader<CdaeSparkModel> {
        @Override
        public CdaeSparkModel load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sc(),
                    CdaeSparkModel.class.getName());
            CdaeModel model = new ModelRepository(sc().hadoopConfiguration()).load(path + "/cdae");
            CdaeSparkModel instance = new CdaeSparkModel(metadata.uid(), model);
            metadata.getAndSetParams(instance, scala.Option.empty());
            return instance;
        }
    }
}
