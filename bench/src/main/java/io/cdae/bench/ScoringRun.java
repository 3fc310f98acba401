package io.cdae.bench;

import io.cdae.config.CdaeConfig;
import io.cdae.io.CdaeModel;
import io.cdae.io.ModelStore;
import io.cdae.io.Normaliser;
import io.cdae.model.CdaeNetwork;
import io.cdae.spark.score.ScoreJob;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.nd4j.linalg.api.buffer.DataType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whole-job scoring: writes ROWS synthetic 784-feature rows as Parquet, scores them with the scoring job in
 * local[2], and reports rows/s of the scoring job and the process's peak resident memory (VmHWM), so that
 * runs at 1x and 10x rows, each in its own JVM, show whether memory stays flat.
 * Usage: ScoringRun ROWS WORK_DIR [prepare]  (prepare: only write the input, in a JVM of its own, so that the
 * measured run reads an existing input)
 */
public final class ScoringRun {
    private ScoringRun() {
    }

    public static void main(String[] args) throws Exception {
        long rows = Long.parseLong(args[0]);
        Path dir = Files.createDirectories(Path.of(args[1]));
        SparkSession spark = BenchSessions.local("local[2]", "cdae-bench-score");
        Path input = dir.resolve("rows-" + rows + ".parquet");
        List<String> names = new ArrayList<>();
        List<org.apache.spark.sql.Column> cols = new ArrayList<>();
        for (int i = 0; i < 784; i++) {
            names.add("p" + i);
            cols.add(functions.rand(i).cast("float").as("p" + i));
        }
        if (!Files.exists(input)) {
            Dataset<Row> df = spark.range(rows).repartition(4).select(cols.toArray(new org.apache.spark.sql.Column[0]));
            df.write().parquet(input.toString());
        }
        if (args.length > 2 && args[2].equals("prepare")) {
            spark.stop();
            return;
        }
        CdaeConfig config = BenchData.config(64, 128);
        Path model = dir.resolve("model");
        ModelStore.save(CdaeModel.of(CdaeNetwork.create(config, DataType.FLOAT), config, Normaliser.identity(784),
                Map.of("feature-columns", String.join(",", names))), model);
        long t0 = System.nanoTime();
        ScoreJob.Outcome o = new ScoreJob(spark).run(new ScoreJob.Request(model.toString(), input.toString(),
                dir.resolve("scores-" + rows).toString(), "parquet", null, null, 1.0, 0, false, List.of(), null));
        double seconds = (System.nanoTime() - t0) / 1e9;
        spark.stop();
        System.out.printf(Locale.ROOT, "scoring rows=%d seconds=%.1f rows_per_s=%.0f peak_rss_mib=%d%n", o.rows(), seconds,
                o.rows() / seconds, peakRssKib() / 1024);
    }

    private static long peakRssKib() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
