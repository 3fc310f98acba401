package io.cdae.spark.train;

/** Training produced NaN or infinite values that halving the learning rate did not cure. */
public final class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
