package io.cdae.spark.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scripts as a scheduler (cron, Airflow) runs them, stderr to a file, no terminal: no console progress bar,
 * per-epoch lines in the log, and a damaged input reported in one line with exit 65 and no stack trace, in
 * training and in scoring, with nothing left beside the outputs.
 */
class ScheduledRunIT {
    private static final Path ROOT = Path.of(System.getProperty("cdae.project.dir", ".."));

    @TempDir
    Path tmp;

    /** Runs a script with stdout and stderr in files; returns the exit code. */
    private int run(String name, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("submit-scripts").resolve(name).toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectOutput(tmp.resolve(name + ".out").toFile()).redirectError(tmp.resolve(name + ".err").toFile());
        pb.environment().remove("SPARK_HOME");
        Process p = pb.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), name + " timed out");
        return p.exitValue();
    }

    private String err(String name) throws Exception {
        return Files.readString(tmp.resolve(name + ".err"));
    }

    /** Exit 65, one error line naming the file, no stack trace, no progress bar, nothing new in {@code dir}. */
    private void assertOneLineInputError(String name, int exit, String file, Path dir) throws Exception {
        String err = err(name);
        assertEquals(ExitCodes.INPUT, exit, err);
        List<String> errors = err.lines().filter(l -> l.startsWith(name + ": ") && !l.contains("Spark local mode")).toList();
        assertEquals(1, errors.size(), err);
        assertTrue(errors.get(0).startsWith(name + ": input error: cannot read ") && errors.get(0).contains(file)
                && errors.get(0).contains("truncated gzip data"), errors.get(0));
        assertFalse(err.lines().anyMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by")), err);
        assertTrue(err.contains("spark.ui.showConsoleProgress=false") && !err.contains("[Stage"), err);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("out")).toList());
        }
    }

    @Test
    void aDamagedInputIsOneLineInTheLogAndTheLogHasNoProgressBar() throws Exception {
        SplittableRandom r = new SplittableRandom(1);
        StringBuilder csv = new StringBuilder("id,f1,f2,f3\n");
        for (int i = 0; i < 4000; i++) {
            csv.append(String.format(Locale.ROOT, "r%d,%.4f,%.4f,%.4f%n", i, r.nextDouble(), r.nextDouble(), r.nextDouble()));
        }
        Files.writeString(tmp.resolve("train.csv"), csv);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(csv.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        Path cut = Files.write(tmp.resolve("cut.csv.gz"), Arrays.copyOf(gz.toByteArray(), gz.size() / 2));
        String[] small = {"--master", "local[2]", "--id-column", "id", "--set", "epochs=1", "--set", "encoder-widths=2",
                "--set", "batch-size=64", "--set", "partitions=2"};

        int train = run("cdae-train", concat(small, "--input", cut.toString(), "--output", tmp.resolve("out-model").toString()));
        assertOneLineInputError("cdae-train", train, "cut.csv.gz", tmp);

        Path model = tmp.resolve("model");
        assertEquals(0, run("cdae-train", concat(small, "--input", tmp.resolve("train.csv").toString(), "--output",
                model.toString())), err("cdae-train"));
        assertTrue(err("cdae-train").contains("epoch 1/1: loss"), err("cdae-train"));

        int score = run("cdae-score", "--master", "local[2]", "--model", model.toString(), "--input", cut.toString(),
                "--output", tmp.resolve("out-scores").toString(), "--id-column", "id");
        assertOneLineInputError("cdae-score", score, "cut.csv.gz", tmp);
    }

    private static String[] concat(String[] a, String... b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(new String[0]);
    }
}
