package io.cdae.spark.train;

import io.cdae.config.CdaeConfig;
import io.cdae.config.ConfigException;
import io.cdae.io.CdaeModel;
import io.cdae.io.Normaliser;
import io.cdae.model.CdaeNetwork;
import io.cdae.random.SeedSequence;
import io.cdae.train.EpochStats;
import io.cdae.train.LossTally;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code dl4j-spark} engine: the same network ({@code CdaeLayer} in a {@code MultiLayerNetwork}) trained by
 * Deeplearning4j's {@link SparkDl4jMultiLayer} and {@link ParameterAveragingTrainingMaster}, with the job's
 * {@code batch-size} per worker, {@code averaging-frequency}, workers = partitions and optimiser (its state averaged
 * with the parameters, {@code saveUpdater}).
 * <ol>
 *   <li>The clean rows are partitioned and cached as for the default engine ({@link ParameterAveragingTrainer}).</li>
 *   <li>Each epoch is one {@code fit} of an RDD of (corrupted, clean) minibatches made lazily on the executors from
 *       the cached partitions ({@link EpochMinibatches}, corruption keyed by seed, epoch, partition and minibatch).
 *       The master trains it the {@code Direct} way, without repartitioning, and keeps it in executor memory
 *       ({@code MEMORY_ONLY}) for the epoch: its count materialises the minibatches, then every averaging round
 *       picks its share from them, and no minibatch crosses the network or touches a disk.</li>
 *   <li>DL4J decides the rounds: it cuts the epoch into {@code floor(minibatches / (workers x averaging-frequency))}
 *       rounds and hands each partition's minibatches out to them in a shuffled order (README, "Design notes");
 *       the shuffle's seed is fixed per epoch ({@link EpochSeededTrainingMaster}), so runs and resumed runs repeat.</li>
 *   <li>Losses reach the driver through a Spark accumulator ({@link StepLosses}), DL4J's own timers through
 *       {@code collectTrainingStats} ({@link Dl4jTrainingStats}).</li>
 * </ol>
 * An epoch whose losses or parameters are not finite is discarded and retried from the previous epoch at half the
 * learning rate, at most {@code divergence-retries} times in a row.
 */
public final class Dl4jSparkTrainer implements TrainingEngine {
    private static final Logger LOG = LoggerFactory.getLogger(Dl4jSparkTrainer.class);
    /** ND4J's Kryo registrator (in dl4j-spark's jar): Kryo cannot ship INDArrays without it. */
    public static final String ND4J_REGISTRATOR = "org.nd4j.kryo.Nd4jRegistrator";

    private final CdaeConfig config;
    private final DataType dataType;
    private final int averagingFrequency;
    private final int partitions;
    private final StorageLevel storageLevel;
    private final int divergenceRetries;

    /**
     * @param partitions        workers (0: Spark's default parallelism)
     * @param storageLevel      of the cached clean partitions
     * @param divergenceRetries halvings of the learning rate tried for an epoch that diverged before giving up
     */
    public Dl4jSparkTrainer(CdaeConfig config, DataType dataType, int averagingFrequency, int partitions,
                            StorageLevel storageLevel, int divergenceRetries) {
        this.config = config;
        this.dataType = dataType;
        this.averagingFrequency = averagingFrequency;
        this.partitions = partitions;
        this.storageLevel = storageLevel;
        this.divergenceRetries = divergenceRetries;
    }

    @Override
    public Result train(JavaSparkContext sc, JavaRDD<float[]> rows, CdaeModel start, EpochListener listener,
                        Runnable rowsRead) {
        requireNd4jKryo(sc.getConf());
        int n = partitions > 0 ? partitions : sc.defaultParallelism();
        JavaRDD<PartitionBlock> blocks = ParameterAveragingTrainer.partition(rows, n, rowsRead).persist(storageLevel);
        try {
            return run(sc, blocks, n, start, listener);
        } finally {
            blocks.unpersist(false);
        }
    }

    /**
     * Under Kryo, dl4j-spark ships INDArrays (the broadcast network, the workers' results) and needs ND4J's
     * registrator among {@code spark.kryo.registrator}; Java serialization needs nothing.
     */
    static void requireNd4jKryo(SparkConf conf) {
        if (!"org.apache.spark.serializer.KryoSerializer".equals(conf.get("spark.serializer", null))) {
            return;
        }
        String registrators = conf.get("spark.kryo.registrator", "");
        if (Arrays.stream(registrators.split(",")).map(String::trim).noneMatch(ND4J_REGISTRATOR::equals)) {
            throw new ConfigException("spark.kryo.registrator", registrators.isBlank() ? null : registrators,
                    "a list that includes " + ND4J_REGISTRATOR + ": engine = dl4j-spark ships INDArrays through Kryo "
                            + "(conf/spark-defaults.conf sets io.cdae.spark.CdaeKryoRegistrator," + ND4J_REGISTRATOR + ")");
        }
    }

    private Result run(JavaSparkContext sc, JavaRDD<PartitionBlock> blocks, int workers, CdaeModel start,
                       EpochListener listener) {
        MultiLayerNetwork net = CdaeNetwork.create(config, dataType);
        CdaeModel current = start != null ? start
                : new CdaeModel(config, net.params().dup(), Normaliser.identity(config.inputWidth()), null, 0, 0, Map.of());
        load(net, current, config.learningRate());
        EpochSeededTrainingMaster master = master(workers);
        PartitionLosses losses = new PartitionLosses();
        sc.sc().register(losses, "cdae.step-losses");
        master.setListeners(List.of(new StepLosses(losses)));
        LongAccumulator inTasks = sc.sc().longAccumulator("cdae.corrupted-rows");
        SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, net, master);

        double rate = config.learningRate();
        int discarded = 0;
        Map<Integer, Long> trained = new TreeMap<>();
        List<EpochStats> history = new ArrayList<>();
        for (int epoch = current.epochs(); epoch < config.epochs(); epoch++) {
            for (int attempt = 0; ; attempt++) {
                losses.reset();
                long t0 = System.nanoTime();
                fitEpoch(sparkNet, master, blocks, epoch, inTasks);
                LossTally tally = losses.total();
                CdaeModel next = snapshot(net, epoch + 1, current);
                if (!tally.sawNonFinite() && next.isFinite()) {
                    EpochStats stats = EpochStats.of(epoch, tally, config.contractiveWeight(), (System.nanoTime() - t0) / 1e9);
                    history.add(stats);
                    losses.value().forEach((p, t) -> trained.merge(p, t.samples(), Long::sum));
                    current = next;
                    listener.onEpochs(List.of(stats), current);
                    break;
                }
                discarded++;
                if (attempt >= divergenceRetries) {
                    throw new TrainingDivergedException(String.format(java.util.Locale.ROOT,
                            "training diverged in epoch %d (engine dl4j-spark): the loss or the parameters are NaN or "
                                    + "infinite even after %d halvings of the learning rate (now %g); the epoch was "
                                    + "discarded and no model was written for it. Lower learning-rate, or raise "
                                    + "divergence-retries", epoch + 1, attempt, rate));
                }
                rate /= 2;
                load(net, current, rate);
                LOG.warn("epoch {}: non-finite loss or parameters (engine dl4j-spark); epoch discarded, learning rate "
                        + "halved to {} (retry {} of {})", epoch + 1, rate, attempt + 1, divergenceRetries);
            }
        }
        return new Result(current, history, trained, inTasks.value(), rate, discarded,
                Dl4jTrainingStats.report(master.getTrainingStats()));
    }

    /** One epoch: one fit of the epoch's minibatches, with this epoch's split seed; the minibatches freed after. */
    private void fitEpoch(SparkDl4jMultiLayer sparkNet, EpochSeededTrainingMaster master, JavaRDD<PartitionBlock> blocks,
                          int epoch, LongAccumulator inTasks) {
        master.seedSplits(splitSeed(config.seed(), epoch));
        JavaRDD<DataSet> minibatches = blocks.mapPartitionsWithIndex(
                new EpochMinibatches(config, dataType, epoch, inTasks), true);
        try {
            sparkNet.fit(minibatches);
        } finally {
            minibatches.unpersist(false);
        }
    }

    /** The seed of the Random that DL4J's master draws the split seed of {@code epoch} from. */
    static long splitSeed(long masterSeed, int epoch) {
        return SeedSequence.derive(masterSeed, SeedSequence.ROUND_SPLIT, epoch);
    }

    private EpochSeededTrainingMaster master(int workers) {
        Dl4jWorkerSetup.useSystemClockUnlessSet();
        ParameterAveragingTrainingMaster.Builder b = new ParameterAveragingTrainingMaster.Builder(workers, config.batchSize())
                .batchSizePerWorker(config.batchSize())
                .averagingFrequency(averagingFrequency)
                .saveUpdater(true)
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .repartionData(Repartition.Never)
                .storageLevel(StorageLevel.MEMORY_ONLY())
                .collectTrainingStats(true)
                .trainingHooks(new Dl4jWorkerSetup());
        return new EpochSeededTrainingMaster(b);
    }

    /** Puts a model's parameters, optimiser state, counters and the given learning rate into the driver's network. */
    private static void load(MultiLayerNetwork net, CdaeModel model, double learningRate) {
        net.params().assign(model.parameters().reshape(net.params().shape()));
        INDArray view = net.getUpdater().getStateViewArray();
        if (view != null) {
            if (model.updaterState() == null) {
                view.assign(0.0);
            } else {
                view.assign(model.updaterState().reshape(view.shape()));
            }
        }
        net.setIterationCount(model.iterations());
        net.setEpochCount(model.epochs());
        net.setLearningRate(learningRate);
    }

    private CdaeModel snapshot(MultiLayerNetwork net, int epochs, CdaeModel previous) {
        INDArray updater = net.getUpdater().getStateViewArray();
        return new CdaeModel(config, net.params().dup(), previous.normaliser(),
                updater == null ? null : updater.dup(), net.getIterationCount(), epochs, previous.metadata());
    }
}
