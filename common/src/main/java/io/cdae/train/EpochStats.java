package io.cdae.train;

/** What one training epoch did: mean loss parts over its minibatches, samples seen, wall time. */
public record EpochStats(int epoch, double reconstruction, double contractive, double contractiveWeight,
                         long samples, double seconds) {
    public double total() {
        return reconstruction + contractiveWeight * contractive;
    }

    public double samplesPerSecond() {
        return seconds > 0 ? samples / seconds : Double.NaN;
    }

    public static EpochStats of(int epoch, LossTally tally, double contractiveWeight, double seconds) {
        return new EpochStats(epoch, tally.meanReconstruction(), tally.meanContractive(), contractiveWeight,
                tally.samples(), seconds);
    }
}
