package io.cdae.spark.cli;

import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;

/** Runs a picocli command with the project's exit codes and one-line error messages. */
final class Commands {
    private Commands() {
    }

    /** The --set pairs plus bad-rows=POLICY when --bad-rows was given. */
    static java.util.List<String> withBadRows(java.util.List<String> sets, String badRows) {
        java.util.List<String> all = new java.util.ArrayList<>(sets);
        if (badRows != null) {
            all.add("bad-rows=" + badRows);
        }
        return all;
    }

    /**
     * Runs {@code job} in the running Spark session (a test's, or an application's that embeds the command) or
     * in a new one, which it stops afterwards; long stages are logged ({@link StageProgressLog}).
     */
    static int withSpark(String app, java.util.function.ToIntFunction<SparkSession> job) {
        scala.Option<SparkSession> running = SparkSession.getDefaultSession();
        boolean own = running.isEmpty() || running.get().sparkContext().isStopped();
        SparkSession spark = SparkSession.builder().appName(app).getOrCreate();
        StageProgressLog progress = StageProgressLog.standard();
        spark.sparkContext().addSparkListener(progress);
        try {
            return job.applyAsInt(spark);
        } finally {
            spark.sparkContext().removeSparkListener(progress);
            if (own) {
                spark.stop();
            }
        }
    }

    static int execute(Object command, String name, String... args) {
        CommandLine cli = new CommandLine(command);
        cli.setExitCodeExceptionMapper(t -> ExitCodes.RUNTIME);
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> ErrorReporter.report(ex, name, System.err));
        cli.setParameterExceptionHandler((ex, a) -> {
            System.err.println(name + ": " + ex.getMessage());
            ex.getCommandLine().usage(System.err);
            return ExitCodes.USAGE;
        });
        return cli.execute(args);
    }
}
