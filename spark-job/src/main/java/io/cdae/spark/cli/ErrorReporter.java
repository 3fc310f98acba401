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
    private ErrorReporter() {
    }

    static int report(Throwable t, String job, PrintStream err) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConfigException) {
                err.println(job + ": configuration error: " + oneLine(c.getMessage()));
                return ExitCodes.USAGE;
            }
            if (c instanceof InputException || c instanceof ModelFormatException) {
                err.println(job + ": input error: " + oneLine(c.getMessage()));
                return ExitCodes.INPUT;
            }
            if (c instanceof io.cdae.spark.train.TrainingDivergedException) {
                err.println(job + ": " + oneLine(c.getMessage()));
                return ExitCodes.RUNTIME;
            }
        }
        err.println(job + ": failed: " + t);
        t.printStackTrace(err);
        return ExitCodes.RUNTIME;
    }

    /** A message on one line (a message built from a Spark error may span several). */
    private static String oneLine(String message) {
        return String.valueOf(message).strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
