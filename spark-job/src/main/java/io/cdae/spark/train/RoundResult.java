package io.cdae.spark.train;

import io.cdae.train.LossTally;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sum over workers of one averaging round: parameters and optimiser state (to be divided by
 * {@code contributors}), the loss tally of each epoch the round covers (one, or several whole epochs of a small
 * partition), the most steps any worker took, and the rows each partition corrupted. Mutable and merged in
 * place, as Spark's treeAggregate expects.
 */
final class RoundResult implements Serializable {
    private static final long serialVersionUID = 1L;
    double[] parameterSum;
    double[] updaterSum;
    int contributors;
    int maxSteps;
    /** One tally per epoch of the round; empty until the first contributor is merged in. */
    LossTally[] tallies = new LossTally[0];
    final Map<Integer, Long> corruptedRows = new TreeMap<>();
    /** Every value is exactly a float (one float network's values, not yet summed): TrainingWire ships floats. */
    boolean singlePrecision;

    static RoundResult of(double[] parameters, double[] updater, LossTally[] tallies, int partition,
                          boolean singlePrecision) {
        RoundResult r = new RoundResult();
        r.singlePrecision = singlePrecision;
        r.parameterSum = parameters;
        r.updaterSum = updater;
        r.contributors = 1;
        r.tallies = tallies.clone();
        LossTally total = r.total();
        r.maxSteps = (int) total.batches();
        r.corruptedRows.put(partition, total.samples());
        return r;
    }

    /** The tally of the whole round (every epoch it covers). */
    LossTally total() {
        LossTally t = new LossTally();
        for (LossTally e : tallies) {
            t.merge(e);
        }
        return t;
    }

    RoundResult merge(RoundResult other) {
        if (contributors == 0) {
            singlePrecision = other.singlePrecision;
        } else if (other.contributors > 0) {
            singlePrecision = false; // a sum of two float vectors needs double
        }
        parameterSum = add(parameterSum, other.parameterSum);
        updaterSum = add(updaterSum, other.updaterSum);
        contributors += other.contributors;
        maxSteps = Math.max(maxSteps, other.maxSteps);
        if (tallies.length == 0) {
            tallies = new LossTally[other.tallies.length];
            for (int i = 0; i < tallies.length; i++) {
                tallies[i] = new LossTally();
            }
        }
        if (other.tallies.length > 0 && other.tallies.length != tallies.length) {
            throw new IllegalStateException("round results cover " + tallies.length + " and " + other.tallies.length
                    + " epochs");
        }
        for (int i = 0; i < other.tallies.length; i++) {
            tallies[i].merge(other.tallies[i]);
        }
        other.corruptedRows.forEach((p, n) -> corruptedRows.merge(p, n, Long::sum));
        return this;
    }

    private static double[] add(double[] a, double[] b) {
        if (a == null) {
            return b == null ? null : b.clone();
        }
        if (b != null) {
            for (int i = 0; i < a.length; i++) {
                a[i] += b[i];
            }
        }
        return a;
    }

    /** The average of the contributors' vectors. */
    static double[] mean(double[] sum, int n) {
        double[] out = new double[sum.length];
        for (int i = 0; i < sum.length; i++) {
            out[i] = sum[i] / n;
        }
        return out;
    }
}
