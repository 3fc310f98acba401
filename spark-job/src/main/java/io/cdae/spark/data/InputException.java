package io.cdae.spark.data;

/** Input that cannot be used: a missing path, an unknown format, no feature columns, a bad row. */
public final class InputException extends RuntimeException {
    public InputException(String message) {
        super(message);
    }

    public InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
