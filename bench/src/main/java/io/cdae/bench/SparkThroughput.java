package io.cdae.bench;

import io.cdae.config.CdaeConfig;
import io.cdae.spark.train.ParameterAveragingTrainer;
import io.cdae.train.EpochStats;
import io.cdae.train.SingleProcessTrainer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Whole-job training throughput: Spark local[2] parameter averaging (2 partitions, averaging every 5
 * minibatches) against the single-process trainer on the same rows and samples per epoch; samples/s is the
 * median over epochs 2..E (epoch 1 includes JIT and cache warm-up).
 * One line per averaging frequency (default "5,20"), with the time of one averaging round: Spark's fixed
 * cost per round (scheduling a job, broadcasting the parameters, collecting the results) is what separates the
 * two trainers when a round's minibatches take little time.
 * Usage: SparkThroughput [ROWS] [EPOCHS] [HIDDEN] [BATCH] [AVERAGING_FREQUENCIES, e.g. 5,20]
 */
public final class SparkThroughput {
    private SparkThroughput() {
    }

    public static void main(String[] args) {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 20000;
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        int hidden = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 128;
        int[] frequencies = Arrays.stream((args.length > 4 ? args[4] : "5,20").split(",")).mapToInt(Integer::parseInt).toArray();
        CdaeConfig base = BenchData.config(hidden, batch);
        CdaeConfig config = new CdaeConfig(784, base.encoderWidths(), base.activation(), true, base.outputActivation(),
                base.reconstructionLoss(), base.contractiveWeight(), base.contractiveEstimator(), base.projections(),
                base.corruption(), base.corruptionLevel(), base.optimiser(), base.learningRate(), base.momentum(), batch,
                epochs, base.seed());
        INDArray data = BenchData.rows(rows, 3);

        // the single process at its best thread count on this machine (one or two ND4J threads)
        double[] singleAt = new double[3];
        for (int t = 1; t <= 2; t++) {
            io.cdae.backend.Nd4jThreads.set(t);
            singleAt[t] = median(new SingleProcessTrainer(config, DataType.FLOAT).train(data).epochs());
        }
        double single = Math.max(singleAt[1], singleAt[2]);
        // each Spark task then sets one thread (spark.task.cpus = 1), as on a cluster
        io.cdae.backend.Nd4jThreads.set(1);

        SparkSession spark = SparkSession.builder().master("local[2]").appName("cdae-bench")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .config("spark.kryo.registrator", "io.cdae.spark.CdaeKryoRegistrator").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<float[]> list = new ArrayList<>(Arrays.asList(data.toFloatMatrix()));
        for (int frequency : frequencies) {
            double distributed = median(new ParameterAveragingTrainer(config, DataType.FLOAT, frequency, 2,
                    StorageLevel.MEMORY_ONLY()).train(sc, sc.parallelize(list, 2), null, (s, m) -> { }).epochs());
            int batchesPerPartition = (rows / 2 + batch - 1) / batch;
            int rounds = (batchesPerPartition + frequency - 1) / frequency;
            double roundMs = 1000.0 * rows / distributed / rounds;
            System.out.printf(Locale.ROOT, "spark-throughput hidden=%d batch=%d rows=%d single_samples_per_s=%.0f "
                            + "spark_local2_samples_per_s=%.0f ratio=%.3f single_1thread=%.0f single_2threads=%.0f "
                            + "averaging_frequency=%d round_ms=%.1f%n", hidden, batch, rows, single, distributed,
                    distributed / single, singleAt[1], singleAt[2], frequency, roundMs);
        }
        spark.stop();
    }

    private static double median(List<EpochStats> epochs) {
        double[] v = epochs.stream().skip(1).mapToDouble(EpochStats::samplesPerSecond).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
