package io.cdae.spark.score;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdae.config.CdaeConfigJson;
import io.cdae.spark.SparkTestSession;
import io.cdae.spark.data.InputException;
import io.cdae.spark.train.TrainJob;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scoring job on the shipped subset, with an id column, as Parquet and CSV. */
class ScoreJobTest {
    @TempDir
    Path tmp;

    @Test
    void everyRowOnceWithItsIdScoresSeparateAnomaliesAndOutputIsAtomic() throws Exception {
        SparkSession spark = SparkTestSession.get("local[2]");
        Path input = tmp.resolve("images.parquet");
        spark.read().option("header", "true").option("inferSchema", "true").csv(SparkTestSession.fashionSubset().toString())
                .withColumn("image_id", concat(lit("img-"), monotonically_increasing_id().cast("string")))
                .repartition(3).write().parquet(input.toString());
        Path model = tmp.resolve("model");
        new TrainJob(spark).run(new TrainJob.Request(input.toString(), model.toString(), null,
                List.of("exclude-columns=class", "where=split = 'train'", "epochs=6", "partitions=2", "batch-size=32",
                        "encoder-widths=64"),
                "image_id", "label", false));

        Path scores = tmp.resolve("scores");
        ScoreJob.Outcome o = new ScoreJob(spark).run(new ScoreJob.Request(model.toString(), input.toString(),
                scores.toString(), "parquet", "image_id", "label", null, 3, false, List.of("where=split = 'test'"), null));
        assertEquals(425, o.rows());
        Dataset<Row> out = spark.read().parquet(scores.toString());
        Dataset<Row> expected = spark.read().parquet(input.toString()).where("split = 'test'").select("image_id");
        assertEquals(425, out.count());
        assertEquals(425, out.select("image_id").distinct().count());
        assertEquals(0, expected.except(out.select("image_id")).count());
        assertEquals(List.of("image_id", "label", "reconstruction_error", "contractive_score", "anomaly_score",
                "is_anomaly", "top_features"), List.of(out.columns()));

        JsonNode metrics = CdaeConfigJson.mapper().readTree(tmp.resolve("scores-report").resolve("metrics.json").toFile());
        assertTrue(metrics.get("roc-auc").asDouble() > 0.9, metrics.toString());
        assertEquals(metrics.get("roc-auc").asDouble(), o.metrics().rocAuc(), 0.0);
        assertTrue(Files.size(tmp.resolve("scores-report").resolve(ScoreReport.HISTOGRAM)) > 1000);

        // CSV on request, with a header; arrays joined by ';'
        Path csv = tmp.resolve("scores-csv");
        new ScoreJob(spark).run(new ScoreJob.Request(model.toString(), input.toString(), csv.toString(), "csv",
                "image_id", null, 0.5, 2, false, List.of("where=split = 'test'"), null));
        Dataset<Row> back = spark.read().option("header", "true").csv(csv.toString());
        assertEquals(425, back.count());
        assertTrue(back.first().getString(back.first().fieldIndex("top_features")).contains(";"));

        // a failed run leaves the previous complete output in place and no temporary directory
        assertThrows(InputException.class, () -> new ScoreJob(spark).run(new ScoreJob.Request(model.toString(),
                SparkTestSession.fashionSubset().toString().replace(".csv.gz", ".missing.csv"), scores.toString(),
                "parquet", null, null, null, 0, false, List.of(), null)));
        assertEquals(425, spark.read().parquet(scores.toString()).count());
        try (var files = Files.list(tmp)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(".tmp-")));
        }
    }
}
