package io.cdae.spark.train;

import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.stats.EventStats;
import org.deeplearning4j.spark.stats.StatsUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * DL4J's own training statistics ({@code collectTrainingStats}) in the training report: where the time of each fit
 * and each averaging round goes, from the master's timers on the driver (count of the epoch's minibatches, their
 * split into rounds, broadcast, each round's mapPartitions, aggregation, parameter update) and the workers' (reading
 * the broadcast, building the network, each minibatch's fit). A table of each timer (events, total, mean, median,
 * maximum) goes into {@code training-report.html}; DL4J's timelines and histograms ({@link StatsUtils}) beside it.
 */
final class Dl4jTrainingStats {
    private static final Logger LOG = LoggerFactory.getLogger(Dl4jTrainingStats.class);
    /** DL4J's HTML export, beside training-report.html. */
    static final String HTML_FILE = "dl4j-training-stats.html";

    private Dl4jTrainingStats() {
    }

    /** The report section of {@code stats} (none when DL4J collected none). */
    static EngineReport report(SparkTrainingStats stats) {
        if (stats == null) {
            return EngineReport.NONE;
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            StatsUtils.exportStatsAsHTML(stats, out);
            files.put(HTML_FILE, out.toByteArray());
        } catch (Exception e) {
            // the charts are an extra: a model is never lost for them
            LOG.warn("DL4J could not render its training statistics as HTML: {}", e.toString());
        }
        return new EngineReport(table(stats, files.containsKey(HTML_FILE)), files);
    }

    private static String table(SparkTrainingStats stats, boolean withCharts) {
        StringBuilder b = new StringBuilder("<h2>DL4J training statistics</h2>\n<p>ParameterAveragingTrainingMaster's own "
                + "timers (<code>collectTrainingStats</code>) over every fit of the run, milliseconds. Driver: the count "
                + "of each epoch's minibatches (which makes them), their split into averaging rounds, each round's "
                + "broadcast, mapPartitions (the round as a whole), aggregation and parameter update. Workers: reading "
                + "the broadcast, building the network, each minibatch's fit.");
        if (withCharts) {
            b.append(" Timelines and histograms: <a href=\"").append(HTML_FILE).append("\">").append(HTML_FILE).append("</a>.");
        }
        b.append("</p>\n<table>\n<tr><th style=\"text-align:left\">timer</th><th>events</th><th>total</th><th>mean</th>"
                + "<th>median</th><th>max</th></tr>\n");
        for (String key : stats.getKeySet()) {
            List<EventStats> events = stats.getValue(key);
            if (events == null || events.isEmpty()) {
                continue;
            }
            long[] ms = events.stream().mapToLong(EventStats::getDurationMs).sorted().toArray();
            long total = java.util.Arrays.stream(ms).sum();
            double median = ms.length % 2 == 1 ? ms[ms.length / 2] : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2.0;
            b.append(String.format(Locale.ROOT, "<tr><td style=\"text-align:left\">%s (%s)</td><td>%d</td><td>%d</td>"
                            + "<td>%.1f</td><td>%.1f</td><td>%d</td></tr>%n", key, stats.getShortNameForKey(key), ms.length,
                    total, (double) total / ms.length, median, ms[ms.length - 1]));
        }
        return b.append("</table>\n").toString();
    }
}
