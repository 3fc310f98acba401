package io.cdae.spark.io;

import io.cdae.config.ConfigException;
import io.cdae.spark.FaultyFileSystem;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several outputs are published all together or not at all, and nothing temporary stays behind. */
class OutputCommitTest {
    @TempDir
    Path tmp;

    private static Configuration hadoop() {
        Configuration c = new Configuration();
        FaultyFileSystem.register(c);
        return c;
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String content(Path dir) throws IOException {
        return Files.readString(dir.resolve("part"), StandardCharsets.UTF_8);
    }

    private static void previous(Path dir, String text) throws IOException {
        Files.writeString(Files.createDirectories(dir).resolve("part"), text);
    }

    private static Map<String, byte[]> part(String text) {
        return Map.of("part", text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void commitReplacesEveryPreviousOutputAndLeavesNoTemporaryDirectory() throws IOException {
        previous(tmp.resolve("report"), "old report");
        try (OutputCommit outputs = new OutputCommit(hadoop())) {
            outputs.stageFiles(tmp.resolve("report").toString(), part("new report"));
            outputs.stageFiles(tmp.resolve("scores").toString(), part("new scores"));
            outputs.commit();
        }
        assertEquals(List.of("report", "scores"), names(tmp));
        assertEquals("new report", content(tmp.resolve("report")));
        assertEquals("new scores", content(tmp.resolve("scores")));
    }

    @Test
    void aFailedRenameRollsBackTheOutputsAlreadyCommittedAndRestoresThePreviousOnes() throws IOException {
        for (boolean lastExisted : List.of(true, false)) {
            Path dir = Files.createDirectory(tmp.resolve("case-" + lastExisted));
            previous(dir.resolve("report"), "old report");
            if (lastExisted) {
                previous(dir.resolve("scores-unrenamable"), "old scores");
            }
            try (OutputCommit outputs = new OutputCommit(hadoop())) {
                outputs.stageFiles(FaultyFileSystem.uri(dir.resolve("report")), part("new report"));
                outputs.stageFiles(FaultyFileSystem.uri(dir.resolve("scores-unrenamable")), part("new scores"));
                UncheckedIOException e = assertThrows(UncheckedIOException.class, outputs::commit);
                assertTrue(e.getMessage().contains("nothing committed"), e.getMessage());
            }
            assertEquals("old report", content(dir.resolve("report")));
            assertEquals(lastExisted ? List.of("report", "scores-unrenamable") : List.of("report"), names(dir));
            if (lastExisted) {
                assertEquals("old scores", content(dir.resolve("scores-unrenamable")));
            }
        }
    }

    @Test
    void closingWithoutCommitDeletesWhatWasStagedAndAnUnwrittenOutputIsLeftAlone() throws IOException {
        previous(tmp.resolve("quarantine"), "old rows");
        try (OutputCommit outputs = new OutputCommit(hadoop())) {
            outputs.stageFiles(tmp.resolve("scores").toString(), part("new scores"));
        }
        assertEquals(List.of("quarantine"), names(tmp));
        try (OutputCommit outputs = new OutputCommit(hadoop())) {
            assertEquals(outputs.stage(tmp.resolve("quarantine").toString()),
                    outputs.stage(tmp.resolve("quarantine").toString()), "staging a path twice gives one sibling");
            outputs.stageFiles(tmp.resolve("scores").toString(), part("new scores"));
            outputs.commit();
        }
        assertEquals(List.of("quarantine", "scores"), names(tmp));
        assertEquals("old rows", content(tmp.resolve("quarantine")));
    }

    @Test
    void requireWritableRefusesAFileInTheWayAndAcceptsAPathToBeCreated() throws IOException {
        Files.writeString(tmp.resolve("a-file"), "x");
        OutputCommit outputs = new OutputCommit(hadoop());
        ConfigException e = assertThrows(ConfigException.class,
                () -> outputs.requireWritable(tmp.resolve("a-file").toString(), "--output"));
        assertTrue(e.getMessage().contains("'--output'") && e.getMessage().contains("a file is in the way"), e.getMessage());
        assertThrows(ConfigException.class,
                () -> outputs.requireWritable(tmp.resolve("a-file").resolve("below").toString(), "--report-dir"));
        outputs.requireWritable(tmp.resolve("new").resolve("deeper").resolve("scores").toString(), "--output");
        assertFalse(Files.exists(tmp.resolve("new")), "checking creates nothing");
    }
}
