package io.cdae.spark.cli;

import io.cdae.spark.train.TrainJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code cdae-train}: parse, validate, delegate to {@link TrainJob}. The master comes from spark-submit. */
@Command(name = "cdae-train", mixinStandardHelpOptions = true,
        description = "Trains a contractive denoising autoencoder on Spark by parameter averaging.")
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, description = "CSV/Parquet/IDX file or directory (any Hadoop URI)")
    String input;
    @Option(names = "--output", required = true, description = "model directory to write (any Hadoop URI)")
    String output;
    @Option(names = "--config", description = "configuration file overriding conf/cdae-defaults.conf")
    Path config;
    @Option(names = "--set", description = "key=value overriding the configuration (repeatable)")
    List<String> sets = new ArrayList<>();
    @Option(names = "--id-column", description = "row id column (never a feature)")
    String idColumn;
    @Option(names = "--label-column", description = "label column (never a feature; for evaluation)")
    String labelColumn;
    @Option(names = "--resume", description = "continue from the newest complete checkpoint")
    boolean resume;
    @Option(names = "--bad-rows", description = "fail (default), skip or quarantine rows that cannot be used")
    String badRows;
    @Option(names = "--if-absent", description = "do nothing (exit 0) when OUTPUT already holds a model")
    boolean ifAbsent;

    @Override
    public Integer call() throws java.io.IOException {
        if (ifAbsent && Outputs.exists(output + "/manifest.json")) {
            System.out.println("model: " + output + " exists; --if-absent: nothing to do");
            return ExitCodes.OK;
        }
        return Commands.withSpark("cdae-train", spark -> {
            List<String> all = Commands.withBadRows(sets, badRows);
            TrainJob.Outcome o = new TrainJob(spark).run(new TrainJob.Request(input, output, config, all, idColumn,
                    labelColumn, resume));
            var last = o.epochs().isEmpty() ? null : o.epochs().get(o.epochs().size() - 1);
            System.out.println("model: " + output);
            System.out.println("report: " + output + "/training-report.html");
            System.out.println("checkpoints: " + o.checkpointDir());
            System.out.println("anomaly threshold: " + o.model().calibration().threshold() + " ("
                    + o.model().calibration().rule() + " rule on " + o.model().calibration().heldOutRows()
                    + " held-out rows)");
            System.out.println("rows: " + o.rows() + ", epochs trained: " + o.epochs().size()
                    + (last == null ? "" : String.format(java.util.Locale.ROOT,
                    ", final loss %.6g (reconstruction %.6g, contractive %.6g)", last.total(), last.reconstruction(),
                    last.contractive())));
            return ExitCodes.OK;
        });
    }

    /** The spark-submit entry point; how it ends is {@link CommandExit}'s (YARN cluster mode differs). */
    public static void main(String[] args) {
        CommandExit.exit(Commands.run(new TrainCommand(), "cdae-train", args));
    }

    /** Runs the command and returns its exit code (for tests). */
    public static int execute(String... args) {
        return Commands.execute(new TrainCommand(), "cdae-train", args);
    }
}
