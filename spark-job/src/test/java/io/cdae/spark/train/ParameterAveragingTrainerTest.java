package io.cdae.spark.train;

import io.cdae.config.CdaeConfig;
import io.cdae.io.CdaeModel;
import io.cdae.io.Normaliser;
import io.cdae.score.RocAuc;
import io.cdae.spark.SparkTestSession;
import io.cdae.spark.config.ConfigSources;
import io.cdae.spark.config.JobConfig;
import io.cdae.spark.data.FeatureTable;
import io.cdae.spark.data.InputReader;
import io.cdae.train.EpochStats;
import io.cdae.train.SingleProcessTrainer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Distributed training against the single-process reference, on the shipped Fashion-MNIST subset. */
class ParameterAveragingTrainerTest {

    record Data(List<float[]> train, Normaliser normaliser, INDArray testPixels, double[] testLabels) {
        INDArray trainMatrix() {
            return Nd4j.create(train.toArray(new float[0][]));
        }
    }

    static Data load(SparkSession spark) {
        InputReader reader = new InputReader(spark);
        String path = SparkTestSession.fashionSubset().toString();
        JobConfig trainCfg = ConfigSources.load(null, List.of("exclude-columns=class", "where=split = 'train'"));
        FeatureTable train = reader.read(path, trainCfg, null, "label");
        List<float[]> rows = train.features().collect();
        Normaliser n = CdaeTrainer.fitNormaliser(train.features(), Normaliser.MIN_MAX);
        JobConfig testCfg = ConfigSources.load(null, List.of("exclude-columns=class", "where=split = 'test'"));
        FeatureTable test = reader.read(path, testCfg, null, "label");
        List<float[]> testRows = test.features().collect();
        double[] labels = test.rows().select("label").collectAsList().stream()
                .mapToDouble(r -> Double.parseDouble(r.get(0).toString())).toArray();
        return new Data(new ArrayList<>(rows), n, Nd4j.create(testRows.toArray(new float[0][])), labels);
    }

    static CdaeConfig config(int epochs, int batch) {
        return ConfigSources.load(null, List.of("epochs=" + epochs, "batch-size=" + batch, "learning-rate=0.003",
                "encoder-widths=64", "output-activation=sigmoid")).model(784);
    }

    private static ParameterAveragingTrainer.Result distributed(SparkSession spark, Data d, CdaeConfig cfg, int f,
                                                                 int partitions) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<float[]> normalised = d.train().stream().map(d.normaliser()::apply).toList();
        JavaRDD<float[]> rdd = sc.parallelize(normalised, 3);
        return new ParameterAveragingTrainer(cfg, DataType.FLOAT, f, partitions, StorageLevel.MEMORY_ONLY())
                .train(sc, rdd, null, (s, m) -> { });
    }

    /** max_i |a_i - b_i| <= tolerance * max_i |a_i|. */
    static void assertCloseRelativeToLargest(double[] a, double[] b, double tolerance) {
        assertEquals(a.length, b.length, "lengths");
        double worst = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(a[i]));
        }
        assertTrue(worst <= tolerance * scale, "max |difference| " + worst + " vs max |parameter| " + scale);
    }

    @Test
    void partitionReadsTheRowsForTheLastTimeBeforeSayingSo() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkTestSession.get("local[2]").sparkContext());
        org.apache.spark.util.LongAccumulator reads = sc.sc().longAccumulator("row reads");
        List<float[]> input = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            input.add(new float[]{i});
        }
        JavaRDD<float[]> rows = sc.parallelize(input, 4).map(r -> {
            reads.add(1);
            return r;
        });
        long[] readsWhenSaid = {-1};
        List<PartitionBlock> blocks = ParameterAveragingTrainer.partition(rows, 3, () -> readsWhenSaid[0] = reads.value())
                .collect();
        assertTrue(readsWhenSaid[0] > 0, "said after the rows were read");
        assertEquals(readsWhenSaid[0], reads.value(), "no row read after rowsRead");
        assertEquals(50, blocks.stream().mapToInt(PartitionBlock::rows).sum());
    }

    @Test
    void partitionSendsRowIToBlockIModNInInputOrder() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkTestSession.get("local[2]").sparkContext());
        int count = 23;
        List<float[]> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(new float[]{i, -i});
        }
        // input slices of unequal sizes, some empty (30 slices for 23 rows); more blocks than rows (30)
        for (int slices : new int[]{1, 4, 30}) {
            for (int n : new int[]{1, 3, 7, 30}) {
                List<PartitionBlock> blocks = ParameterAveragingTrainer
                        .partition(sc.parallelize(rows, slices), n, () -> { }).collect();
                assertEquals(Math.min(n, count), blocks.size(), slices + " slices, " + n + " blocks");
                for (int j = 0; j < blocks.size(); j++) {
                    PartitionBlock b = blocks.get(j);
                    List<Float> expected = new ArrayList<>();
                    for (int i = j; i < count; i += n) {
                        expected.add((float) i);
                        expected.add((float) -i);
                    }
                    List<Float> actual = new ArrayList<>();
                    for (float v : b.values()) {
                        actual.add(v);
                    }
                    assertEquals(2, b.width());
                    assertEquals(expected.size() / 2, b.rows());
                    assertEquals(expected, actual, slices + " slices, block " + j + " of " + n);
                }
            }
        }
    }

    @Test
    void oneWorkerAveragingEveryMinibatchMatchesTheSingleProcessTrainer() {
        SparkSession spark = SparkTestSession.get("local[1]");
        Data d = load(spark);
        CdaeConfig cfg = config(2, 64);
        ParameterAveragingTrainer.Result spark1 = distributed(spark, d, cfg, 1, 1);
        SingleProcessTrainer.Result single = new SingleProcessTrainer(cfg, DataType.FLOAT)
                .train(d.normaliser().apply(d.trainMatrix()));
        assertCloseRelativeToLargest(single.network().params().toDoubleVector(),
                spark1.model().parameters().toDoubleVector(), 1e-5);
        assertEquals(single.network().getIterationCount(), spark1.model().iterations());
        assertEquals(single.epochs().get(1).total(), spark1.epochs().get(1).total(), 1e-5 * single.epochs().get(1).total());
    }

    /**
     * A partition with fewer minibatches per epoch than the averaging frequency trains whole epochs per round: 100
     * rows in minibatches of 32 are 4 per epoch, so averaging every 20 makes rounds of 5 epochs, aligned from epoch 0
     * (epochs 1-5, then 6-7). One worker never averages anything away, so the run equals the single process epoch by
     * epoch; and a run resumed from the round boundary (epoch 5) ends with the same parameters.
     */
    @Test
    void shortEpochsAreGroupedIntoRoundsThatKeepTheSingleProcessResultAndResumeExactly() {
        SparkSession spark = SparkTestSession.get("local[1]");
        Data d = load(spark);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<float[]> rows = d.train().subList(0, 100).stream().map(d.normaliser()::apply).toList();
        CdaeConfig cfg = config(7, 32);
        List<Integer> epochsPerCall = new ArrayList<>();
        List<CdaeModel> models = new ArrayList<>();
        ParameterAveragingTrainer.Result grouped = new ParameterAveragingTrainer(cfg, DataType.FLOAT, 20, 1,
                StorageLevel.MEMORY_ONLY()).train(sc, sc.parallelize(rows, 2), null, (s, m) -> {
                    epochsPerCall.add(s.size());
                    models.add(m);
                });
        assertEquals(List.of(5, 2), epochsPerCall);
        assertEquals(List.of(5, 7), models.stream().map(CdaeModel::epochs).toList());
        SingleProcessTrainer.Result single = new SingleProcessTrainer(cfg, DataType.FLOAT)
                .train(Nd4j.create(rows.toArray(new float[0][])));
        assertCloseRelativeToLargest(single.network().params().toDoubleVector(),
                grouped.model().parameters().toDoubleVector(), 1e-5);
        for (int e = 0; e < 7; e++) {
            assertEquals(single.epochs().get(e).total(), grouped.epochs().get(e).total(), 1e-5 * single.epochs().get(e).total(),
                    "epoch " + (e + 1));
            assertEquals(100, grouped.epochs().get(e).samples());
        }
        ParameterAveragingTrainer.Result resumed = new ParameterAveragingTrainer(cfg, DataType.FLOAT, 20, 1,
                StorageLevel.MEMORY_ONLY()).train(sc, sc.parallelize(rows, 2), models.get(0), (s, m) -> { });
        assertEquals(2, resumed.epochs().size());
        assertEquals(grouped.model().parameters(), resumed.model().parameters());
    }

    /**
     * Four workers with 8 rows per minibatch each, averaging every 2 minibatches, against the single process
     * with minibatches of 32: the same global minibatch and the same samples per epoch (the comparison DL4J's
     * TestCompareParameterAveragingSparkVsSingleMachine makes).
     */
    @Test
    void severalWorkersReachTheSingleProcessLossSeparateAnomaliesAndAreDeterministic() {
        SparkSession spark = SparkTestSession.get("local[2]");
        Data d = load(spark);
        CdaeConfig cfg = config(8, 8);
        ParameterAveragingTrainer.Result run1 = distributed(spark, d, cfg, 2, 4);
        SingleProcessTrainer.Result single = new SingleProcessTrainer(config(8, 32), DataType.FLOAT)
                .train(d.normaliser().apply(d.trainMatrix()));

        EpochStats lastSpark = run1.epochs().get(7);
        EpochStats lastSingle = single.epochs().get(7);
        assertEquals(lastSingle.samples(), lastSpark.samples(), "equal samples seen per epoch");
        assertTrue(Math.abs(lastSpark.total() - lastSingle.total()) <= 0.10 * lastSingle.total(),
                "distributed loss " + lastSpark.total() + " vs single-process " + lastSingle.total());

        CdaeModel model = new CdaeModel(cfg, run1.model().parameters(), d.normaliser(), null, 0, 8, Map.of());
        double auc = RocAuc.rocAuc(d.testLabels(), model.score(d.testPixels()).reconstruction()
                .castTo(DataType.DOUBLE).toDoubleVector());
        assertTrue(auc > 0.9, "ROC-AUC " + auc);

        // corruption happened inside Spark tasks, on every partition, once per row and epoch
        assertEquals(4, run1.corruptedRowsByPartition().size());
        assertEquals(1000L * 8, run1.corruptedRowsByPartition().values().stream().mapToLong(Long::longValue).sum());
        run1.corruptedRowsByPartition().values().forEach(n -> assertEquals(250L * 8, n));
        assertEquals(1000L * 8, run1.corruptedRowsInTasks());

        ParameterAveragingTrainer.Result run2 = distributed(spark, d, cfg, 2, 4);
        assertEquals(run1.model().parameters(), run2.model().parameters(), "same seed, same model");
    }
}
