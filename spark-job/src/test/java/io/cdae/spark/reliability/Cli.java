package io.cdae.spark.reliability;

import io.cdae.spark.cli.ScoreCommand;
import io.cdae.spark.cli.TrainCommand;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reliability tests' way in: {@code cdae-train} and {@code cdae-score} run in-process exactly as their
 * {@code main} runs them (picocli, the error reporter, the exit codes) in the tests' shared Spark session, with
 * their stdout and stderr captured; and the small tabular inputs they read.
 */
final class Cli {
    /** Settings of the small models these tests train (explicit, so that no test leans on the shipped defaults). */
    static final List<String> SMALL_MODEL = List.of("--set", "epochs=1", "--set", "encoder-widths=3", "--set",
            "partitions=2", "--set", "batch-size=16", "--set", "learning-rate=0.01", "--set", "optimiser=adam");

    /** What a command did: its exit code and what it printed. */
    record Result(int exit, String out, String err) {
        /** The one line the command printed on stderr (asserted to be exactly one). */
        String errorLine() {
            List<String> lines = err.lines().toList();
            assertEquals(1, lines.size(), "exactly one line on stderr, found:\n" + err);
            return lines.get(0);
        }

        /** Asserts the exit code and that stderr is one line starting with {@code prefix} and holding each part. */
        void assertFailed(int code, String prefix, String... parts) {
            assertEquals(code, exit, "exit code; stderr:\n" + err + "\nstdout:\n" + out);
            String line = errorLine();
            assertTrue(line.startsWith(prefix), line);
            for (String p : parts) {
                assertTrue(line.contains(p), "'" + p + "' in: " + line);
            }
        }
    }

    private Cli() {
    }

    static Result train(String... args) {
        return run(TrainCommand::execute, args);
    }

    static Result score(String... args) {
        return run(ScoreCommand::execute, args);
    }

    private static synchronized Result run(Function<String[], Integer> command, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int code = command.apply(args);
            return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** {@code base} followed by {@code more}. */
    static String[] args(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    /** CSV lines: a header {@code id,label,f1..f4} and {@code rows} rows (label 0, features in [0, 1)). */
    static List<String> rows(int rows, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> lines = new ArrayList<>(List.of("id,label,f1,f2,f3,f4"));
        for (int i = 0; i < rows; i++) {
            lines.add(String.format(Locale.ROOT, "r%d,%d,%.4f,%.4f,%.4f,%.4f", i, i % 10 == 0 ? 1 : 0, r.nextDouble(),
                    r.nextDouble(), r.nextDouble(), r.nextDouble()));
        }
        return lines;
    }

    /** The text of {@code lines} as one CSV file's bytes. */
    static byte[] text(List<String> lines) {
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The names in {@code dir} (hidden ones included), sorted. */
    static TreeSet<String> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }

    /** Asserts that {@code dir} holds exactly {@code before}: nothing new committed, no temporary left behind. */
    static void assertUnchanged(Path dir, TreeSet<String> before) throws IOException {
        assertEquals(before, listing(dir), "the directory of the outputs is as it was");
    }
}
