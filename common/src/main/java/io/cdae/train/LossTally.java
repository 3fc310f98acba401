package io.cdae.train;

import io.cdae.model.LossParts;

import java.io.Serializable;

/**
 * Sample-weighted sums of the two loss parts over many minibatches; mergeable, so Spark can add up the
 * tallies of its partitions.
 */
public final class LossTally implements Serializable {
    private static final long serialVersionUID = 1L;
    private double reconstruction;
    private double contractive;
    private long samples;
    private long batches;
    private boolean nonFinite;

    public void add(LossParts loss, long batchRows) {
        if (!loss.isFinite()) {
            nonFinite = true;
        }
        reconstruction += loss.reconstruction() * batchRows;
        contractive += loss.contractive() * batchRows;
        samples += batchRows;
        batches++;
    }

    public LossTally merge(LossTally other) {
        reconstruction += other.reconstruction;
        contractive += other.contractive;
        samples += other.samples;
        batches += other.batches;
        nonFinite |= other.nonFinite;
        return this;
    }

    public double meanReconstruction() {
        return reconstruction / samples;
    }

    public double meanContractive() {
        return contractive / samples;
    }

    public long samples() {
        return samples;
    }

    public long batches() {
        return batches;
    }

    /** True when any minibatch produced a NaN or infinite loss. */
    public boolean sawNonFinite() {
        return nonFinite;
    }
}
