package io.cdae.spark.train;

import io.cdae.backend.HostArrays;
import io.cdae.config.CdaeConfig;
import io.cdae.io.CdaeModel;
import io.cdae.model.CdaeNetwork;
import io.cdae.train.EpochStats;
import io.cdae.train.LocalSteps;
import io.cdae.train.LossTally;
import org.apache.spark.Partitioner;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Synchronous parameter averaging (Zinkevich et al. 2010; the algorithm of DL4J's
 * ParameterAveragingTrainingMaster) on plain Spark:
 * <ol>
 *   <li>the driver partitions the clean rows once, deterministically (row i goes to partition i mod n, in
 *       row order), and caches them;</li>
 *   <li>each round it broadcasts parameters, optimiser state and step counter;</li>
 *   <li>every partition runs its next {@code averaging-frequency} minibatches with {@link LocalSteps}: it
 *       corrupts each minibatch itself, keyed by (seed, epoch, partition, batch), and computes the CDAE
 *       gradient, contractive term included, on its local ND4J device. When a partition has fewer minibatches
 *       per epoch than that, a round covers as many whole epochs as fit in it (aligned to multiples of that
 *       count from epoch 0, so a resumed run forms the same rounds): small data sets then need few Spark jobs
 *       for their many epochs;</li>
 *   <li>the driver sums parameters, optimiser state and losses and averages them; with many partitions they are
 *       summed through {@code treeAggregate} first, where Spark's tree adds a level.</li>
 * </ol>
 * Corrupted data never leaves the executor that made it, and a retried task regenerates the same samples.
 */
public final class ParameterAveragingTrainer implements TrainingEngine {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ParameterAveragingTrainer.class);

    private final CdaeConfig config;
    private final DataType dataType;
    private final int averagingFrequency;
    private final int partitions;
    private final StorageLevel storageLevel;
    private final int divergenceRetries;
    private Aggregation aggregation = Aggregation.AUTO;

    /** How a round's results are summed: as Spark's treeAggregate would (AUTO), or always one way (tests). */
    enum Aggregation { AUTO, DRIVER, TREE }

    public ParameterAveragingTrainer(CdaeConfig config, DataType dataType, int averagingFrequency, int partitions,
                                     StorageLevel storageLevel) {
        this(config, dataType, averagingFrequency, partitions, storageLevel, 3);
    }

    /** @param divergenceRetries halvings of the learning rate tried for a round that diverged before giving up */
    public ParameterAveragingTrainer(CdaeConfig config, DataType dataType, int averagingFrequency, int partitions,
                                     StorageLevel storageLevel, int divergenceRetries) {
        this.config = config;
        this.dataType = dataType;
        this.averagingFrequency = averagingFrequency;
        this.partitions = partitions;
        this.storageLevel = storageLevel;
        this.divergenceRetries = divergenceRetries;
    }

    /** Tests: force one aggregation path. */
    ParameterAveragingTrainer aggregation(Aggregation a) {
        this.aggregation = a;
        return this;
    }

    @Override
    public Result train(JavaSparkContext sc, JavaRDD<float[]> rows, CdaeModel start, EpochListener listener,
                        Runnable rowsRead) {
        int n = partitions > 0 ? partitions : sc.defaultParallelism();
        JavaRDD<PartitionBlock> blocks = partition(rows, n, rowsRead).persist(storageLevel);
        try {
            return run(sc, blocks, start, listener);
        } finally {
            blocks.unpersist(false);
        }
    }

    private Result run(JavaSparkContext sc, JavaRDD<PartitionBlock> blocks, CdaeModel start, EpochListener listener) {
        List<Integer> sizes = blocks.map(PartitionBlock::rows).collect();
        LocalSteps plan = new LocalSteps(config);
        int maxBatches = sizes.stream().mapToInt(plan::batchesFor).max().orElse(0);
        if (maxBatches == 0) {
            throw new IllegalArgumentException("no training rows");
        }
        // whole epochs per round when an epoch is shorter than the averaging frequency, else rounds per epoch
        int epochsPerRound = Math.max(1, averagingFrequency / maxBatches);
        int rounds = epochsPerRound > 1 ? 1 : (maxBatches + averagingFrequency - 1) / averagingFrequency;

        CdaeModel current = start != null ? start : initial();
        TrainingState state = new TrainingState(current.parameters().toDoubleVector(),
                current.updaterState() == null ? new double[0] : current.updaterState().toDoubleVector(),
                current.iterations(), config.learningRate(), dataType == DataType.FLOAT);
        int discarded = 0;
        LongAccumulator inTasks = sc.sc().longAccumulator("cdae.corrupted-rows");
        Map<Integer, Long> corrupted = new TreeMap<>();
        List<EpochStats> history = new ArrayList<>();
        for (int epoch = current.epochs(); epoch < config.epochs(); ) {
            int epochs = Math.min(config.epochs(), (epoch / epochsPerRound + 1) * epochsPerRound) - epoch;
            long t0 = System.nanoTime();
            LossTally[] tallies = new LossTally[epochs];
            for (int e = 0; e < epochs; e++) {
                tallies[e] = new LossTally();
            }
            for (int round = 0; round < rounds; round++) {
                for (int attempt = 0; ; attempt++) {
                    RoundResult r = round(sc, blocks, state, epoch, epochs, round, inTasks);
                    if (r.contributors == 0) {
                        break;
                    }
                    TrainingState next = FaultInjection.afterRound(epoch, round, attempt,
                            new TrainingState(RoundResult.mean(r.parameterSum, r.contributors),
                                    RoundResult.mean(r.updaterSum, r.contributors), state.iteration() + r.maxSteps,
                                    state.learningRate(), state.singlePrecision()));
                    if (next.isFinite() && !r.total().sawNonFinite()) {
                        state = next;
                        for (int e = 0; e < epochs; e++) {
                            tallies[e].merge(r.tallies[e]);
                        }
                        r.corruptedRows.forEach((p, c) -> corrupted.merge(p, c, Long::sum));
                        break;
                    }
                    discarded++;
                    if (attempt >= divergenceRetries) {
                        throw new TrainingDivergedException(String.format(java.util.Locale.ROOT,
                                "training diverged in epoch %d, averaging round %d: the loss or the parameters are NaN or "
                                        + "infinite even after %d halvings of the learning rate (now %g); the round was "
                                        + "discarded and no model was written for this epoch. Lower learning-rate, or "
                                        + "raise divergence-retries", epoch + 1, round + 1, attempt, state.learningRate()));
                    }
                    state = state.withLearningRate(state.learningRate() / 2);
                    LOG.warn("epoch {} round {}: non-finite loss or parameters after averaging; round discarded, learning "
                            + "rate halved to {} (retry {} of {})", epoch + 1, round + 1, state.learningRate(), attempt + 1,
                            divergenceRetries);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9 / epochs;
            List<EpochStats> stats = new ArrayList<>();
            for (int e = 0; e < epochs; e++) {
                stats.add(EpochStats.of(epoch + e, tallies[e], config.contractiveWeight(), seconds));
            }
            history.addAll(stats);
            epoch += epochs;
            current = snapshot(state, epoch, current);
            listener.onEpochs(stats, current);
        }
        return new Result(current, history, corrupted, inTasks.value(), state.learningRate(), discarded, EngineReport.NONE);
    }

    private RoundResult round(JavaSparkContext sc, JavaRDD<PartitionBlock> blocks, TrainingState state, int epoch,
                              int epochs, int round, LongAccumulator inTasks) {
        Broadcast<TrainingState> bc = sc.broadcast(state);
        int from = round * averagingFrequency;
        RoundTask task = new RoundTask(config, dataType, bc, epoch, epochs, from, from + averagingFrequency, inTasks);
        try {
            int n = blocks.getNumPartitions();
            if (aggregation == Aggregation.TREE || (aggregation == Aggregation.AUTO && treeAggregateAddsALevel(n))) {
                return blocks.mapPartitionsWithIndex((Integer p, Iterator<PartitionBlock> it) -> {
                    RoundResult r = it.hasNext() ? task.run(p, it.next()) : null;
                    return r == null ? Collections.<RoundResult>emptyIterator() : List.of(r).iterator();
                }, true).treeAggregate(new RoundResult(), RoundResult::merge, RoundResult::merge);
            }
            // what treeAggregate does when it adds no level (each partition's result merged on the driver), in one
            // job without its closures: Spark's ClosureCleaner re-reads the bytecode of every Scala closure on every
            // call, several ms per round (docs/BENCHMARKS.md)
            RoundResult[] results = (RoundResult[]) sc.sc().runJob(blocks.rdd(), task,
                    scala.reflect.ClassTag$.MODULE$.apply(RoundResult.class));
            RoundResult sum = null;
            for (RoundResult r : results) {
                if (r != null) {
                    sum = sum == null ? r : sum.merge(r); // the first result becomes the sum, in partition order
                }
            }
            return sum == null ? new RoundResult() : sum;
        } finally {
            bc.destroy();
        }
    }

    /**
     * True when Spark's {@code treeAggregate} (depth 2) would add an intermediate level for {@code n} partitions;
     * below that it merges every partition's result on the driver, as the direct path does.
     */
    static boolean treeAggregateAddsALevel(int n) {
        int scale = Math.max((int) Math.ceil(Math.pow(n, 1.0 / 2)), 2);
        return n > scale + Math.ceil((double) n / scale);
    }

    /**
     * One partition's share of a round, as a plain serializable function object: Spark's ClosureCleaner returns
     * at once for it, where it scans the bytecode of a lambda's Scala wrappers.
     */
    private static final class RoundTask extends scala.runtime.AbstractFunction2<TaskContext,
            scala.collection.Iterator<PartitionBlock>, RoundResult> implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final CdaeConfig config;
        private final DataType dataType;
        private final Broadcast<TrainingState> state;
        private final int epoch;
        private final int epochs;
        private final int fromBatch;
        private final int toBatch;
        private final LongAccumulator corruptedInTasks;

        RoundTask(CdaeConfig config, DataType dataType, Broadcast<TrainingState> state, int epoch, int epochs,
                  int fromBatch, int toBatch, LongAccumulator corruptedInTasks) {
            this.config = config;
            this.dataType = dataType;
            this.state = state;
            this.epoch = epoch;
            this.epochs = epochs;
            this.fromBatch = fromBatch;
            this.toBatch = toBatch;
            this.corruptedInTasks = corruptedInTasks;
        }

        @Override
        public RoundResult apply(TaskContext context, scala.collection.Iterator<PartitionBlock> blocks) {
            return blocks.hasNext() ? run(context.partitionId(), blocks.next()) : null;
        }

        RoundResult run(int partition, PartitionBlock block) {
            RoundResult r = localSteps(config, dataType, state.value(), block, epoch, epochs, partition, fromBatch, toBatch);
            if (r != null) {
                corruptedInTasks.add(r.total().samples());
            }
            return r;
        }
    }

    /**
     * One partition's share of a round: batches {@code [fromBatch, toBatch)} of each of the {@code epochs} epochs from
     * {@code epoch}; null when the partition has no minibatch left in it.
     */
    static RoundResult localSteps(CdaeConfig cfg, DataType type, TrainingState state, PartitionBlock block, int epoch,
                                  int epochs, int partition, int fromBatch, int toBatch) {
        LocalSteps steps = new LocalSteps(cfg);
        if (fromBatch >= steps.batchesFor(block.rows())) {
            return null;
        }
        TaskResources.apply();
        MultiLayerNetwork net = WorkerNetworks.borrow(cfg, type);
        try {
            load(net, state);
            LossTally[] tallies = new LossTally[epochs];
            for (int e = 0; e < epochs; e++) {
                tallies[e] = new LossTally();
                net.setEpochCount(epoch + e);
                steps.run(net, block.values(), block.rows(), block.width(), type, epoch + e, partition, fromBatch, toBatch,
                        tallies[e]);
            }
            INDArray updaterState = net.getUpdater().getStateViewArray();
            return RoundResult.of(HostArrays.toDoubles(net.params()),
                    updaterState == null ? new double[0] : HostArrays.toDoubles(updaterState), tallies, partition,
                    type == DataType.FLOAT);
        } finally {
            WorkerNetworks.giveBack(cfg, type, net);
        }
    }

    private static void load(MultiLayerNetwork net, TrainingState state) {
        HostArrays.assign(net.params(), state.parameters());
        INDArray view = net.getUpdater().getStateViewArray();
        if (view == null) {
            // a stateless optimiser (plain SGD)
        } else if (state.updaterState().length == 0) {
            view.assign(0.0);
        } else {
            HostArrays.assign(view, state.updaterState());
        }
        net.setIterationCount(state.iteration());
        net.setLearningRate(state.learningRate());
    }

    private CdaeModel initial() {
        MultiLayerNetwork net = CdaeNetwork.create(config, dataType);
        return new CdaeModel(config, net.params().dup(), io.cdae.io.Normaliser.identity(config.inputWidth()), null, 0, 0,
                Map.of());
    }

    private CdaeModel snapshot(TrainingState state, int epochs, CdaeModel previous) {
        INDArray params = Nd4j.createFromArray(state.parameters()).castTo(dataType).reshape(1, state.parameters().length);
        INDArray updater = state.updaterState().length == 0 ? null
                : Nd4j.createFromArray(state.updaterState()).castTo(dataType).reshape(1, state.updaterState().length);
        return new CdaeModel(config, params, previous.normaliser(), updater, state.iteration(), epochs,
                previous.metadata());
    }

    /**
     * Row i (in input order) goes to partition i mod n; within a partition rows keep input order. Each row is
     * numbered as {@code zipWithIndex} would (a count per input partition, then running indices; done here because
     * the blocks' sizes need the total, which zipWithIndex keeps to itself), sent to its block unsorted, and copied
     * straight to its place there, {@code i / n}: the receiving side holds the rows once, in the block, not also in
     * a sort buffer and a list. The shuffle's map side runs here, after which {@code rows} are not read again (the
     * blocks are built from the shuffle's files) and {@code rowsRead} is called: what the rows were computed from
     * can be released before the blocks take their place in memory.
     */
    static JavaRDD<PartitionBlock> partition(JavaRDD<float[]> rows, int n, Runnable rowsRead) {
        List<Long> counts = rows.mapPartitions(it -> {
            long c = 0;
            for (; it.hasNext(); it.next()) {
                c++;
            }
            return List.of(c).iterator();
        }).collect();
        long[] starts = new long[counts.size()];
        long total = 0;
        for (int p = 0; p < starts.length; p++) {
            starts[p] = total;
            total += counts.get(p);
        }
        long rowCount = total;
        JavaPairRDD<Long, float[]> keyed = rows.mapPartitionsWithIndex((p, it) -> {
            long[] next = {starts[p]};
            return new Iterator<Tuple2<Long, float[]>>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public Tuple2<Long, float[]> next() {
                    return new Tuple2<>(next[0]++, it.next());
                }
            };
        }, true).mapToPair(t -> t);
        JavaPairRDD<Long, float[]> sent = keyed.partitionBy(new ModuloPartitioner(n));
        if (rows.getNumPartitions() > 0) { // Spark refuses a map stage without partitions
            try {
                rows.context().submitMapStage((ShuffleDependency<?, ?, ?>) sent.rdd().dependencies().head()).get();
            } catch (SparkException e) {
                // awaitResult wraps the job's failure; thrown as it is, as an action would (Spark's Java API
                // throws SparkException undeclared)
                throw ParameterAveragingTrainer.<RuntimeException>rethrow(e.getCause() != null ? e.getCause() : e);
            }
        }
        rowsRead.run();
        return sent.mapPartitionsWithIndex((j, it) -> {
            long size = rowCount / n + (j < rowCount % n ? 1 : 0);
            float[] values = null;
            int width = 0;
            long received = 0;
            while (it.hasNext()) {
                Tuple2<Long, float[]> t = it.next();
                float[] row = t._2();
                if (values == null) {
                    width = row.length;
                    if (size * width > Integer.MAX_VALUE - 8) {
                        throw new IllegalArgumentException("training partition " + j + " would hold " + size + " rows x "
                                + width + " features, more than one array holds (2^31 values): set partitions above "
                                + n);
                    }
                    values = new float[(int) (size * width)];
                }
                System.arraycopy(row, 0, values, (int) (t._1() / n) * width, width);
                received++;
            }
            if (received != size) {
                throw new IllegalStateException("training partition " + j + " received " + received + " rows, expected "
                        + size);
            }
            return size == 0 ? Collections.<PartitionBlock>emptyIterator()
                    : List.of(new PartitionBlock(values, (int) size, width)).iterator();
        }, true);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E rethrow(Throwable t) throws E {
        throw (E) t;
    }

    /** Partitions Long row indices by index mod n. */
    static final class ModuloPartitioner extends Partitioner {
        private final int n;

        ModuloPartitioner(int n) {
            this.n = n;
        }

        @Override
        public int numPartitions() {
            return n;
        }

        @Override
        public int getPartition(Object key) {
            return (int) Math.floorMod((Long) key, (long) n);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ModuloPartitioner m && m.n == n;
        }

        @Override
        public int hashCode() {
            return n;
        }
    }
}
