package io.cdae.spark.train;

import io.cdae.spark.SparkTestSession;
import io.cdae.spark.config.ConfigSources;
import io.cdae.spark.config.JobConfig;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The held-out split: which rows, the reference sample, and which cached rows go when. */
class CdaeTrainerTest {
    private static final int ROWS = 400;

    private static JavaRDD<float[]> rows(JavaSparkContext sc) {
        List<float[]> list = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            list.add(new float[]{i, 2 * i});
        }
        return sc.parallelize(list, 3);
    }

    private static JobConfig job(String... settings) {
        return ConfigSources.load(null, List.of(settings));
    }

    @Test
    void splitsBySeedDrawsTheReferenceSampleAndReleasesTheSourceOnceTrainingHasReadIt() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkTestSession.get("local[2]").sparkContext());
        JobConfig job = job("holdout-fraction=0.25", "reference-rows=30", "seed=7");
        JavaRDD<float[]> raw = rows(sc);
        try (CdaeTrainer.Split split = CdaeTrainer.split(raw, job)) {
            // the rows held out are those isHeldOut picks for their index, computed here independently
            long[] expectedHeldOut = LongStream.range(0, ROWS).filter(i -> CdaeTrainer.isHeldOut(7, i, 0.25)).toArray();
            long[] heldOut = split.heldOut().collect().stream().mapToLong(r -> (long) r[0]).toArray();
            assertArrayEquals(expectedHeldOut, heldOut);
            assertEquals(expectedHeldOut.length, split.heldOutRows());
            assertEquals(ROWS - expectedHeldOut.length, split.trainRows());
            assertTrue(split.ownsSource(), "the split cached the uncached source itself");
            assertNotEquals(StorageLevel.NONE(), raw.getStorageLevel());

            // the reference sample: 30 distinct training rows, the ones takeSample draws with the seed
            List<float[]> expectedSample = split.train().takeSample(false, 30, 7);
            assertEquals(30, split.referenceSample().size());
            for (int k = 0; k < 30; k++) {
                long row = (long) split.referenceSample().get(k)[0];
                assertArrayEquals(expectedSample.get(k), split.referenceSample().get(k));
                assertFalse(LongStream.of(heldOut).anyMatch(i -> i == row), "row " + row + " is held out");
            }
            assertEquals(30, split.referenceSample().stream().mapToLong(r -> (long) r[0]).distinct().count());

            split.trainingRowsRead();
            assertEquals(StorageLevel.NONE(), raw.getStorageLevel(), "source released");
            assertNotEquals(StorageLevel.NONE(), split.heldOut().getStorageLevel(), "held-out rows kept");
            assertArrayEquals(heldOut, split.heldOut().collect().stream().mapToLong(r -> (long) r[0]).toArray());
            split.close();
            assertEquals(StorageLevel.NONE(), split.heldOut().getStorageLevel(), "held-out rows released on close");
        }
    }

    @Test
    void withoutHeldOutRowsTheTrainingRowsStayForCalibration() {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkTestSession.get("local[2]").sparkContext());
        JavaRDD<float[]> raw = rows(sc).persist(StorageLevel.MEMORY_ONLY());
        try (CdaeTrainer.Split split = CdaeTrainer.split(raw, job("holdout-fraction=0"))) {
            assertEquals(0, split.heldOutRows());
            assertEquals(ROWS, split.trainRows());
            assertFalse(split.ownsSource(), "the caller cached the source");
            split.trainingRowsRead();
            assertEquals(StorageLevel.MEMORY_ONLY(), raw.getStorageLevel(), "source kept: calibration reads it");
        }
        assertEquals(StorageLevel.MEMORY_ONLY(), raw.getStorageLevel(), "the caller's cache is the caller's to release");
        raw.unpersist(false);
    }
}
