package io.cdae.spark.score;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The scoring report: {@code score-report.html} with the metrics and {@code score-histogram.png}, the
 * histograms of the anomaly scores of normal and anomalous rows with the threshold as a vertical line.
 */
public final class ScoreReport {
    public static final String METRICS = "metrics.json";
    public static final String HTML = "score-report.html";
    public static final String HISTOGRAM = "score-histogram.png";

    private ScoreReport() {
    }

    /** Bin edges ({@code bins + 1}) and the counts of normal and anomalous rows per bin. */
    public record Histogram(double[] edges, long[] normal, long[] anomalous, boolean logScale) {
    }

    public static Map<String, byte[]> files(byte[] metricsJson, ScoreMetrics m, Histogram h) {
        System.setProperty("java.awt.headless", "true");
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(METRICS, metricsJson);
        files.put(HISTOGRAM, histogram(h, m.threshold()));
        files.put(HTML, html(m).getBytes(StandardCharsets.UTF_8));
        return files;
    }

    private static byte[] histogram(Histogram h, double threshold) {
        XYSeries normal = new XYSeries("normal (label 0)");
        XYSeries anomalous = new XYSeries("anomalous (label 1)");
        for (int i = 0; i < h.normal().length; i++) {
            double mid = h.logScale() ? Math.sqrt(h.edges()[i] * h.edges()[i + 1]) : (h.edges()[i] + h.edges()[i + 1]) / 2;
            normal.add(mid, h.normal()[i]);
            anomalous.add(mid, h.anomalous()[i]);
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(normal);
        data.addSeries(anomalous);
        JFreeChart chart = ChartFactory.createXYLineChart("Anomaly scores", "anomaly score", "rows", data,
                PlotOrientation.VERTICAL, true, false, false);
        if (h.logScale()) {
            chart.getXYPlot().setDomainAxis(new org.jfree.chart.axis.LogAxis("anomaly score (log scale)"));
        }
        ValueMarker marker = new ValueMarker(threshold, Color.RED, new BasicStroke(2f));
        marker.setLabel("threshold");
        chart.getXYPlot().addDomainMarker(marker);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, chart, 720, 420);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String html(ScoreMetrics m) {
        StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>CDAE scoring report</title>"
                + "<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 10px;text-align:left}</style></head><body>\n"
                + "<h1>CDAE scoring report</h1>\n<table>\n");
        row(b, "rows scored", Long.toString(m.rows()));
        row(b, "anomaly score", m.anomalyScore());
        row(b, "ROC-AUC", fmt(m.rocAuc()));
        row(b, "PR-AUC", fmt(m.prAuc()));
        row(b, "threshold", fmt(m.threshold()));
        row(b, "anomalies labelled / flagged", m.positives() + " / " + m.flagged());
        row(b, "precision / recall / F1 at the threshold", fmt(m.precision()) + " / " + fmt(m.recall()) + " / " + fmt(m.f1()));
        return b.append("</table>\n<img src=\"").append(HISTOGRAM).append("\" alt=\"score histograms\">\n</body></html>\n")
                .toString();
    }

    private static void row(StringBuilder b, String k, String v) {
        b.append("<tr><th>").append(k).append("</th><td>").append(v).append("</td></tr>\n");
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.4f", d);
    }
}
