package io.cdae.spark.reliability;

import io.cdae.spark.FaultyFileSystem;
import io.cdae.spark.SparkTestSession;
import io.cdae.spark.cli.ExitCodes;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.io.compress.ZStandardCodec;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Damaged input files, met by training and by scoring alike, are input errors (exit 65): one line on stderr
 * names the file and what is wrong, whatever {@code --bad-rows} says, and no output path changes: no model, no
 * scores, report or quarantine, the previous scores untouched, no temporary directory left beside them. An
 * output path that cannot be written is refused before anything is read (exit 64).
 */
class DamagedInputTest {
    private static SparkSession spark;
    @TempDir
    static Path shared;
    private static Path model;

    @TempDir
    Path tmp;
    private Path trainOut;
    private Path scoreOut;

    @BeforeAll
    static void trainAModel() throws IOException {
        spark = SparkTestSession.get("local[2]");
        FaultyFileSystem.register(spark.sparkContext().hadoopConfiguration());
        Path input = shared.resolve("train.csv");
        Files.write(input, Cli.text(Cli.rows(200, 1)));
        model = shared.resolve("model");
        Cli.Result r = Cli.train(Cli.args(Cli.SMALL_MODEL, "--input", input.toString(), "--output", model.toString(),
                "--id-column", "id", "--label-column", "label"));
        assertEquals(ExitCodes.OK, r.exit(), r.err());
    }

    /** An empty directory for the model, and one holding a previous complete scoring run. */
    @BeforeEach
    void outputs() throws IOException {
        trainOut = Files.createDirectory(tmp.resolve("train-out"));
        scoreOut = Files.createDirectory(tmp.resolve("score-out"));
        for (String previous : List.of("scores", "scores-report", "scores.bad-rows")) {
            Files.writeString(Files.createDirectory(scoreOut.resolve(previous)).resolve("previous.txt"), "complete");
        }
    }

    /** Training and scoring {@code input} both fail with exit 65 under each policy, naming {@code file} and {@code problem}. */
    private void bothFail(String input, String file, String problem, String... policies) throws IOException {
        for (String policy : policies.length == 0 ? new String[] {"fail"} : policies) {
            bothFail(input, List.of("--bad-rows", policy), file, problem);
        }
    }

    /** Training and scoring {@code input} with {@code extra} options both fail with exit 65, and nothing changes. */
    private void bothFail(String input, List<String> extra, String file, String problem) throws IOException {
        TreeSet<String> before = Cli.listing(trainOut);
        List<String> train = new ArrayList<>(Cli.SMALL_MODEL);
        train.addAll(List.of("--input", input, "--output", trainOut.resolve("model").toString(), "--id-column", "id",
                "--label-column", "label"));
        train.addAll(extra);
        Cli.train(train.toArray(new String[0])).assertFailed(ExitCodes.INPUT, "cdae-train: input error: ", file, problem);
        Cli.assertUnchanged(trainOut, before);

        List<String> score = new ArrayList<>(List.of("--model", model.toString(), "--input", input, "--output",
                scoreOut.resolve("scores").toString(), "--format", "csv", "--id-column", "id", "--label-column", "label"));
        score.addAll(extra);
        Cli.score(score.toArray(new String[0])).assertFailed(ExitCodes.INPUT, "cdae-score: input error: ", file, problem);
        Cli.assertUnchanged(scoreOut, new TreeSet<>(List.of("scores", "scores-report", "scores.bad-rows")));
        for (String previous : List.of("scores", "scores-report", "scores.bad-rows")) {
            assertEquals(List.of("previous.txt"), List.copyOf(Cli.listing(scoreOut.resolve(previous))));
        }
    }

    private static byte[] compressed(String codec, byte[] data) throws IOException {
        CompressionCodec c = new CompressionCodecFactory(new Configuration()).getCodecByName(codec);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = c.createOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    @Test
    void truncatedGzipIsAnInputErrorNamingTheFileUnderEveryBadRowsPolicy() throws IOException {
        // cut at 60 %: the header and the first rows read well, the stream ends in the middle of the full pass
        byte[] gz = compressed("gzip", Cli.text(Cli.rows(4000, 2)));
        Path input = Files.write(tmp.resolve("cut.csv.gz"), Arrays.copyOf(gz, gz.length * 6 / 10));
        bothFail(input.toString(), "cut.csv.gz", "truncated gzip data", "fail", "skip", "quarantine");
    }

    @Test
    void truncatedBzip2IsAnInputErrorNamingTheFile() throws IOException {
        // one bzip2 block cut short: even the header cannot be read (the file is found by decompressing again)
        byte[] bz = compressed("bzip2", Cli.text(Cli.rows(400, 3)));
        Path input = Files.write(tmp.resolve("cut.csv.bz2"), Arrays.copyOf(bz, bz.length / 2));
        bothFail(input.toString(), "cut.csv.bz2", "truncated bzip2 data");
    }

    @Test
    void fileNamedGzipThatIsNotCompressedIsAnInputError() throws IOException {
        Path input = Files.write(tmp.resolve("plain.csv.gz"), Cli.text(Cli.rows(50, 4)));
        bothFail(input.toString(), "plain.csv.gz", "not valid gzip data");
    }

    @Test
    void directoryMixingGoodAndTruncatedFilesNamesTheDamagedOneUnderEveryBadRowsPolicy() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("mixed"));
        Files.write(dir.resolve("a-good.csv.gz"), compressed("gzip", Cli.text(Cli.rows(300, 5))));
        byte[] gz = compressed("gzip", Cli.text(Cli.rows(4000, 6)));
        Files.write(dir.resolve("b-cut.csv.gz"), Arrays.copyOf(gz, gz.length / 2));
        bothFail(dir.toString(), "b-cut.csv.gz", "truncated gzip data", "fail", "skip", "quarantine");
    }

    @Test
    void otherCompressionsAreReadOnlyWhenAskedForAndNamedWhenTheyCannotBe() throws IOException {
        // *.csv.zst, *.csv.lz4: not taken for CSV by their names
        Path zst = Files.write(tmp.resolve("rows.csv.zst"), new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0, 0});
        bothFail(zst.toString(), List.of(), "rows.csv.zst", "cannot tell the format");
        // read as CSV on request: Hadoop's Zstandard codec needs its native library (absent from the build's Hadoop)
        if (!ZStandardCodec.isNativeCodeLoaded()) {
            bothFail(zst.toString(), List.of("--set", "input-format=csv"), "rows.csv.zst",
                    "its compression (ZStandardCodec) cannot be decompressed here");
        }
        // the LZ4 frame magic (the lz4 tool's framing) then a block Hadoop's LZ4 framing takes as cut short:
        // Hadoop's codec ends the stream quietly, and the file reads as empty
        Path lz4 = Files.write(tmp.resolve("rows.csv.lz4"), new byte[] {0x04, 0x22, 0x4d, 0x18, 0, 0, 0, 0x10,
                0x69, 0x64, 0x2c, 0x66, 0x31, 0x0a, 0x72, 0x31, 0x2c, 0x30, 0x0a, 0});
        bothFail(lz4.toString(), List.of("--set", "input-format=csv"), "rows.csv.lz4",
                "holds 20 bytes but reads as empty");
    }

    @Test
    void parquetWithADamagedFooterOrDamagedPagesIsAnInputErrorNamingTheFile() throws IOException {
        Path csv = Files.write(tmp.resolve("rows.csv"), Cli.text(Cli.rows(100, 7)));
        Path written = tmp.resolve("written");
        spark.read().option("header", "true").option("inferSchema", "true").csv(csv.toString()).coalesce(1)
                .write().parquet(written.toString());
        Path part;
        try (var files = Files.list(written)) {
            part = files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(part);
        Path dir = Files.createDirectory(tmp.resolve("parquet"));
        Files.copy(part, dir.resolve("a-good.parquet"));
        Files.write(dir.resolve("b-cut.parquet"), Arrays.copyOf(bytes, bytes.length - 10));
        bothFail(dir.toString(), "b-cut.parquet", "footer is damaged");

        // the footer intact, the first page's header overwritten: met by the pass over the rows
        byte[] pages = bytes.clone();
        Arrays.fill(pages, 4, 40, (byte) 0x55);
        Path damaged = Files.createDirectory(tmp.resolve("parquet-pages"));
        Files.copy(part, damaged.resolve("a-good.parquet"));
        Files.write(damaged.resolve("b-pages.parquet"), pages);
        bothFail(damaged.toString(), "b-pages.parquet", "damaged Parquet data");
    }

    @Test
    void directoryHoldingAFileThatIsNotDataNamesIt() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("with-readme"));
        Files.write(dir.resolve("part-0.csv"), Cli.text(Cli.rows(50, 8)));
        Files.writeString(dir.resolve("README.txt"), "exported from the warehouse on Monday\n");
        Files.writeString(dir.resolve("_SUCCESS"), "");
        bothFail(dir.toString(), "README.txt", "which is not a CSV file (*.csv, *.csv.gz, *.csv.bz2) like part-0.csv");
    }

    @Test
    void unreadableFileIsAnInputErrorNamingIt() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("locked"));
        Files.write(dir.resolve("a.csv"), Cli.text(Cli.rows(50, 9)));
        Path locked = Files.write(dir.resolve("b.csv"), Cli.text(Cli.rows(50, 10)));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        try {
            bothFail(dir.toString(), "b.csv", "permission denied");
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    @Test
    void fileThatVanishesBetweenListingAndReadingIsAnInputError() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("vanish"));
        Files.write(dir.resolve("a-good.csv"), Cli.text(Cli.rows(300, 11)));
        for (String step : List.of("train", "score")) {
            // the file disappears the moment a task (or Spark's own sampling job) opens it
            Files.write(dir.resolve("vanishing.csv"), Cli.text(Cli.rows(20, 12)));
            String input = FaultyFileSystem.uri(dir);
            Cli.Result r = step.equals("train")
                    ? Cli.train(Cli.args(Cli.SMALL_MODEL, "--input", input, "--output", trainOut.resolve("model").toString(),
                    "--id-column", "id", "--label-column", "label"))
                    : Cli.score("--model", model.toString(), "--input", input, "--output",
                    scoreOut.resolve("scores").toString(), "--id-column", "id", "--label-column", "label");
            r.assertFailed(ExitCodes.INPUT, "cdae-" + step + ": input error: ", "vanishing.csv", "the file is gone");
        }
        Cli.assertUnchanged(trainOut, new TreeSet<>());
        Cli.assertUnchanged(scoreOut, new TreeSet<>(List.of("scores", "scores-report", "scores.bad-rows")));
    }

    @Test
    void outputInADirectoryThatCannotBeWrittenIsRefusedBeforeAnythingRuns() throws IOException {
        Path input = Files.write(tmp.resolve("ok.csv"), Cli.text(Cli.rows(50, 13)));
        Path readOnly = Files.createDirectory(tmp.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Cli.train(Cli.args(Cli.SMALL_MODEL, "--input", input.toString(), "--output",
                    readOnly.resolve("model").toString())).assertFailed(ExitCodes.USAGE,
                    "cdae-train: configuration error: invalid value for '--output'", "read-only/model",
                    "a path in a writable directory");
            Cli.score("--model", model.toString(), "--input", input.toString(), "--output",
                    readOnly.resolve("scores").toString(), "--id-column", "id").assertFailed(ExitCodes.USAGE,
                    "cdae-score: configuration error: invalid value for '--output'", "read-only/scores",
                    "a path in a writable directory");
            // the report directory is checked too, before anything is scored
            Cli.score("--model", model.toString(), "--input", input.toString(), "--output",
                    scoreOut.resolve("new-scores").toString(), "--label-column", "label", "--report-dir",
                    readOnly.resolve("report").toString()).assertFailed(ExitCodes.USAGE,
                    "cdae-score: configuration error: invalid value for '--report-dir'", "read-only/report");
            assertTrue(Cli.listing(readOnly).isEmpty());
            Cli.assertUnchanged(scoreOut, new TreeSet<>(List.of("scores", "scores-report", "scores.bad-rows")));
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
