package io.cdae.backend;

import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many CPU threads ND4J's native ops and its BLAS use in this JVM. Spark runs one task per core
 * ({@code spark.task.cpus}), so an executor's ND4J should use that many threads per task, not every core
 * of the machine: with its default (all cores) two concurrent tasks on two cores run four compute threads,
 * and even one task alone is slower on small matrices, where thread hand-offs cost more than the work
 * (docs/BENCHMARKS.md: 784-64-784 at batch 128 trains 2.7x faster on one thread than on two).
 * An {@code OMP_NUM_THREADS} set in the environment is the user's choice and always wins.
 */
public final class Nd4jThreads {
    private static final Logger LOG = LoggerFactory.getLogger(Nd4jThreads.class);
    private static volatile int current = -1;
    /** Open {@link #singleThreadedBlas()} scopes, and the BLAS thread count to restore when the last closes. */
    private static int blasScopes;
    private static int blasToRestore;

    private Nd4jThreads() {
    }

    /** Limits ND4J (native ops and BLAS) to {@code threads} threads, unless OMP_NUM_THREADS is set. */
    public static void limitTo(int threads) {
        if (threads < 1 || threads == current || fromEnvironment() != null) {
            return;
        }
        set(threads);
    }

    /** Sets ND4J's thread count whatever the environment says (benchmarks that compare thread counts). */
    public static synchronized void set(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("ND4J needs at least one thread, asked for " + threads);
        }
        if (threads != current) {
            // libnd4j splits an op over its "master" threads; its pool size (maxThreads) only grows
            Nd4j.getEnvironment().setMaxMasterThreads(threads);
            Nd4j.getEnvironment().setMaxThreads(threads);
            if (blasScopes > 0) {
                blasToRestore = threads;
            } else {
                Nd4j.factory().blas().setMaxThreads(threads);
            }
            current = threads;
            LOG.info("ND4J uses {} thread(s) per op", threads);
        }
    }

    /** A scope of {@link #singleThreadedBlas()}; closing it twice closes it once. */
    public interface BlasScope extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Runs BLAS on one thread until the returned scope closes: for callers that split their work over threads of
     * their own, each calling BLAS on its share (the fused training step), where a multi-threaded BLAS would
     * start threads of its own under each of them. Scopes may overlap, from any threads; the thread count before
     * the first is restored when the last closes, and a {@link #set} in between takes effect then.
     */
    public static synchronized BlasScope singleThreadedBlas() {
        if (blasScopes++ == 0) {
            blasToRestore = blasThreads();
            if (blasToRestore != 1) {
                Nd4j.factory().blas().setMaxThreads(1);
            }
        }
        boolean[] closed = {false};
        return () -> {
            synchronized (Nd4jThreads.class) {
                if (!closed[0]) {
                    closed[0] = true;
                    if (--blasScopes == 0 && blasToRestore != 1) {
                        Nd4j.factory().blas().setMaxThreads(blasToRestore);
                    }
                }
            }
        };
    }

    /** The threads an ND4J op may use now (libnd4j's master threads). */
    public static int threads() {
        return Nd4j.getEnvironment().maxMasterThreads();
    }

    /** The threads ND4J's BLAS may use now. */
    public static int blasThreads() {
        return Nd4j.factory().blas().getMaxThreads();
    }

    /** OMP_NUM_THREADS when set to a positive number, else null. */
    public static Integer fromEnvironment() {
        String v = System.getenv("OMP_NUM_THREADS");
        try {
            int n = v == null ? 0 : Integer.parseInt(v.trim());
            return n > 0 ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
