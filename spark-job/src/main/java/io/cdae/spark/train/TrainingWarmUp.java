package io.cdae.spark.train;

import io.cdae.backend.Nd4jThreads;
import io.cdae.config.CdaeConfig;
import io.cdae.model.CdaeNetwork;
import io.cdae.spark.config.JobConfig;
import io.cdae.train.LocalSteps;
import io.cdae.train.LossTally;
import org.apache.spark.SparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.SplittableRandom;

/**
 * Work the first averaging round would otherwise do on the critical path, done on a daemon thread while the
 * driver reads its configuration, plans the read and reads the CSV header (single-threaded work that leaves the
 * other cores idle): loading ND4J's native backend (about 0.6 s), and, where the executors are this JVM (Spark
 * local mode), running the training step of the job's model on a small synthetic block so that the JIT has
 * compiled its kernels before the first round (docs/BENCHMARKS.md, session 9). Bounded: {@value #STEPS}
 * minibatches of {@value #WIDTH} inputs. Nothing it does is seen by the job: its network is its own, its data
 * random, and a failure is logged and ignored (the job then does the same work itself, as before).
 */
final class TrainingWarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingWarmUp.class);
    /** Input width of the synthetic model: the kernels' loops are the same at any width. */
    static final int WIDTH = 64;
    /** Minibatches run, enough for the JIT's optimising compiler to take the step's loops. */
    static final int STEPS = 400;

    private TrainingWarmUp() {
    }

    /** Starts the warm-up for {@code job} on a daemon thread; returns the thread (tests join it). */
    static Thread start(JobConfig job, SparkContext sc) {
        boolean local = sc.isLocal();
        int taskCpus = sc.getConf().getInt("spark.task.cpus", 1);
        Thread t = new Thread(() -> run(job, local, taskCpus), "cdae-warm-up");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * The warm-up itself, on the calling thread: the minibatches run (0 where the executors are other JVMs), or -1
     * when something failed (logged at debug level; the job meets it again where it matters, and says so).
     */
    static int run(JobConfig job, boolean local, int taskCpus) {
        long t0 = System.nanoTime();
        try {
            Nd4j.create(1); // loads the backend and its native libraries
            if (!local) {
                return 0;
            }
            // what every task does first (TaskResources), so that the step below is the tasks' step
            Nd4jThreads.limitTo(taskCpus);
            CdaeConfig config = job.model(WIDTH, (long) STEPS * 1024, 1);
            LocalSteps steps = new LocalSteps(config);
            int rows = Math.max(1, config.batchSize()) * 4;
            float[] block = new float[rows * WIDTH];
            SplittableRandom random = new SplittableRandom(config.seed());
            for (int i = 0; i < block.length; i++) {
                block[i] = (float) random.nextDouble();
            }
            MultiLayerNetwork net = CdaeNetwork.create(config, job.dataType());
            int perEpoch = steps.batchesFor(rows);
            LossTally tally = new LossTally();
            for (int epoch = 0; tally.batches() < STEPS; epoch++) {
                steps.run(net, block, rows, WIDTH, job.dataType(), epoch, 0, 0, perEpoch, tally);
            }
            LOG.debug("warm-up: {} minibatches in {} ms", tally.batches(), (System.nanoTime() - t0) / 1_000_000);
            return (int) tally.batches();
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("warm-up stopped after {} ms", (System.nanoTime() - t0) / 1_000_000, e);
            return -1;
        }
    }
}
