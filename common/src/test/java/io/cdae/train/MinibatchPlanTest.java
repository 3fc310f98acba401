package io.cdae.train;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class MinibatchPlanTest {
    @Test
    void batchesCoverEveryRowOnceAndDependOnlyOnTheKey() {
        MinibatchPlan plan = new MinibatchPlan(103, 10, 5L, 2, 1);
        assertEquals(11, plan.batches());
        assertEquals(3, plan.batch(10).length);
        int[] all = IntStream.range(0, plan.batches()).flatMap(b -> Arrays.stream(plan.batch(b))).sorted().toArray();
        assertArrayEquals(IntStream.range(0, 103).toArray(), all);
        assertArrayEquals(plan.batch(4), new MinibatchPlan(103, 10, 5L, 2, 1).batch(4));
        assertFalse(Arrays.equals(plan.batch(0), new MinibatchPlan(103, 10, 5L, 3, 1).batch(0)), "another epoch");
    }
}
