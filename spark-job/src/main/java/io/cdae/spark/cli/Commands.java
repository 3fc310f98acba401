package io.cdae.spark.cli;

import picocli.CommandLine;

/** Runs a picocli command with the project's exit codes and one-line error messages. */
final class Commands {
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
