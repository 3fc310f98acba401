package io.cdae.spark.train;

import java.util.Map;

/**
 * What a training engine adds to the training report: an HTML fragment placed after the table of epochs, and
 * files written beside {@code training-report.html} (name to content).
 */
public record EngineReport(String html, Map<String, byte[]> files) {
    /** Nothing to add. */
    public static final EngineReport NONE = new EngineReport("", Map.of());

    public EngineReport {
        files = Map.copyOf(files);
    }
}
