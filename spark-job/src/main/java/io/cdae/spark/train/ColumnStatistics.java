package io.cdae.spark.train;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;

/**
 * Per-column count, minimum, maximum, mean and sum of squared deviations of float rows, in double precision:
 * within a partition as sums of deviations from the partition's first row (the shifted-data algorithm, which keeps
 * the precision of the variance when the mean is far from zero), between partitions by the pairwise update of
 * Chan, Golub and LeVeque (1979). The variance is the sample variance (n - 1; 0 for one row), as Spark's
 * MultivariateOnlineSummarizer gives it; this class exists because the summarizer boxes every row into a vector
 * and updates eight arrays per value, which made the statistics pass of a 784-column input cost as much as an
 * epoch.
 */
final class ColumnStatistics implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long n;
    private final double[] mean;
    private final double[] squares;
    private final double[] min;
    private final double[] max;

    private ColumnStatistics(long n, double[] mean, double[] squares, double[] min, double[] max) {
        this.n = n;
        this.mean = mean;
        this.squares = squares;
        this.min = min;
        this.max = max;
    }

    /** The statistics of the rows of one partition (none: an empty statistic that merges as nothing). */
    static ColumnStatistics of(Iterator<float[]> rows) {
        if (!rows.hasNext()) {
            return new ColumnStatistics(0, new double[0], new double[0], new double[0], new double[0]);
        }
        float[] first = rows.next();
        int d = first.length;
        float[] shift = first.clone();
        double[] sum = new double[d];
        double[] sumSquares = new double[d];
        float[] lo = first.clone();
        float[] hi = first.clone();
        long n = 1;
        while (rows.hasNext()) {
            float[] v = rows.next();
            for (int j = 0; j < d; j++) {
                float x = v[j];
                double e = (double) x - shift[j];
                sum[j] += e;
                sumSquares[j] += e * e;
                lo[j] = Math.min(lo[j], x);
                hi[j] = Math.max(hi[j], x);
            }
            n++;
        }
        double[] mean = new double[d];
        double[] squares = new double[d];
        double[] min = new double[d];
        double[] max = new double[d];
        for (int j = 0; j < d; j++) {
            mean[j] = shift[j] + sum[j] / n;
            squares[j] = Math.max(0.0, sumSquares[j] - sum[j] * sum[j] / n);
            min[j] = lo[j];
            max[j] = hi[j];
        }
        return new ColumnStatistics(n, mean, squares, min, max);
    }

    /** The statistics of both parts' rows together. */
    static ColumnStatistics merge(ColumnStatistics a, ColumnStatistics b) {
        if (a.n == 0) {
            return b;
        }
        if (b.n == 0) {
            return a;
        }
        int d = a.mean.length;
        if (b.mean.length != d) {
            throw new IllegalArgumentException("rows of " + d + " and " + b.mean.length + " columns");
        }
        long n = a.n + b.n;
        double[] mean = new double[d];
        double[] squares = new double[d];
        double[] min = new double[d];
        double[] max = new double[d];
        for (int j = 0; j < d; j++) {
            double delta = b.mean[j] - a.mean[j];
            mean[j] = a.mean[j] + delta * b.n / n;
            squares[j] = a.squares[j] + b.squares[j] + delta * delta * ((double) a.n * b.n / n);
            min[j] = Math.min(a.min[j], b.min[j]);
            max[j] = Math.max(a.max[j], b.max[j]);
        }
        return new ColumnStatistics(n, mean, squares, min, max);
    }

    long count() {
        return n;
    }

    double[] mean() {
        return mean.clone();
    }

    /** Sample variance: the sum of squared deviations over n - 1 (0 for a single row). */
    double[] variance() {
        double[] v = new double[squares.length];
        if (n > 1) {
            for (int j = 0; j < v.length; j++) {
                v[j] = squares[j] / (n - 1);
            }
        }
        return v;
    }

    double[] min() {
        return min.clone();
    }

    double[] max() {
        return max.clone();
    }

    @Override
    public String toString() {
        return "ColumnStatistics[n=" + n + ", mean=" + Arrays.toString(mean) + "]";
    }
}
