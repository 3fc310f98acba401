package io.cdae.spark.train;

import io.cdae.train.LossTally;
import org.apache.spark.util.AccumulatorV2;

import java.util.Map;
import java.util.TreeMap;

/**
 * A Spark accumulator of loss tallies by partition: what the minibatches of DL4J's workers saw, added on the
 * executors ({@link StepLosses}) and merged on the driver when each task ends, so the dl4j-spark engine reports the
 * same per-epoch losses and rows as the default engine.
 */
final class PartitionLosses extends AccumulatorV2<Map<Integer, LossTally>, Map<Integer, LossTally>> {
    private static final long serialVersionUID = 1L;
    private final TreeMap<Integer, LossTally> tallies = new TreeMap<>();

    @Override
    public boolean isZero() {
        return tallies.isEmpty();
    }

    @Override
    public PartitionLosses copy() {
        PartitionLosses c = new PartitionLosses();
        c.add(tallies);
        return c;
    }

    @Override
    public void reset() {
        tallies.clear();
    }

    @Override
    public void add(Map<Integer, LossTally> v) {
        v.forEach((p, t) -> tallies.computeIfAbsent(p, k -> new LossTally()).merge(t));
    }

    @Override
    public void merge(AccumulatorV2<Map<Integer, LossTally>, Map<Integer, LossTally>> other) {
        add(other.value());
    }

    /** Tally by partition (the accumulator's own map: read it on the driver once the job is done). */
    @Override
    public Map<Integer, LossTally> value() {
        return tallies;
    }

    /** All partitions' tallies merged. */
    LossTally total() {
        LossTally t = new LossTally();
        tallies.values().forEach(t::merge);
        return t;
    }
}
