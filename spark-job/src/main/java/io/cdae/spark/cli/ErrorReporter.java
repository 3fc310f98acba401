package io.cdae.spark.cli;

import io.cdae.config.ConfigException;
import io.cdae.io.ModelFormatException;
import io.cdae.spark.data.InputException;

import java.io.PrintStream;

/**
 * Turns a failure into one clear line on stderr and an exit code. Spark wraps exceptions thrown in tasks,
 * so the cause chain is searched for the project's own exception types; only an unexpected failure (exit 70)
 * adds its stack trace after its line.
 */
final class ErrorReporter {
    /** A reported failure: its exit code and the line that was printed. */
    record Failure(int exitCode, String line) {
    }

    private ErrorReporter() {
    }

    static Failure report(Throwable t, String job, PrintStream err) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConfigException) {
                return print(err, ExitCodes.USAGE, job + ": configuration error: " + oneLine(c.getMessage()));
            }
            if (c instanceof InputException || c instanceof ModelFormatException) {
                return print(err, ExitCodes.INPUT, job + ": input error: " + oneLine(c.getMessage()));
            }
            if (c instanceof io.cdae.spark.train.TrainingDivergedException) {
                return print(err, ExitCodes.RUNTIME, job + ": " + oneLine(c.getMessage()));
            }
        }
        Failure f = print(err, ExitCodes.RUNTIME, job + ": failed: " + t);
        t.printStackTrace(err);
        return f;
    }

    private static Failure print(PrintStream err, int exitCode, String line) {
        err.println(line);
        return new Failure(exitCode, line);
    }

    /** A message on one line (a message built from a Spark error may span several). */
    private static String oneLine(String message) {
        return String.valueOf(message).strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
