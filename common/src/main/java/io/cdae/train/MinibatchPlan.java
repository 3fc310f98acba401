package io.cdae.train;

import io.cdae.random.SeedSequence;

import java.util.SplittableRandom;

/**
 * The order in which one partition visits its rows in one epoch, cut into minibatches: a Fisher-Yates
 * shuffle seeded by (master seed, epoch, partition), so the single-process trainer and every Spark executor
 * derive the same batches from the same rows without any coordination.
 */
public final class MinibatchPlan {
    private final int[] order;
    private final int batchSize;

    public MinibatchPlan(int rows, int batchSize, long masterSeed, int epoch, int partition) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, found " + batchSize);
        }
        this.batchSize = batchSize;
        this.order = new int[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(
                SeedSequence.derive(masterSeed, SeedSequence.SHUFFLE, epoch, partition));
        for (int i = rows - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** Number of minibatches (the last may be smaller than the batch size). */
    public int batches() {
        return (order.length + batchSize - 1) / batchSize;
    }

    /** Row indices of minibatch {@code b}. */
    public int[] batch(int b) {
        if (b < 0 || b >= batches()) {
            throw new IndexOutOfBoundsException("batch " + b + " of " + batches());
        }
        int from = b * batchSize;
        int to = Math.min(order.length, from + batchSize);
        return java.util.Arrays.copyOfRange(order, from, to);
    }
}
