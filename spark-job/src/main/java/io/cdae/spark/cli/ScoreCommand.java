package io.cdae.spark.cli;

import io.cdae.spark.score.ScoreJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code cdae-score}: parse, validate, delegate to {@link ScoreJob}. */
@Command(name = "cdae-score", mixinStandardHelpOptions = true,
        description = "Scores every row of a dataset for anomalies with a trained CDAE.")
public final class ScoreCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model directory written by cdae-train")
    String model;
    @Option(names = "--input", required = true, description = "CSV/Parquet/IDX file or directory (any Hadoop URI)")
    String input;
    @Option(names = "--output", required = true, description = "scores directory to write (any Hadoop URI)")
    String output;
    @Option(names = "--format", defaultValue = "parquet", description = "parquet (default) or csv")
    String format;
    @Option(names = "--id-column", description = "id column passed through (default: a stable row_id is added)")
    String idColumn;
    @Option(names = "--label-column", description = "label column (1 = anomaly): passed through and evaluated")
    String labelColumn;
    @Option(names = "--threshold", description = "anomaly threshold (default: the one calibrated at training)")
    Double threshold;
    @Option(names = "--top-features", defaultValue = "0", description = "names of the K features with the largest errors")
    int topFeatures;
    @Option(names = "--feature-errors", description = "also write every feature's reconstruction error")
    boolean featureErrors;
    @Option(names = "--report-dir", description = "where metrics.json and the report go (default OUTPUT-report)")
    String reportDir;
    @Option(names = "--set", description = "input key=value: input-format, where (repeatable)")
    List<String> sets = new ArrayList<>();
    @Option(names = "--bad-rows", description = "fail (default), skip or quarantine rows that cannot be used")
    String badRows;
    @Option(names = "--if-absent", description = "do nothing (exit 0) when OUTPUT already exists")
    boolean ifAbsent;

    @Override
    public Integer call() throws java.io.IOException {
        if (ifAbsent && Outputs.exists(output)) {
            System.out.println("scores: " + output + " exists; --if-absent: nothing to do");
            return ExitCodes.OK;
        }
        if (topFeatures < 0) {
            throw new io.cdae.config.ConfigException("--top-features", topFeatures, "an integer >= 0");
        }
        return Commands.withSpark("cdae-score", spark -> {
            List<String> all = Commands.withBadRows(sets, badRows);
            ScoreJob.Outcome o = new ScoreJob(spark).run(new ScoreJob.Request(model, input, output,
                    format.toLowerCase(Locale.ROOT), idColumn, labelColumn, threshold, topFeatures, featureErrors, all,
                    reportDir));
            if (o.badRows() > 0) {
                System.out.println("bad rows dropped: " + o.badRows() + (o.quarantine() == null ? "" : " (quarantined in "
                        + o.quarantine() + ")"));
            }
            System.out.println("scores: " + o.output() + " (" + o.rows() + " rows, " + o.flagged()
                    + " flagged as anomalies at threshold " + o.threshold() + ")");
            if (o.metrics() != null) {
                System.out.println(String.format(Locale.ROOT, "ROC-AUC: %.4f  PR-AUC: %.4f  precision %.3f recall %.3f F1 %.3f",
                        o.metrics().rocAuc(), o.metrics().prAuc(), o.metrics().precision(), o.metrics().recall(),
                        o.metrics().f1()));
                System.out.println("report: " + o.reportDir() + "/score-report.html (metrics: " + o.reportDir()
                        + "/metrics.json)");
            }
            return ExitCodes.OK;
        });
    }

    /** The spark-submit entry point; how it ends is {@link CommandExit}'s (YARN cluster mode differs). */
    public static void main(String[] args) {
        CommandExit.exit(Commands.run(new ScoreCommand(), "cdae-score", args));
    }

    public static int execute(String... args) {
        return Commands.execute(new ScoreCommand(), "cdae-score", args);
    }
}
