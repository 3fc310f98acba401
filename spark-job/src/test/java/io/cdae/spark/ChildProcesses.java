package io.cdae.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The child processes of the cluster tests (the cdae-* scripts, Spark daemons, spark-submit): each runs in the
 * project directory with its output in a log file, and is stopped by its PID together with its descendants.
 */
public final class ChildProcesses {
    /** The project's root directory, where the scripts and the shipped data are. */
    public static final Path ROOT = Path.of(System.getProperty("cdae.project.dir", ".."));

    private ChildProcesses() {
    }

    /** Starts a command in {@link #ROOT} with {@code env} added to the environment, output to {@code log}. */
    public static Process start(Path log, Map<String, String> env, List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Runs a command to completion (10 minutes at most), output to {@code log}; returns its exit code. */
    public static int run(Path log, Map<String, String> env, String... command) throws Exception {
        Process p = start(log, env, List.of(command));
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException(String.join(" ", command) + " timed out; log " + log);
            }
            return p.exitValue();
        } finally {
            kill(p);
        }
    }

    /** Runs a command that must succeed; fails with its output otherwise. */
    public static void runOrFail(Path log, String... command) throws Exception {
        int rc = run(log, Map.of(), command);
        if (rc != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + rc + "): " + Files.readString(log));
        }
    }

    /** Kills a process and all its descendants (by PID). */
    public static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
