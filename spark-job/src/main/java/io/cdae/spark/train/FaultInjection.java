package io.cdae.spark.train;

/**
 * Fault injection for the reliability tests (docs/RELIABILITY.md): with the system property
 * {@code cdae.fault.nan-after-round=EPOCH:ROUND} (1-based) on the driver, the first attempt of that averaging
 * round yields NaN parameters, as an exploding step would. Off unless the property is set.
 */
final class FaultInjection {
    static final String NAN_AFTER_ROUND = "cdae.fault.nan-after-round";

    private FaultInjection() {
    }

    static TrainingState afterRound(int epoch, int round, int attempt, TrainingState state) {
        String spec = System.getProperty(NAN_AFTER_ROUND);
        if (spec == null || attempt > 0 || !spec.equals((epoch + 1) + ":" + (round + 1))) {
            return state;
        }
        double[] poisoned = state.parameters().clone();
        java.util.Arrays.fill(poisoned, Double.NaN);
        return state.withParameters(poisoned);
    }
}
