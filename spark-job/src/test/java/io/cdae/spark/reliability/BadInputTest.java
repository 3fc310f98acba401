package io.cdae.spark.reliability;

import io.cdae.config.ConfigException;
import io.cdae.io.ModelFormatException;
import io.cdae.spark.SparkTestSession;
import io.cdae.spark.data.InputException;
import io.cdae.spark.score.ScoreJob;
import io.cdae.spark.train.TrainJob;
import org.apache.spark.sql.Dataset;
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
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of bad input gets a clear error naming the file, row or setting, and nothing is written. */
class BadInputTest {
    private static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void session() {
        spark = SparkTestSession.get("local[2]");
    }

    /** A header and {@code rows} good rows: id, label, f1..f4. */
    private static List<String> goodRows(int rows) {
        SplittableRandom r = new SplittableRandom(3);
        List<String> lines = new ArrayList<>(List.of("id,label,f1,f2,f3,f4"));
        for (int i = 0; i < rows; i++) {
            lines.add(String.format(Locale.ROOT, "r%d,0,%.4f,%.4f,%.4f,%.4f", i, r.nextDouble(), r.nextDouble(),
                    r.nextDouble(), r.nextDouble()));
        }
        return lines;
    }

    private Path csv(String name, List<String> lines) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, lines);
        return p;
    }

    private TrainJob.Outcome train(Path input, Path output, String... sets) {
        List<String> all = new ArrayList<>(List.of("epochs=1", "encoder-widths=3", "partitions=2", "batch-size=16"));
        all.addAll(List.of(sets));
        return new TrainJob(spark).run(new TrainJob.Request(input.toString(), output.toString(), null, all, "id", "label",
                false));
    }

    private InputException trainFails(Path input) {
        Path out = tmp.resolve("model-" + input.getFileName());
        InputException e = assertThrows(InputException.class, () -> train(input, out));
        assertFalse(Files.exists(out), "nothing written at " + out);
        return e;
    }

    @Test
    void wrongFieldCountNamesFileLineAndReason() throws IOException {
        List<String> lines = goodRows(50);
        lines.set(7, "r6,0,0.1,0.2,0.3");
        InputException e = trainFails(csv("short.csv", lines));
        assertTrue(e.getMessage().contains("short.csv, line 8") && e.getMessage().contains("wrong number of fields"),
                e.getMessage());
    }

    @Test
    void nonNumericTextInAFeatureNamesTheValueAndColumn() throws IOException {
        List<String> lines = goodRows(50);
        lines.set(12, "r11,0,0.1,abc,0.3,0.4");
        InputException e = trainFails(csv("text.csv", lines));
        assertTrue(e.getMessage().contains("text.csv, line 13") && e.getMessage().contains("non-numeric value 'abc' in column 'f2'"),
                e.getMessage());
    }

    @Test
    void nanAndInfinityAreBadRows() throws IOException {
        for (String v : List.of("NaN", "Infinity", "-Infinity")) {
            List<String> lines = goodRows(30);
            lines.set(3, "r2,0,0.1,0.2," + v + ",0.4");
            InputException e = trainFails(csv("nonfinite-" + v + ".csv", lines));
            assertTrue(e.getMessage().contains("line 4") && e.getMessage().contains("non-finite value"), e.getMessage());
        }
    }

    @Test
    void emptyFileEmptyDirectoryMissingPathAndHeaderOnly() throws IOException {
        for (Object[] c : new Object[][] {{csv("empty.csv", List.of()), "is the file empty?"},
                {Files.createDirectory(tmp.resolve("nothing-here")), "input directory is empty"},
                {tmp.resolve("no-such.csv"), "input path does not exist"},
                {csv("header.csv", List.of("id,label,f1,f2,f3,f4")), "no training rows"}}) {
            String message = trainFails((Path) c[0]).getMessage();
            assertTrue(message.contains((String) c[1]) && message.contains(((Path) c[0]).getFileName().toString()), message);
        }
    }

    @Test
    void parquetFilesWhoseSchemasDisagree() throws IOException {
        Path dir = tmp.resolve("mixed");
        spark.sql("SELECT 'a' AS id, 0 AS label, 1.0 AS f1").write().parquet(dir.resolve("part=1").toString());
        spark.sql("SELECT 'b' AS id, 0 AS label, 'x' AS f1").write().parquet(dir.resolve("part=2").toString());
        Path flat = Files.createDirectory(tmp.resolve("mixed-flat"));
        for (String part : List.of("part=1", "part=2")) {
            try (var files = Files.list(dir.resolve(part))) {
                for (Path f : files.filter(f -> f.toString().endsWith(".parquet")).toList()) {
                    Files.copy(f, flat.resolve(part.replace("=", "") + "-" + f.getFileName()));
                }
            }
        }
        InputException e = trainFails(flat);
        assertTrue(e.getMessage().contains("schemas that disagree"), e.getMessage());
    }

    @Test
    void skipAndQuarantineDropBadRowsCountThemAndKeepTheReasons() throws IOException {
        List<String> lines = goodRows(120);
        lines.set(5, "r4,0,0.1,oops,0.3,0.4");
        lines.set(9, "r8,0,0.1,0.2");
        lines.set(20, "r19,0,0.1,0.2,NaN,0.4");
        Path input = csv("three-bad.csv", lines);
        TrainJob.Outcome skipped = train(input, tmp.resolve("m-skip"), "bad-rows=skip");
        assertEquals("3", skipped.model().metadata().get("bad-rows-dropped"));
        assertEquals(117, skipped.rows());

        TrainJob.Outcome quarantined = train(input, tmp.resolve("m-q"), "bad-rows=quarantine");
        assertEquals(117, quarantined.rows());
        List<org.apache.spark.sql.Row> bad = spark.read().option("header", "true")
                .csv(tmp.resolve("m-q.bad-rows").toString()).collectAsList();
        assertEquals(3, bad.size());
        String all = bad.toString();
        assertTrue(all.contains("non-numeric value 'oops'") && all.contains("wrong number of fields")
                && all.contains("non-finite"), all);
        assertTrue(all.contains("three-bad.csv"), all);
    }

    @Test
    void scoringRefusesOtherFeatureWidthsAndDamagedModels() throws IOException {
        Path model = tmp.resolve("model");
        train(csv("train.csv", goodRows(100)), model);
        List<String> narrow = new ArrayList<>();
        for (String l : goodRows(10)) {
            narrow.add(l.substring(0, l.lastIndexOf(',')));
        }
        Path input = csv("narrow.csv", narrow);
        InputException e = assertThrows(InputException.class, () -> score(model, input, tmp.resolve("s1")));
        assertTrue(e.getMessage().contains("lacks 1 of the 4 feature columns") && e.getMessage().contains("f4"),
                e.getMessage());
        assertFalse(Files.exists(tmp.resolve("s1")));

        Files.writeString(model.resolve("normaliser.json"), "{}");
        ModelFormatException m = assertThrows(ModelFormatException.class,
                () -> score(model, csv("ok.csv", goodRows(10)), tmp.resolve("s2")));
        assertTrue(m.getMessage().contains("checksum mismatch"), m.getMessage());
        assertThrows(ModelFormatException.class, () -> score(tmp, input, tmp.resolve("s3")));
    }

    private void score(Path model, Path input, Path out) {
        new ScoreJob(spark).run(new ScoreJob.Request(model.toString(), input.toString(), out.toString(), "parquet", "id",
                null, null, 0, false, List.of(), null));
    }

    @Test
    void scoringChecksEveryRowInItsOnePassAndKeepsThePreviousOutputOnFailure() throws IOException {
        Path model = tmp.resolve("model");
        train(csv("train.csv", goodRows(100)), model);
        Path out = tmp.resolve("scores");
        scoreWith(model, csv("good.csv", goodRows(30)), out, null);
        assertEquals(30, spark.read().parquet(out.toString()).count());

        List<String> lines = goodRows(50);
        lines.set(7, "r6,0,0.1,nope,0.3,0.4");
        lines.set(31, "r30,0,0.1,0.2");
        lines.set(40, "r39,0,0.1,0.2,Infinity,0.4");
        Path input = csv("bad.csv", lines);
        // fail (the default): the first bad row by file and line, the previous scores untouched
        InputException e = assertThrows(InputException.class, () -> scoreWith(model, input, out, null));
        assertTrue(e.getMessage().contains("bad.csv, line 8") && e.getMessage().contains("non-numeric value 'nope'"),
                e.getMessage());
        assertEquals(30, spark.read().parquet(out.toString()).count());
        try (var files = Files.list(tmp)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(".tmp-")));
        }
        // skip: the good rows scored, the bad ones counted
        ScoreJob.Outcome skipped = scoreWith(model, input, tmp.resolve("s-skip"), "bad-rows=skip");
        assertEquals(47, skipped.rows());
        assertEquals(3, skipped.badRows());
        assertEquals(47, spark.read().parquet(tmp.resolve("s-skip").toString()).count());
        // quarantine: and written aside with their reasons
        ScoreJob.Outcome q = scoreWith(model, input, tmp.resolve("s-q"), "bad-rows=quarantine");
        assertEquals(3, q.badRows());
        String bad = spark.read().option("header", "true").csv(q.quarantine()).collectAsList().toString();
        assertTrue(bad.contains("nope") && bad.contains("wrong number of fields") && bad.contains("non-finite"), bad);
    }

    @Test
    void withoutAnIdColumnRowIdIsThePositionInTheInput() throws IOException {
        Path model = tmp.resolve("model");
        train(csv("train.csv", goodRows(100)), model);
        // three files over several partitions; row_id counts rows in file order, then row order
        Path dir = Files.createDirectories(tmp.resolve("many"));
        List<String> all = goodRows(90);
        for (int f = 0; f < 3; f++) {
            List<String> part = new ArrayList<>(List.of(all.get(0)));
            part.addAll(all.subList(1 + 30 * f, 31 + 30 * f));
            Files.write(dir.resolve("part-" + f + ".csv"), part);
        }
        Path out = tmp.resolve("ids");
        new ScoreJob(spark).run(new ScoreJob.Request(model.toString(), dir.toString(), out.toString(), "parquet", null,
                null, null, 0, false, List.of("feature-columns=f1,f2,f3,f4"), null));
        Dataset<Row> scored = spark.read().parquet(out.toString());
        assertEquals("row_id", scored.columns()[0]);
        List<Row> ids = scored.select("row_id").orderBy("row_id").collectAsList();
        assertEquals(90, ids.size());
        for (int i = 0; i < 90; i++) {
            assertEquals(i, ids.get(i).getLong(0));
        }
        // the same ids on a second run
        Path again = tmp.resolve("ids2");
        new ScoreJob(spark).run(new ScoreJob.Request(model.toString(), dir.toString(), again.toString(), "parquet", null,
                null, null, 0, false, List.of("feature-columns=f1,f2,f3,f4"), null));
        assertEquals(0, scored.except(spark.read().parquet(again.toString())).count());
    }

    private ScoreJob.Outcome scoreWith(Path model, Path input, Path out, String set) {
        return new ScoreJob(spark).run(new ScoreJob.Request(model.toString(), input.toString(), out.toString(), "parquet",
                "id", null, 1.0, 0, false, set == null ? List.of() : List.of(set), null));
    }

    @Test
    void invalidSettingsNameTheKey() throws IOException {
        Path input = csv("cfg.csv", goodRows(20));
        ConfigException e = assertThrows(ConfigException.class, () -> train(input, tmp.resolve("m"), "bad-rows=maybe"));
        assertEquals("bad-rows", e.key());
        assertEquals("where", assertThrows(ConfigException.class,
                () -> train(input, tmp.resolve("m"), "where=no_such_column > 1")).key());
        assertEquals("feature-columns", assertThrows(ConfigException.class,
                () -> train(input, tmp.resolve("m"), "feature-columns=f1,f9")).key());
    }
}
