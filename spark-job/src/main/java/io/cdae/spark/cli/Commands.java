package io.cdae.spark.cli;

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
