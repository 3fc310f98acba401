package io.cdae.spark.cli;

import java.util.Properties;

/**
 * Ends a Spark command so that whoever runs it sees its outcome.
 *
 * <p>In local mode, YARN client mode and on a standalone cluster the command's {@code main} runs in a JVM of its
 * own (spark-submit's, or the standalone driver's), and its exit code is that JVM's: {@code System.exit}.
 *
 * <p>In YARN cluster mode {@code main} runs on a thread of Spark's ApplicationMaster, which reports the
 * application's final status to YARN only when {@code main} returns (SUCCEEDED) or throws (FAILED, with the
 * exception as the application's diagnostics). A {@code System.exit} there, even {@code exit(0)}, ends the JVM
 * first: YARN records FAILED ("Shutdown hook called before final status was reported"). So there a successful
 * command returns, and a failed one throws {@link FailedApplication}, whose text is the command's one-line
 * message and exit code: spark-submit then prints it as the application's diagnostics and exits with 1.
 */
final class CommandExit {
    private CommandExit() {
    }

    /** Ends the command with its result (returns only on success inside a YARN ApplicationMaster). */
    static void exit(Commands.Result result) {
        exit(result, System.getProperties());
    }

    /** As {@link #exit(Commands.Result)}, with the JVM's system properties given. */
    static void exit(Commands.Result result, Properties system) {
        if (!insideYarnApplicationMaster(system)) {
            System.exit(result.exitCode());
        }
        if (result.exitCode() != ExitCodes.OK) {
            throw new FailedApplication(result);
        }
    }

    /**
     * Whether {@code main} runs inside a YARN ApplicationMaster: the master is YARN and the deploy mode cluster
     * (the ApplicationMaster sets both as system properties before it starts {@code main}).
     */
    static boolean insideYarnApplicationMaster(Properties system) {
        return "yarn".equals(system.getProperty("spark.master"))
                && "cluster".equals(system.getProperty("spark.submit.deployMode"));
    }

    /**
     * A failed command inside a YARN ApplicationMaster. It has no stack trace and prints as its message alone,
     * so that YARN's diagnostics ("User class threw exception: " and the printed exception) are one line.
     */
    static final class FailedApplication extends RuntimeException {
        FailedApplication(Commands.Result result) {
            super((result.message() == null ? "failed" : result.message()) + " (exit code " + result.exitCode() + ")",
                    null, false, false);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
