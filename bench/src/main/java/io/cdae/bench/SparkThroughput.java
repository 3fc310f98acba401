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
 * Whole-job training throughput: Spark local[2] parameter averaging (2 partitions) against the single-process
 * trainer on the same rows and samples per epoch; samples/s is the median over epochs 2..E (epoch 1 includes
 * JIT and cache warm-up).
 * One line per averaging frequency (default "5,10,20"; 20 is the job's default), with the time of one
 * averaging round: Spark's fixed cost per round (scheduling a job, broadcasting the parameters, collecting the
 * results) is what separates the two trainers when a round's minibatches take little time. A second line per
 * frequency takes the round apart from Spark's own listener events (medians over the rounds of epochs 2..E,
 * milliseconds): from the job's submission to its first task's launch, task deserialisation, the task's run
 * (loading the state, the minibatches, reading the state back), result serialisation, the rest of the task
 * (sending the result), from the last task's end to the job's end, and the driver's time between two jobs
 * (averaging, the finiteness check, the next broadcast).
 * Usage: SparkThroughput [ROWS] [EPOCHS] [HIDDEN] [BATCH] [AVERAGING_FREQUENCIES, e.g. 5,10,20]
 */
public final class SparkThroughput {
    private SparkThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 20000;
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        int hidden = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 128;
        int[] frequencies = Arrays.stream((args.length > 4 ? args[4] : "5,10,20").split(",")).mapToInt(Integer::parseInt).toArray();
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

        SparkSession spark = BenchSessions.local("local[2]", "cdae-bench");
        RoundProfile profile = new RoundProfile();
        spark.sparkContext().addSparkListener(profile);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<float[]> list = new ArrayList<>(Arrays.asList(data.toFloatMatrix()));
        for (int frequency : frequencies) {
            profile.reset();
            double distributed = median(new ParameterAveragingTrainer(config, DataType.FLOAT, frequency, 2,
                    StorageLevel.MEMORY_ONLY()).train(sc, sc.parallelize(list, 2), null, (s, m) -> { }).epochs());
            int batchesPerPartition = (rows / 2 + batch - 1) / batch;
            int rounds = (batchesPerPartition + frequency - 1) / frequency;
            double roundMs = 1000.0 * rows / distributed / rounds;
            System.out.printf(Locale.ROOT, "spark-throughput hidden=%d batch=%d rows=%d single_samples_per_s=%.0f "
                            + "spark_local2_samples_per_s=%.0f ratio=%.3f single_1thread=%.0f single_2threads=%.0f "
                            + "averaging_frequency=%d round_ms=%.1f%n", hidden, batch, rows, single, distributed,
                    distributed / single, singleAt[1], singleAt[2], frequency, roundMs);
            spark.sparkContext().listenerBus().waitUntilEmpty();
            System.out.println("spark-round-profile averaging_frequency=" + frequency + " "
                    + profile.summary(rounds * (epochs - 1)));
        }
        spark.stop();
    }

    /** Per-job timings from Spark's listener events: one averaging round is one job of one stage. */
    static final class RoundProfile extends org.apache.spark.scheduler.SparkListener {
        /** One job: submission, end, first task launch, last task finish, and its tasks' timings. */
        private static final class Job {
            long start;
            long end;
            long firstLaunch = Long.MAX_VALUE;
            long lastFinish;
            final List<long[]> tasks = new ArrayList<>(); // deserialise, run, result serialisation, rest
        }

        private final List<Job> done = new ArrayList<>();
        private final java.util.Map<Integer, Job> open = new java.util.HashMap<>();
        private final java.util.Map<Integer, Job> byStage = new java.util.HashMap<>();

        synchronized void reset() {
            done.clear();
            open.clear();
            byStage.clear();
        }

        @Override
        public synchronized void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart e) {
            Job j = new Job();
            j.start = e.time();
            open.put(e.jobId(), j);
            for (Object id : scala.collection.JavaConverters.seqAsJavaListConverter(e.stageIds()).asJava()) {
                byStage.put((Integer) id, j);
            }
        }

        @Override
        public synchronized void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd e) {
            Job j = byStage.get(e.stageId());
            if (j == null || e.taskMetrics() == null) {
                return;
            }
            org.apache.spark.scheduler.TaskInfo i = e.taskInfo();
            org.apache.spark.executor.TaskMetrics m = e.taskMetrics();
            j.firstLaunch = Math.min(j.firstLaunch, i.launchTime());
            j.lastFinish = Math.max(j.lastFinish, i.finishTime());
            long rest = i.duration() - m.executorDeserializeTime() - m.executorRunTime() - m.resultSerializationTime();
            j.tasks.add(new long[] {m.executorDeserializeTime(), m.executorRunTime(), m.resultSerializationTime(), rest});
        }

        @Override
        public synchronized void onJobEnd(org.apache.spark.scheduler.SparkListenerJobEnd e) {
            Job j = open.remove(e.jobId());
            if (j != null) {
                j.end = e.time();
                done.add(j);
            }
        }

        /** Medians over the last {@code last} jobs (the rounds of epochs 2..E), in milliseconds. */
        synchronized String summary(int last) {
            List<Job> js = done.subList(Math.max(0, done.size() - last), done.size());
            List<long[]> ts = js.stream().flatMap(j -> j.tasks.stream()).toList();
            List<Long> between = new ArrayList<>();
            for (int k = 1; k < js.size(); k++) {
                between.add(js.get(k).start - js.get(k - 1).end);
            }
            return String.format(Locale.ROOT, "rounds=%d job_ms=%.1f submit_to_launch_ms=%.1f task_deserialise_ms=%.1f "
                            + "task_run_ms=%.1f result_serialise_ms=%.1f task_rest_ms=%.1f last_task_to_job_end_ms=%.1f "
                            + "driver_between_jobs_ms=%.1f", js.size(),
                    medianOf(js.stream().map(j -> j.end - j.start).toList()),
                    medianOf(js.stream().map(j -> j.firstLaunch - j.start).toList()),
                    medianOf(ts.stream().map(t -> t[0]).toList()), medianOf(ts.stream().map(t -> t[1]).toList()),
                    medianOf(ts.stream().map(t -> t[2]).toList()), medianOf(ts.stream().map(t -> t[3]).toList()),
                    medianOf(js.stream().map(j -> j.end - j.lastFinish).toList()), medianOf(between));
        }

        private static double medianOf(List<Long> v) {
            if (v.isEmpty()) {
                return Double.NaN;
            }
            long[] s = v.stream().mapToLong(Long::longValue).sorted().toArray();
            return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
        }
    }

    private static double median(List<EpochStats> epochs) {
        double[] v = epochs.stream().skip(1).mapToDouble(EpochStats::samplesPerSecond).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
