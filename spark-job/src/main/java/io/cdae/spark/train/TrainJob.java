package io.cdae.spark.train;

import io.cdae.config.CdaeConfig;
import io.cdae.config.ConfigException;
import io.cdae.io.CdaeModel;
import io.cdae.io.Normaliser;
import io.cdae.spark.Versions;
import io.cdae.spark.config.ConfigSources;
import io.cdae.spark.config.JobConfig;
import io.cdae.spark.data.BadRowPolicy;
import io.cdae.spark.data.DamagedInput;
import io.cdae.spark.data.FeatureTable;
import io.cdae.spark.data.InputException;
import io.cdae.spark.data.InputReader;
import io.cdae.spark.data.PlainRows;
import io.cdae.spark.io.ModelRepository;
import io.cdae.spark.io.OutputCommit;
import io.cdae.spark.score.HeldOutCalibration;
import io.cdae.train.EpochStats;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.stat.MultivariateOnlineSummarizer;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The training job: read and validate the input, fit the normaliser in one distributed pass, train by
 * parameter averaging with a checkpoint after every epoch, and write the self-describing model with its
 * training report. Orchestration only: the math is in {@code common}.
 */
public final class TrainJob {
    private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

    /** What the user asked for (the command line). */
    public record Request(String input, String output, Path configFile, List<String> sets, String idColumn,
                          String labelColumn, boolean resume) {
    }

    /** What the job did. */
    public record Outcome(CdaeModel model, List<EpochStats> epochs, long rows, String checkpointDir,
                          Map<Integer, Long> corruptedRowsByPartition, long corruptedRowsInTasks) {
    }

    private final SparkSession spark;

    public TrainJob(SparkSession spark) {
        this.spark = spark;
    }

    /**
     * Reads and checks the input, trains, and commits the model and the quarantined rows together at the end:
     * a failed run commits neither (checkpoints of finished epochs stay, for --resume).
     */
    public Outcome run(Request request) {
        JobConfig job = ConfigSources.load(request.configFile(), request.sets());
        TrainingWarmUp.start(job, spark.sparkContext());
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        String checkpointDir = job.checkpointDir().isEmpty() ? request.output() + ".checkpoints" : job.checkpointDir();
        String quarantine = job.quarantineFor(request.output());
        try (OutputCommit outputs = new OutputCommit(hadoop)) {
            outputs.requireWritable(request.output(), "--output");
            outputs.requireWritable(checkpointDir, "checkpoint-dir");
            if (job.badRows().equals(BadRowPolicy.QUARANTINE)) {
                outputs.requireWritable(quarantine, "quarantine-dir");
            }
            FeatureTable table = new InputReader(spark).read(request.input(), job, request.idColumn(),
                    request.labelColumn(), outputs, quarantine);
            try {
                Outcome o = train(request, job, table, checkpointDir, outputs);
                outputs.commit();
                return o;
            } catch (Exception e) {
                DamagedInput.throwIfInputError(e, table.files(), hadoop);
                throw e;
            }
        }
    }

    private Outcome train(Request request, JobConfig job, FeatureTable table, String checkpointDir,
                          OutputCommit outputs) {
        CheckpointStore checkpoints = new CheckpointStore(checkpointDir, spark.sparkContext().hadoopConfiguration());
        Features features = readFeatures(table, job, request.input());
        JavaRDD<float[]> raw = features.rows();
        try {
            long rows = features.count();
            if (rows == 0) {
                throw new InputException("no training rows in " + request.input()
                        + (job.where().isEmpty() ? "" : " matching where = " + job.where())
                        + (table.badRows() > 0 ? ": all " + table.badRows() + " rows are bad rows" : ""));
            }
            try (CdaeTrainer.Split split = CdaeTrainer.split(raw, job)) {
                CdaeConfig config = job.model(table.width(), split.trainRows(),
                        job.workers(spark.sparkContext().defaultParallelism()));
                Optional<CdaeModel> resumed = request.resume() ? checkpoints.latest() : Optional.empty();
                resumed.ifPresent(m -> checkCompatible(m, config, table, checkpointDir));
                if (request.resume() && resumed.isEmpty()) {
                    LOG.warn("--resume: no complete checkpoint in {}, starting from epoch 1", checkpointDir);
                }
                Map<String, String> metadata = metadata(request, table, rows, config);
                metadata.put("train-rows", Long.toString(split.trainRows()));
                metadata.put("held-out-rows", Long.toString(split.heldOutRows()));
                CdaeTrainer.Result result = new CdaeTrainer(spark, job, config).fit(split, resumed, checkpoints, metadata);
                CdaeModel model = new HeldOutCalibration(spark, job).calibrate(result.model(), split.heldOut(),
                        split.train(), split.referenceSample(), split.heldOutRows());
                LOG.info("threshold ({} rule, {} score, {} rows): {}", job.thresholdRule(), job.anomalyScore(),
                        model.calibration().heldOutRows(), model.calibration().threshold());
                new ModelRepository(spark.sparkContext().hadoopConfiguration()).write(model, outputs.stage(request.output()),
                        TrainingReport.files(result.epochs(), reportSummary(model, checkpointDir), result.report()));
                return new Outcome(model, result.epochs(), rows, checkpointDir, result.corruptedRowsByPartition(),
                        result.corruptedRowsInTasks());
            }
        } finally {
            raw.unpersist(false);
        }
    }

    /** The training rows' features, cached, and their number. */
    private record Features(JavaRDD<float[]> rows, long count) {
    }

    /**
     * The training rows' features, cached and counted: the plain read where the input allows it
     * ({@link FeatureTable#plainFeatures()}), else, or when it stops at a row that is not plain, the checked read.
     */
    private static Features readFeatures(FeatureTable table, JobConfig job, String input) {
        if (table.plain() != null) {
            JavaRDD<float[]> rows = null;
            boolean stopped = true;
            try {
                PlainRows plain = table.plainFeatures();
                rows = plain.rows().persist(job.sparkStorageLevel());
                long n = rows.count();
                stopped = plain.stopped();
                if (n > 0 && !stopped) {
                    return new Features(rows, n);
                }
            } catch (Exception e) {
                // whatever stopped the plain read, the checked read below meets it again and reports it
                LOG.debug("plain read of {} failed", input, e);
            }
            if (rows != null) {
                rows.unpersist(false);
            }
            // no rows at all: the checked read says why (header only, nothing matching where, a codec that stopped)
            if (stopped) {
                LOG.info("{}: not every row is a plain row of numbers; reading it again with per-row checks", input);
            }
        }
        JavaRDD<float[]> rows = table.features().persist(job.sparkStorageLevel());
        try {
            return new Features(rows, rows.count());
        } catch (Exception e) {
            rows.unpersist(false);
            throw e;
        }
    }

    private static void checkCompatible(CdaeModel checkpoint, CdaeConfig config, FeatureTable table, String dir) {
        CdaeConfig saved = checkpoint.config();
        CdaeConfig sameEpochs = new CdaeConfig(saved.inputWidth(), saved.encoderWidths(), saved.activation(),
                saved.tiedWeights(), saved.outputActivation(), saved.reconstructionLoss(), saved.contractiveWeight(),
                saved.contractiveEstimator(), saved.projections(), saved.corruption(), saved.corruptionLevel(),
                saved.optimiser(), saved.learningRate(), saved.momentum(), saved.batchSize(), config.epochs(), saved.seed());
        if (!sameEpochs.equals(config)) {
            throw new ConfigException("--resume", "the checkpoint in " + dir + " was trained with another configuration ("
                    + io.cdae.config.CdaeConfigJson.toJson(saved).replaceAll("\\s+", " ") + "); only epochs may change");
        }
        String savedColumns = checkpoint.metadata().get("feature-columns");
        if (savedColumns != null && !savedColumns.equals(String.join(",", table.featureColumns()))) {
            throw new InputException("--resume: the checkpoint in " + dir + " was trained on other feature columns");
        }
        if (checkpoint.epochs() >= config.epochs()) {
            LOG.warn("--resume: the checkpoint already has {} epochs (epochs = {}); nothing left to train",
                    checkpoint.epochs(), config.epochs());
        }
    }

    private Map<String, String> metadata(Request request, FeatureTable table, long rows, CdaeConfig config) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("input", request.input());
        m.put("rows", Long.toString(rows));
        m.put("epochs", Integer.toString(config.epochs()));
        m.put("seed", Long.toString(config.seed()));
        m.put("feature-columns", String.join(",", table.featureColumns()));
        m.put("bad-rows-dropped", Long.toString(table.badRows()));
        if (request.idColumn() != null) {
            m.put("id-column", request.idColumn());
        }
        if (request.labelColumn() != null) {
            m.put("label-column", request.labelColumn());
        }
        m.put("created", Instant.now().toString());
        m.put("cdae-spark-version", Versions.project());
        m.put("spark-version", spark.version());
        m.put("dl4j-version", Versions.dl4j());
        return m;
    }

    private static Map<String, String> reportSummary(CdaeModel model, String checkpointDir) {
        Map<String, String> s = new LinkedHashMap<>(model.metadata());
        s.remove("feature-columns");
        s.put("checkpoints", checkpointDir);
        s.put("anomaly threshold", model.calibration().threshold() + " (" + model.calibration().rule() + " rule, "
                + model.calibration().anomalyScore() + " score, " + model.calibration().heldOutRows() + " held-out rows)");
        return s;
    }
}
