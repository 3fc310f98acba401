package io.cdae.spark.reliability;

import io.cdae.io.ModelStore;
import io.cdae.spark.SparkTestSession;
import io.cdae.spark.cli.ExitCodes;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exit 0 means every output of a run was committed, any other exit code that none was: scores, report and
 * quarantined rows are checked (bad rows, an empty input, the labels, the metrics) before any of them is
 * renamed into place, so a failed run changes no output path and a scheduler's retry with {@code --if-absent}
 * runs again. Values beyond float range are bad rows like {@code Infinity} under every policy.
 */
class CommitTest {
    private static SparkSession spark;
    @TempDir
    static Path shared;
    private static Path model;

    @TempDir
    Path tmp;

    @BeforeAll
    static void trainAModel() throws IOException {
        spark = SparkTestSession.get("local[2]");
        Path input = Files.write(shared.resolve("train.csv"), Cli.text(Cli.rows(200, 1)));
        model = shared.resolve("model");
        Cli.Result r = Cli.train(Cli.args(Cli.SMALL_MODEL, "--input", input.toString(), "--output", model.toString(),
                "--id-column", "id", "--label-column", "label"));
        assertEquals(ExitCodes.OK, r.exit(), r.err());
    }

    private Cli.Result score(Path input, Path output, String... more) {
        List<String> args = new ArrayList<>(List.of("--model", model.toString(), "--input", input.toString(), "--output",
                output.toString(), "--format", "csv", "--id-column", "id", "--label-column", "label"));
        args.addAll(List.of(more));
        return Cli.score(args.toArray(new String[0]));
    }

    @Test
    void headerOnlyInputIsAnInputErrorThatCommitsNothing() throws IOException {
        Path input = Files.write(tmp.resolve("header.csv"), Cli.text(List.of("id,label,f1,f2,f3,f4")));
        Path out = Files.createDirectory(tmp.resolve("out"));
        Files.writeString(Files.createDirectory(out.resolve("scores")).resolve("previous.txt"), "complete");
        score(input, out.resolve("scores")).assertFailed(ExitCodes.INPUT, "cdae-score: input error: ",
                "no rows to score in", "header.csv", "no data rows");
        Cli.assertUnchanged(out, new TreeSet<>(List.of("scores")));
        assertEquals(List.of("previous.txt"), List.copyOf(Cli.listing(out.resolve("scores"))));

        Cli.train(Cli.args(Cli.SMALL_MODEL, "--input", input.toString(), "--output", out.resolve("model").toString()))
                .assertFailed(ExitCodes.INPUT, "cdae-train: input error: ", "no training rows in", "header.csv");
        Cli.assertUnchanged(out, new TreeSet<>(List.of("scores")));
    }

    @Test
    void labelsOtherThanZeroOrOneCommitNothingAndARetryWithIfAbsentRunsAgain() throws IOException {
        List<String> lines = Cli.rows(60, 2);
        List<String> words = new ArrayList<>(List.of(lines.get(0)));
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",", 3);
            words.add(f[0] + "," + (f[1].equals("1") ? "yes" : "no") + "," + f[2]);
        }
        Path input = Files.write(tmp.resolve("words.csv"), Cli.text(words));
        Path out = Files.createDirectory(tmp.resolve("out"));
        for (List<String> retry : List.of(List.<String>of(), List.of("--if-absent"))) {
            score(input, out.resolve("scores"), retry.toArray(new String[0])).assertFailed(ExitCodes.INPUT, "cdae-score: input error: ",
                    "label column 'label' has 60 values that are neither 0 (normal) nor 1 (anomaly)");
            Cli.assertUnchanged(out, new TreeSet<>());
        }
        // with good labels the retry commits scores and report together; a further retry has nothing to do
        Path good = Files.write(tmp.resolve("good.csv"), Cli.text(lines));
        assertEquals(ExitCodes.OK, score(good, out.resolve("scores"), "--if-absent").exit());
        Cli.assertUnchanged(out, new TreeSet<>(List.of("scores", "scores-report")));
        assertTrue(Files.exists(out.resolve("scores-report").resolve("metrics.json")));
        Cli.Result again = score(input, out.resolve("scores"), "--if-absent");
        assertEquals(ExitCodes.OK, again.exit());
        assertTrue(again.out().contains("--if-absent: nothing to do"), again.out());
    }

    @Test
    void inputWhoseRowsAreAllBadLeavesNothingToScoreUnderSkipAndQuarantine() throws IOException {
        List<String> lines = new ArrayList<>(List.of("id,label,f1,f2,f3,f4"));
        for (int i = 0; i < 5; i++) {
            lines.add("r" + i + ",0,0.1,n/a,0.3,0.4");
        }
        Path input = Files.write(tmp.resolve("all-bad.csv"), Cli.text(lines));
        Path out = Files.createDirectory(tmp.resolve("out"));
        for (String policy : List.of("skip", "quarantine")) {
            score(input, out.resolve("scores"), "--bad-rows", policy)
                    .assertFailed(ExitCodes.INPUT, "cdae-score: input error: ", "no rows to score in",
                            "all 5 rows are bad rows");
            Cli.assertUnchanged(out, new TreeSet<>());
        }
    }

    @Test
    void valuesBeyondFloatRangeAreBadRowsLikeInfinityUnderEveryPolicy() throws IOException {
        List<String> lines = Cli.rows(60, 3);
        lines.set(6, "r5,0,1e300,0.2,0.3,0.4");
        lines.set(10, "r9,0,0.1,-4e38,0.3,0.4");
        lines.set(13, "r12,0,0.1,0.2,Infinity,0.4");
        Path input = Files.write(tmp.resolve("huge.csv"), Cli.text(lines));
        Path out = Files.createDirectory(tmp.resolve("out"));

        Cli.train(Cli.args(Cli.SMALL_MODEL, "--input", input.toString(), "--output", out.resolve("m").toString()))
                .assertFailed(ExitCodes.INPUT, "cdae-train: input error: ", "huge.csv, line 7",
                        "non-finite value 1.0E300 in column 'f1' once cast to float");
        score(input, out.resolve("s")).assertFailed(ExitCodes.INPUT, "cdae-score: input error: ", "huge.csv, line 7",
                "non-finite value 1.0E300 in column 'f1' once cast to float");
        Cli.assertUnchanged(out, new TreeSet<>());

        assertEquals(ExitCodes.OK, Cli.train(Cli.args(Cli.SMALL_MODEL, "--input", input.toString(), "--output",
                out.resolve("m").toString(), "--bad-rows", "skip")).exit());
        assertEquals("3", ModelStore.load(out.resolve("m")).metadata().get("bad-rows-dropped"));
        Cli.Result skipped = score(input, out.resolve("s"), "--bad-rows", "skip");
        assertEquals(ExitCodes.OK, skipped.exit(), skipped.err());
        assertTrue(skipped.out().contains("bad rows dropped: 3"), skipped.out());
        List<Row> scores = spark.read().option("header", "true").option("inferSchema", "true")
                .csv(out.resolve("s").toString()).collectAsList();
        assertEquals(57, scores.size());
        scores.forEach(r -> assertTrue(Double.isFinite(r.<Double>getAs("reconstruction_error")), r.toString()));

        assertEquals(ExitCodes.OK, score(input, out.resolve("q"), "--bad-rows", "quarantine").exit());
        String quarantined = spark.read().option("header", "true").csv(out.resolve("q.bad-rows").toString())
                .collectAsList().toString();
        assertTrue(quarantined.contains("1.0E300 in column 'f1' once cast to float")
                && quarantined.contains("-4.0E38 in column 'f2' once cast to float")
                && quarantined.contains("non-finite value Infinity in column 'f3'"), quarantined);
    }

    @Test
    void trainingThatFailsAfterQuarantiningCommitsNeitherModelNorQuarantine() throws IOException {
        List<String> lines = Cli.rows(120, 4);
        lines.set(8, "r7,0,0.1,oops,0.3,0.4");
        Path input = Files.write(tmp.resolve("one-bad.csv"), Cli.text(lines));
        Path out = Files.createDirectory(tmp.resolve("out"));
        System.setProperty("cdae.fault.nan-after-round", "1:1");
        try {
            Cli.train(Cli.args(Cli.SMALL_MODEL, "--input", input.toString(), "--output", out.resolve("m").toString(),
                    "--bad-rows", "quarantine", "--set", "divergence-retries=0"))
                    .assertFailed(ExitCodes.RUNTIME, "cdae-train: training diverged in epoch 1");
        } finally {
            System.clearProperty("cdae.fault.nan-after-round");
        }
        Cli.assertUnchanged(out, new TreeSet<>());
        assertFalse(Files.exists(out.resolve("m.bad-rows")));
    }
}
