package io.cdae.spark.cli;

import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;

/** Runs a picocli command with the project's exit codes and one-line error messages. */
final class Commands {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Commands.class);

    /** A finished command: its exit code and, when it failed, the one line it printed on stderr (else null). */
    record Result(int exitCode, String message) {
    }

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
        org.apache.spark.SparkConf conf = spark.sparkContext().getConf();
        LOG.info("Spark {}, master {}, serializer {}, task result size up to {}",
                spark.version(), spark.sparkContext().master(), conf.get("spark.serializer", "JavaSerializer (Spark's default)"),
                conf.get("spark.task.maxDirectResultSize", "1m (Spark's default)"));
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
        return run(command, name, args).exitCode();
    }

    static Result run(Object command, String name, String... args) {
        String[] message = new String[1];
        CommandLine cli = new CommandLine(command);
        cli.setExitCodeExceptionMapper(t -> ExitCodes.RUNTIME);
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            ErrorReporter.Failure f = ErrorReporter.report(ex, name, System.err);
            message[0] = f.line();
            return f.exitCode();
        });
        cli.setParameterExceptionHandler((ex, a) -> {
            message[0] = name + ": " + ex.getMessage();
            System.err.println(message[0]);
            ex.getCommandLine().usage(System.err);
            return ExitCodes.USAGE;
        });
        int exitCode = cli.execute(args);
        return new Result(exitCode, exitCode == ExitCodes.OK ? null : message[0]);
    }
}
