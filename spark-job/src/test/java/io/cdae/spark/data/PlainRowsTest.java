package io.cdae.spark.data;

import io.cdae.spark.SparkTestSession;
import io.cdae.spark.config.ConfigSources;
import io.cdae.spark.config.JobConfig;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plain read of a CSV input gives the checked read's rows in the same order and partitions, and stops at
 * every kind of row that the checked read would call bad, so that the checked read then explains it.
 */
class PlainRowsTest {
    private static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void session() {
        spark = SparkTestSession.get("local[2]");
    }

    private static List<String> rows(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> lines = new ArrayList<>(List.of("id,label,f1,f2,f3,f4"));
        for (int i = 0; i < n; i++) {
            lines.add(String.format(Locale.ROOT, "r%d,%d,%.6f,%.6f,%.6f,%.6g", i, i % 2, r.nextDouble(), r.nextDouble(),
                    r.nextDouble(), r.nextGaussian() * 1e5));
        }
        return lines;
    }

    private FeatureTable table(Path input, String... sets) {
        JobConfig job = ConfigSources.load(null, List.of(sets));
        return new InputReader(spark).read(input.toString(), job, "id", "label");
    }

    @Test
    void aCleanInputReadsTheCheckedReadsRowsInTheSameOrderAndPartitions() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("in"));
        // two files of different sizes: Spark orders and splits them by size, both reads alike
        Files.write(dir.resolve("a.csv"), rows(300, 1));
        Files.write(dir.resolve("b.csv"), rows(1200, 2));
        FeatureTable table = table(dir);
        PlainRows plain = assertSameRows(table, 1500);
        assertEquals(table.features().getNumPartitions(), plain.rows().getNumPartitions());
        assertArrayEquals(table.features().glom().map(List::size).collect().toArray(),
                plain.rows().glom().map(List::size).collect().toArray());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "r6,0,0.1,0.2,0.3",           // a field short
        "r6,0,0.1,0.2,0.3,0.4,0.5",   // a field too many
        "r6,0,abc,0.2,0.3,0.4",       // text in a feature
        "r6,0,,0.2,0.3,0.4",          // missing value
        "r6,0,NaN,0.2,0.3,0.4",
        "r6,0,Infinity,0.2,0.3,0.4",
        "r6,0,1e300,0.2,0.3,0.4",     // finite as a double, infinite as the model's float
        "r6,0,1.2.3,0.2,0.3,0.4",
    })
    void everyRowTheCheckedReadCallsBadStopsThePlainRead(String bad) throws IOException {
        List<String> lines = rows(200, 3);
        lines.set(150, bad);
        Path input = tmp.resolve("bad.csv");
        Files.write(input, lines);
        FeatureTable table = table(input, "bad-rows=skip");
        // under skip the checked read drops the row and counts it: the row is bad there
        assertEquals(1, table.badRows(), "the checked read calls '" + bad + "' bad");
        FeatureTable failing = table(input);
        PlainRows plain = failing.plainFeatures();
        plain.rows().count();
        assertTrue(plain.stopped(), "the plain read stops at '" + bad + "'");
    }

    @Test
    void onlyCsvAndParquetUnderFailHaveAPlainRead() throws IOException {
        Path input = tmp.resolve("in.csv");
        Files.write(input, rows(20, 4));
        assertNull(table(input, "bad-rows=skip").plainFeatures());
        assertNull(table(input, "bad-rows=quarantine", "quarantine-dir=" + tmp.resolve("q")).plainFeatures());
        Path parquet = tmp.resolve("in.parquet");
        spark.read().option("header", "true").option("inferSchema", "true").csv(input.toString()).write()
                .parquet(parquet.toString());
        assertNotNull(table(parquet).plainFeatures());
        assertNull(table(parquet, "bad-rows=skip").plainFeatures());
    }

    /**
     * Parquet with float, double and integer features (and a text column, which Parquet input never takes as a
     * feature): the checked read's rows, in order.
     */
    @Test
    void aCleanParquetInputReadsTheCheckedReadsRows() {
        Path parquet = tmp.resolve("typed.parquet");
        spark.range(0, 3000, 1, 3).selectExpr("concat('r', id) as id", "cast(id % 2 as int) as label",
                "cast(id / 7.0 as float) as f1", "sin(id) * 1e4 as f2", "cast(id % 13 as int) as f3",
                "cast(id * 0.5 as string) as f4").write().parquet(parquet.toString());
        assertSameRows(table(parquet), 3000);
    }

    /** The plain read of the table does not stop and gives the checked read's {@code n} rows, in order. */
    private static PlainRows assertSameRows(FeatureTable table, int n) {
        PlainRows plain = table.plainFeatures();
        List<float[]> fast = plain.rows().collect();
        assertFalse(plain.stopped());
        List<float[]> checked = table.features().collect();
        assertEquals(n, fast.size());
        assertEquals(checked.size(), fast.size());
        for (int i = 0; i < fast.size(); i++) {
            assertArrayEquals(checked.get(i), fast.get(i), "row " + i);
        }
        return plain;
    }

    @ParameterizedTest
    @ValueSource(strings = {"cast(null as double)", "cast('NaN' as double)", "cast('Infinity' as double)", "1e300"})
    void everyParquetValueTheCheckedReadCallsBadStopsThePlainRead(String bad) {
        Path parquet = tmp.resolve("bad.parquet");
        spark.range(0, 1500, 1, 2).selectExpr("concat('r', id) as id", "0 as label", "cast(id as double) as f1",
                        "cast(id as double) as f2", "cast(id as double) as f3",
                        "case when id = 1400 then " + bad + " else cast(id as double) end as f4")
                .write().parquet(parquet.toString());
        assertEquals(1, table(parquet, "bad-rows=skip").badRows(), "the checked read calls " + bad + " bad");
        PlainRows plain = table(parquet).plainFeatures();
        plain.rows().count();
        assertTrue(plain.stopped(), "the plain read stops at " + bad);
    }

    @Test
    void whereAppliesToThePlainReadAsToTheCheckedRead() throws IOException {
        Path input = tmp.resolve("in.csv");
        Files.write(input, rows(100, 5));
        FeatureTable table = table(input, "where=label = 1");
        PlainRows plain = table.plainFeatures();
        assertEquals(50, plain.rows().count());
        assertFalse(plain.stopped());
        assertEquals(50, table.features().count());
    }
}
