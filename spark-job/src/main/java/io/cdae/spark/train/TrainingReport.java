package io.cdae.spark.train;

import io.cdae.train.EpochStats;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The training report written next to the model: {@code training-report.html} with a table of the epochs and
 * two PNG plots, the reconstruction and the contractive loss per epoch, then what the training engine adds (DL4J's
 * training statistics under {@code engine = dl4j-spark}).
 */
public final class TrainingReport {
    public static final String HTML = "training-report.html";
    public static final String RECONSTRUCTION_PNG = "loss-reconstruction.png";
    public static final String CONTRACTIVE_PNG = "loss-contractive.png";

    private TrainingReport() {
    }

    /** File name to content of the report's files. */
    public static Map<String, byte[]> files(List<EpochStats> epochs, Map<String, String> summary, EngineReport engine) {
        System.setProperty("java.awt.headless", "true");
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(RECONSTRUCTION_PNG, plot("Reconstruction loss", "mean ||x - g(f(x~))||^2", epochs,
                EpochStats::reconstruction));
        files.put(CONTRACTIVE_PNG, plot("Contractive penalty", "mean ||J_f(x~)||_F^2", epochs, EpochStats::contractive));
        files.put(HTML, html(epochs, summary, engine.html()).getBytes(StandardCharsets.UTF_8));
        files.putAll(engine.files());
        return files;
    }

    private static byte[] plot(String title, String yLabel, List<EpochStats> epochs, ToDoubleFunction<EpochStats> value) {
        XYSeries series = new XYSeries(title);
        for (EpochStats e : epochs) {
            series.add(e.epoch() + 1, value.applyAsDouble(e));
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "epoch", yLabel, new XYSeriesCollection(series),
                PlotOrientation.VERTICAL, false, false, false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, chart, 640, 400);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String html(List<EpochStats> epochs, Map<String, String> summary, String engineHtml) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>CDAE training report</title>")
                .append("<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 10px;text-align:right}")
                .append("th{border-bottom:1px solid #999}</style></head><body>\n<h1>CDAE training report</h1>\n<table>\n");
        summary.forEach((k, v) -> b.append("<tr><th style=\"text-align:left\">").append(escape(k)).append("</th><td style=\"text-align:left\">")
                .append(escape(v)).append("</td></tr>\n"));
        b.append("</table>\n<h2>Loss per epoch</h2>\n<img src=\"").append(RECONSTRUCTION_PNG).append("\" alt=\"reconstruction loss\">")
                .append("<img src=\"").append(CONTRACTIVE_PNG).append("\" alt=\"contractive penalty\">\n")
                .append("<table>\n<tr><th>epoch</th><th>reconstruction</th><th>contractive</th><th>total</th>")
                .append("<th>samples</th><th>samples/s</th><th>seconds</th></tr>\n");
        for (EpochStats e : epochs) {
            b.append(String.format(java.util.Locale.ROOT,
                    "<tr><td>%d</td><td>%.6g</td><td>%.6g</td><td>%.6g</td><td>%d</td><td>%.0f</td><td>%.2f</td></tr>%n",
                    e.epoch() + 1, e.reconstruction(), e.contractive(), e.total(), e.samples(), e.samplesPerSecond(),
                    e.seconds()));
        }
        return b.append("</table>\n").append(engineHtml).append("</body></html>\n").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
