package io.cdae.spark.train;

import io.cdae.config.CdaeConfig;
import io.cdae.config.ConfigException;
import io.cdae.corruption.Corruption;
import io.cdae.io.CdaeModel;
import io.cdae.model.CdaeNetwork;
import io.cdae.score.RocAuc;
import io.cdae.spark.SparkTestSession;
import io.cdae.train.EpochStats;
import io.cdae.train.LossTally;
import io.cdae.train.MinibatchPlan;
import io.cdae.train.SingleProcessTrainer;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.common.SplitPartitionsFunction;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import static io.cdae.spark.train.ParameterAveragingTrainerTest.assertCloseRelativeToLargest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dl4j-spark engine (DL4J's SparkDl4jMultiLayer and ParameterAveragingTrainingMaster) on the shipped
 * Fashion-MNIST subset: what DL4J's master does to the minibatches, and the engine against the default one.
 */
class Dl4jSparkTrainerTest {

    private static TrainingEngine.Result dl4j(SparkSession spark, ParameterAveragingTrainerTest.Data d, CdaeConfig cfg,
                                              int f, int partitions) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<float[]> normalised = d.train().stream().map(d.normaliser()::apply).toList();
        return new Dl4jSparkTrainer(cfg, DataType.FLOAT, f, partitions, StorageLevel.MEMORY_ONLY(), 3)
                .train(sc, sc.parallelize(normalised, 3), null, (s, m) -> { });
    }

    /**
     * The rounds of one epoch as DL4J's master forms them, for one partition of {@code m} minibatches: it cuts the
     * epoch's {@code total} minibatches (all partitions) into {@code floor(total / (workers x f))} rounds, one when
     * that is under 2, and gives each round one minibatch of every group of that many consecutive minibatches of the
     * partition, the group shuffled (its SplitPartitionsFunction, seeded from the master's Random, plus the partition
     * index). Each inner list is a round's share, in the order the worker gets it.
     */
    static List<List<Integer>> dl4jRounds(int m, int total, int workers, int f, long masterSeed, int epoch, int partition)
            throws Exception {
        int rounds = Math.max(1, total / (workers * f));
        long seed = new Random(Dl4jSparkTrainer.splitSeed(masterSeed, epoch)).nextLong();
        List<List<Integer>> out = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            Iterator<Integer> it = rounds == 1 ? IntStream.range(0, m).iterator()
                    : new SplitPartitionsFunction<Integer>(r, rounds, seed).call(partition, IntStream.range(0, m).iterator());
            List<Integer> round = new ArrayList<>();
            it.forEachRemaining(round::add);
            out.add(round);
        }
        return out;
    }

    /**
     * The single-process trainer's steps (the plan's minibatches, corrupted with their (epoch, partition, minibatch)
     * keys, one {@code fit} each, as DL4J's worker runs them) replayed the way DL4J's master schedules one worker: in
     * its rounds, only the first {@code f} minibatches of each round's share (the worker stops there), and each round
     * starting from the master's step counter, which it advances by {@code f} per round.
     */
    private static MultiLayerNetwork replay(CdaeConfig cfg, INDArray rows, int f, List<LossTally> tallies) throws Exception {
        MultiLayerNetwork net = CdaeNetwork.create(cfg, DataType.FLOAT);
        Corruption corruption = Corruption.of(cfg);
        int iteration = 0;
        for (int epoch = 0; epoch < cfg.epochs(); epoch++) {
            MinibatchPlan plan = new MinibatchPlan((int) rows.size(0), cfg.batchSize(), cfg.seed(), epoch, 0);
            LossTally tally = new LossTally();
            for (List<Integer> round : dl4jRounds(plan.batches(), plan.batches(), 1, f, cfg.seed(), epoch, 0)) {
                net.setIterationCount(iteration);
                for (int b : round.subList(0, Math.min(f, round.size()))) {
                    INDArray clean = rows.getRows(plan.batch(b));
                    net.fit(new DataSet(corruption.apply(clean, cfg.seed(), epoch, 0, b), clean));
                    tally.add(CdaeNetwork.layer(net).lastLoss(), clean.size(0));
                }
                iteration += f;
            }
            net.setIterationCount(iteration);
            net.incrementEpochCount();
            tallies.add(tally);
        }
        return net;
    }

    /**
     * One worker, 1,000 rows in 16 minibatches of 64 (the last of 40), 2 epochs. DL4J's master cannot reproduce the
     * single-process trainer, and this shows exactly why: replaying the single-process steps the way DL4J schedules
     * them gives DL4J's result to the default engine's tolerance (1e-5 of the largest parameter), losses and rows
     * included, for each of its three departures from the minibatch plan:
     * <ul>
     *   <li>averaging after every minibatch: 16 rounds of one minibatch, in a shuffled order (all 16 form one group of
     *       its split). The single-process trainer, in the plan's order, ends far away;</li>
     *   <li>every 3: 5 rounds, four shares of 3 minibatches and one of 4; the worker stops after 3
     *       ({@code maxBatchesPerWorker} = averaging frequency), so one minibatch a round of 4 holds is never trained:
     *       here always the 40-row one, the partition's last, which is last in whichever round gets it. 960 of the
     *       1,000 rows per epoch;</li>
     *   <li>every 20: one round of all 16, while the master advances the optimiser's step counter by 20 per round:
     *       40 after 32 steps, and Adam's bias correction follows the counter.</li>
     * </ul>
     * DL4J re-forms no minibatch: its worker would top up a short minibatch from the next one, but the short one is
     * always the last of its round (a round keeps the partition's order), and the replays take the minibatches as they
     * are.
     */
    @Test
    void oneWorkerIsDl4jsScheduleOfTheSingleProcessStepsShuffledTruncatedAndCountedByRound() throws Exception {
        SparkSession spark = SparkTestSession.get("local[1]");
        ParameterAveragingTrainerTest.Data d = ParameterAveragingTrainerTest.load(spark);
        INDArray rows = d.normaliser().apply(d.trainMatrix());
        CdaeConfig cfg = ParameterAveragingTrainerTest.config(2, 64);
        int m = 16;
        for (int f : new int[] {1, 3, 20}) {
            TrainingEngine.Result engine = dl4j(spark, d, cfg, f, 1);
            List<LossTally> replayed = new ArrayList<>();
            MultiLayerNetwork replay = replay(cfg, rows, f, replayed);
            double[] params = engine.model().parameters().toDoubleVector();
            assertCloseRelativeToLargest(replay.params().toDoubleVector(), params, 1e-5);
            assertEquals(replay.getIterationCount(), engine.model().iterations(), "averaging every " + f);
            for (int e = 0; e < 2; e++) {
                EpochStats s = engine.epochs().get(e);
                assertEquals(replayed.get(e).samples(), s.samples(), "averaging every " + f);
                assertEquals(replayed.get(e).meanReconstruction(), s.reconstruction(), 1e-5 * s.reconstruction());
                assertEquals(replayed.get(e).meanContractive(), s.contractive(), 1e-5 * s.contractive());
            }
            assertEquals(2 * 1000L, engine.corruptedRowsInTasks(), "every minibatch was made, trained or not");
            if (f == 1) {
                assertEquals(2 * m, engine.model().iterations());
                assertEquals(1000, engine.epochs().get(1).samples());
                List<Integer> order = dl4jRounds(m, m, 1, 1, cfg.seed(), 0, 0).stream().flatMap(List::stream).toList();
                assertNotEquals(IntStream.range(0, m).boxed().toList(), order, "DL4J's order is not the plan's");
                double[] single = new SingleProcessTrainer(cfg, DataType.FLOAT).train(rows).network().params()
                        .toDoubleVector();
                assertTrue(maxRelativeDifference(single, params) > 100 * 1e-5,
                        "the single-process trainer ends elsewhere: " + maxRelativeDifference(single, params));
            } else if (f == 3) {
                assertEquals(List.of(3, 3, 3, 3, 4), dl4jRounds(m, m, 1, 3, cfg.seed(), 0, 0).stream().map(List::size)
                        .sorted().toList());
                assertEquals(2 * 5 * 3, engine.model().iterations());
                assertEquals(960, engine.epochs().get(0).samples());
                assertEquals(960, engine.epochs().get(1).samples());
            } else {
                assertEquals(2 * 20, engine.model().iterations(), "32 steps, counted as 2 rounds of 20");
                assertEquals(1000, engine.epochs().get(1).samples());
            }
        }
    }

    private static double maxRelativeDifference(double[] a, double[] b) {
        double worst = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(a[i]));
        }
        return worst / scale;
    }

    /**
     * Both engines, local[2], 2 workers of 500 rows in minibatches of 32, averaging every 5, the same seed and
     * config, 8 epochs: the final epoch's reconstruction loss within 10 % and the ROC-AUC on the 425 test rows within
     * 0.01; DL4J's own statistics in the report; no minibatch shuffled or spilled while DL4J trains.
     */
    @Test
    void bothEnginesReachTheSameLossAndRocAucOnTheShippedSubset() throws Exception {
        SparkSession spark = SparkTestSession.get("local[2]");
        ParameterAveragingTrainerTest.Data d = ParameterAveragingTrainerTest.load(spark);
        CdaeConfig cfg = ParameterAveragingTrainerTest.config(8, 32);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<float[]> normalised = d.train().stream().map(d.normaliser()::apply).toList();
        TrainingEngine.Result averaging = new ParameterAveragingTrainer(cfg, DataType.FLOAT, 5, 2,
                StorageLevel.MEMORY_ONLY()).train(sc, sc.parallelize(normalised, 3), null, (s, m) -> { });
        SpilledOrShuffled moved = new SpilledOrShuffled();
        spark.sparkContext().addSparkListener(moved);
        TrainingEngine.Result dl4j;
        try {
            dl4j = dl4j(spark, d, cfg, 5, 2);
            spark.sparkContext().listenerBus().waitUntilEmpty();
        } finally {
            spark.sparkContext().removeSparkListener(moved);
        }
        // Direct without repartitioning: no minibatch is shuffled or spilled to disk; the one shuffle is the clean rows'
        // partitioning before training (row i to partition i mod n), as under the default engine
        assertEquals(1, moved.shuffleStages, "stages that wrote shuffle files");
        assertEquals(0, moved.spilledBytes, "bytes spilled to disk");

        double a = averaging.epochs().get(7).reconstruction();
        double b = dl4j.epochs().get(7).reconstruction();
        assertTrue(Math.abs(a - b) <= 0.10 * a, "final reconstruction: averaging " + a + ", dl4j-spark " + b);
        double aucA = auc(d, cfg, averaging.model());
        double aucB = auc(d, cfg, dl4j.model());
        assertEquals(aucA, aucB, 0.01, "ROC-AUC: averaging " + aucA + ", dl4j-spark " + aucB);
        assertTrue(aucB > 0.9, "ROC-AUC " + aucB);
        // every minibatch was made in a Spark task; DL4J trained 3 rounds of 5 of each partition's 16 (the 20-row
        // one, last of the round that got 6, is left out): 480 of each partition's 500 rows per epoch
        assertEquals(List.of(5, 5, 6), dl4jRounds(16, 32, 2, 5, cfg.seed(), 0, 1).stream().map(List::size).sorted()
                .toList());
        assertEquals(1000L * 8, dl4j.corruptedRowsInTasks());
        assertEquals(Map.of(0, 480L * 8, 1, 480L * 8), dl4j.corruptedRowsByPartition());
        assertTrue(dl4j.report().html().contains("ParameterAveragingMasterSplitTimesMs"), dl4j.report().html());
        assertTrue(dl4j.report().files().get(Dl4jTrainingStats.HTML_FILE).length > 1000, "DL4J's own stats page");
    }

    /** Stages that wrote shuffle files, and bytes that Spark's tasks spilled to disk. */
    private static final class SpilledOrShuffled extends SparkListener {
        private int shuffleStages;
        private long spilledBytes;

        @Override
        public synchronized void onStageCompleted(SparkListenerStageCompleted e) {
            TaskMetrics m = e.stageInfo().taskMetrics();
            if (m != null) {
                shuffleStages += m.shuffleWriteMetrics().bytesWritten() > 0 ? 1 : 0;
                spilledBytes += m.diskBytesSpilled();
            }
        }
    }

    private static double auc(ParameterAveragingTrainerTest.Data d, CdaeConfig cfg, CdaeModel trained) {
        CdaeModel model = new CdaeModel(cfg, trained.parameters(), d.normaliser(), null, 0, cfg.epochs(), Map.of());
        return RocAuc.rocAuc(d.testLabels(), model.score(d.testPixels()).reconstruction().castTo(DataType.DOUBLE)
                .toDoubleVector());
    }

    @Test
    void underKryoTheEngineNeedsNd4jsRegistrator() {
        SparkConf kryo = new SparkConf(false).set("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        ConfigException e = assertThrows(ConfigException.class, () -> Dl4jSparkTrainer.requireNd4jKryo(
                kryo.clone().set("spark.kryo.registrator", "io.cdae.spark.CdaeKryoRegistrator")));
        assertEquals("spark.kryo.registrator", e.key());
        assertTrue(e.getMessage().contains("org.nd4j.kryo.Nd4jRegistrator"), e.getMessage());
        assertThrows(ConfigException.class, () -> Dl4jSparkTrainer.requireNd4jKryo(kryo));
        Dl4jSparkTrainer.requireNd4jKryo(kryo.clone().set("spark.kryo.registrator",
                "io.cdae.spark.CdaeKryoRegistrator, org.nd4j.kryo.Nd4jRegistrator"));
        Dl4jSparkTrainer.requireNd4jKryo(new SparkConf(false));
    }
}
