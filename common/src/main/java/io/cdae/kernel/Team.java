package io.cdae.kernel;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Runs one piece of work on {@code size} threads at once, the calling thread being member 0, and returns when all
 * are done: the fork and join of the fused step's phases. Helpers come from one JVM-wide pool of daemon threads
 * (idle ones end after a minute), so no thread outlives its use; the caller spins briefly before parking, since a
 * phase's members usually finish within microseconds of one another.
 */
final class Team {
    private static final ExecutorService HELPERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "cdae-kernel-helper");
        t.setDaemon(true);
        return t;
    });
    /** Spins of the waiting caller before it parks (each a few nanoseconds). */
    private static final int SPINS = 20_000;

    private final int size;

    Team(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a team needs at least one thread, found " + size);
        }
        this.size = size;
    }

    int size() {
        return size;
    }

    /** Runs {@code work.accept(member)} for every member 0..size-1, member 0 on this thread; rethrows a failure. */
    void run(IntConsumer work) {
        if (size == 1) {
            work.accept(0);
            return;
        }
        AtomicInteger remaining = new AtomicInteger(size - 1);
        Throwable[] failure = new Throwable[1];
        Thread caller = Thread.currentThread();
        for (int m = 1; m < size; m++) {
            int member = m;
            HELPERS.execute(() -> {
                try {
                    work.accept(member);
                } catch (Throwable e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                } finally {
                    if (remaining.decrementAndGet() == 0) {
                        LockSupport.unpark(caller);
                    }
                }
            });
        }
        Throwable own = null;
        try {
            work.accept(0);
        } catch (Throwable e) {
            own = e;
        }
        for (int spin = 0; remaining.get() > 0 && spin < SPINS; spin++) {
            Thread.onSpinWait();
        }
        while (remaining.get() > 0) {
            LockSupport.park(this);
        }
        synchronized (failure) {
            if (own == null) {
                own = failure[0];
            }
        }
        if (own instanceof RuntimeException e) {
            throw e;
        }
        if (own instanceof Error e) {
            throw e;
        }
        if (own != null) {
            throw new IllegalStateException(own);
        }
    }

    /** The first index of member {@code member}'s share when {@code count} items are split evenly, in order. */
    int start(int member, int count) {
        return (int) ((long) count * member / size);
    }
}
