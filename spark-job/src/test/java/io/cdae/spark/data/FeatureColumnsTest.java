package io.cdae.spark.data;

import io.cdae.config.ConfigException;
import io.cdae.spark.SparkTestSession;
import io.cdae.spark.config.ConfigSources;
import io.cdae.spark.config.JobConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which CSV columns are features when none are listed: those whose non-empty values among the first 1,000 rows
 * selected by {@code where} are at least 90 % numbers (as Double.parseDouble reads them, blanks around allowed),
 * in header order, never the id or label column or an excluded one.
 */
class FeatureColumnsTest {
    @TempDir
    Path tmp;

    private List<String> features(Path csv, String id, String label, String... sets) {
        JobConfig job = ConfigSources.load(null, List.of(sets));
        return new InputReader(SparkTestSession.get("local[2]")).open(csv.toString(), job, id, label, null).features();
    }

    @Test
    void columnsOfNumbersAreFeaturesAndColumnsOfWordsAreNot() throws IOException {
        List<String> lines = new ArrayList<>(List.of("id,a,split,b,half,pixel 7,empty,label,late words"));
        for (int i = 0; i < 1200; i++) {
            lines.add(String.format(Locale.ROOT, "r%d,%.3f,%s,%s,%s, %d ,,%d,%s", i, i * 0.5, i % 4 == 0 ? "test" : "train",
                    i == 7 ? "n/a" : "1e-3", i % 2 == 0 ? "x" : "2", i % 256, i % 2,
                    i < 1000 ? "3.5" : "word")); // words only after the sampled rows
        }
        Path csv = Files.write(tmp.resolve("mixed.csv"), lines);
        // b: one bad value in 1,000 (still a feature, its bad row caught later); half: 50 % words; empty: no values
        assertEquals(List.of("a", "b", "pixel 7", "late words"), features(csv, "id", "label"));
        assertEquals(List.of("a", "pixel 7", "late words"), features(csv, "id", "label", "exclude-columns=b"));
        // the sample is taken after where: the 300 test rows (i % 4 == 0) reach past row 1,000, so 50 of their 300
        // "late words" values are words (83 % numbers: not a feature); "half" is all words among them
        assertEquals(List.of("a", "b", "pixel 7"), features(csv, "id", "label", "where=split = 'test'"));
        // with the words of "half" only in the rows where filters out, it is a feature (the 600 odd rows reach past
        // row 1,000 too: "late words" is out again)
        assertEquals(List.of("a", "b", "half", "pixel 7"),
                features(csv, "id", "label", "where=split = 'train' AND half = '2'"));
        assertTrue(features(csv, null, null).containsAll(List.of("label")), "a label column not named is a feature");
    }

    @Test
    void noRowsOrNoNumericColumnsAreInputErrorsNamingTheFile() throws IOException {
        Path words = Files.write(tmp.resolve("words.csv"), List.of("name,colour", "a,red", "b,blue"));
        RuntimeException none = assertThrows(RuntimeException.class, () -> features(words, null, null));
        assertTrue(none.getMessage().contains("no numeric feature columns in") && none.getMessage().contains("words.csv"),
                none.getMessage());
        Path header = Files.write(tmp.resolve("header.csv"), List.of("a,b"));
        RuntimeException empty = assertThrows(RuntimeException.class, () -> features(header, null, null));
        assertTrue(empty.getMessage().contains("no data rows") && empty.getMessage().contains("header.csv"),
                empty.getMessage());
        assertThrows(ConfigException.class, () -> features(header, null, null, "exclude-columns=zzz"));
    }
}
