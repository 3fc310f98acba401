package io.cdae.spark.train;

import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.stat.MultivariateOnlineSummarizer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The column statistics against Spark's MultivariateOnlineSummarizer (in double) and small cases by hand. */
class ColumnStatisticsTest {
    /**
     * Rows far from zero (mean 1e4, sd 0.01: a naive sum of squares would lose the variance), split into parts of
     * different sizes, one empty, merged in a tree: the summarizer's figures over all rows at once.
     */
    @Test
    void partsMergedGiveTheSummarizersFiguresOverAllRows() {
        SplittableRandom r = new SplittableRandom(11);
        int d = 7;
        List<float[]> rows = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            float[] v = new float[d];
            for (int j = 0; j < d; j++) {
                v[j] = (float) (j == 0 ? 1e4 + 0.01 * r.nextGaussian() : j == 1 ? 3.0 : r.nextGaussian() * (j + 1) - j);
            }
            rows.add(v);
        }
        MultivariateOnlineSummarizer expected = new MultivariateOnlineSummarizer();
        for (float[] v : rows) {
            double[] x = new double[d];
            for (int j = 0; j < d; j++) {
                x[j] = v[j];
            }
            expected.add(Vectors.dense(x));
        }
        ColumnStatistics a = ColumnStatistics.of(rows.subList(0, 1).iterator());
        ColumnStatistics b = ColumnStatistics.of(rows.subList(1, 1700).iterator());
        ColumnStatistics empty = ColumnStatistics.of(Collections.emptyIterator());
        ColumnStatistics c = ColumnStatistics.of(rows.subList(1700, 5000).iterator());
        ColumnStatistics all = ColumnStatistics.merge(ColumnStatistics.merge(a, empty), ColumnStatistics.merge(b, c));
        assertEquals(5000, all.count());
        assertArrayEquals(expected.mean().toArray(), all.mean(), 1e-9);
        double[] ev = expected.variance().toArray();
        double[] v = all.variance();
        for (int j = 0; j < d; j++) {
            assertEquals(ev[j], v[j], 1e-9 * (1 + ev[j]), "variance of column " + j);
        }
        assertEquals(0.0, v[1]);
        assertArrayEquals(expected.min().toArray(), all.min(), 0.0);
        assertArrayEquals(expected.max().toArray(), all.max(), 0.0);
    }

    /** Rows (1, 10), (2, 20), (6, 60): means 3 and 30, sample variances 7 and 700; one row: variance 0. */
    @Test
    void aSmallCaseByHand() {
        ColumnStatistics s = ColumnStatistics.merge(
                ColumnStatistics.of(List.of(new float[] {1, 10}).iterator()),
                ColumnStatistics.of(List.of(new float[] {2, 20}, new float[] {6, 60}).iterator()));
        assertArrayEquals(new double[] {3, 30}, s.mean(), 1e-12);
        assertArrayEquals(new double[] {7, 700}, s.variance(), 1e-9);
        assertArrayEquals(new double[] {1, 10}, s.min(), 0.0);
        assertArrayEquals(new double[] {6, 60}, s.max(), 0.0);
        assertArrayEquals(new double[] {0, 0}, ColumnStatistics.of(List.of(new float[] {4, 5}).iterator()).variance(), 0.0);
    }
}
