package io.cdae.spark.cli;

/** Exit codes of the command-line jobs (BSD sysexits), documented in the README. */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** Bad command line or configuration: unknown option or key, invalid value. */
    public static final int USAGE = 64;
    /** Bad input data or model: missing path, unreadable format, bad rows, damaged model. */
    public static final int INPUT = 65;
    /** Anything else that failed while running (Spark, I/O, divergence). */
    public static final int RUNTIME = 70;

    private ExitCodes() {
    }
}
