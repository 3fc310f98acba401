package io.cdae.model;

/**
 * The batch-mean loss of a CDAE split into its parts:
 * total = reconstruction + contractiveWeight * contractive.
 */
public record LossParts(double reconstruction, double contractive, double contractiveWeight) {
    public double total() {
        return reconstruction + contractiveWeight * contractive;
    }

    public boolean isFinite() {
        return Double.isFinite(reconstruction) && Double.isFinite(contractive);
    }
}
