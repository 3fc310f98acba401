package io.cdae.io;

/** A model directory that is missing, truncated, tampered with, foreign or of a newer format. */
public final class ModelFormatException extends RuntimeException {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
