package io.cdae.spark.reliability;

import io.cdae.io.CdaeModel;
import io.cdae.io.ModelStore;
import io.cdae.spark.ChildProcesses;
import io.cdae.spark.SparkTestSession;
import io.cdae.spark.StandaloneCluster;
import io.cdae.spark.train.TrainJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults on a real standalone cluster (two workers on 127.0.0.1) and in local mode: a worker JVM killed
 * mid-training, the driver killed mid-training and resumed, the driver killed while it writes scores.
 */
class FaultsIT {
    private static final Path ROOT = ChildProcesses.ROOT;
    private static final Path DATA = ROOT.resolve("data/fmnist_trouser_small.csv.gz");
    private static final Pattern EPOCH = Pattern.compile("epoch (\\d+)/(\\d+): loss ([0-9.eE+-]+)");

    @TempDir
    Path tmp;

    private static List<String> trainArgs(Path model, String master) {
        return new ArrayList<>(List.of(ROOT.resolve("submit-scripts/cdae-train").toString(), "--master", master,
                "--input", DATA.toString(), "--output", model.toString(), "--label-column", "label",
                "--set", "exclude-columns=class", "--set", "where=split = 'train'", "--set", "epochs=6",
                "--set", "partitions=2", "--set", "averaging-frequency=1", "--set", "batch-size=16",
                "--set", "encoder-widths=32"));
    }

    private static List<String> trainSets() {
        return List.of("exclude-columns=class", "where=split = 'train'", "epochs=6", "partitions=2",
                "averaging-frequency=1", "batch-size=16", "encoder-widths=32");
    }

    private static void awaitLog(Process p, Path log, Predicate<String> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (condition.test(Files.readString(log))) {
                return;
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("ended before the awaited point: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("timed out waiting in " + log);
    }

    private static double lastLoss(String log) {
        Matcher m = EPOCH.matcher(log);
        double last = Double.NaN;
        while (m.find()) {
            last = Double.parseDouble(m.group(3));
        }
        return last;
    }

    private static int firstEpoch(String log) {
        Matcher m = EPOCH.matcher(log);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    @Test
    void workerKilledMidTrainingAndDriverKilledThenResumed() throws Exception {
        // the undisturbed run, in this JVM (training is deterministic whatever the deployment)
        TrainJob.Outcome undisturbed = new TrainJob(SparkTestSession.get("local[2]")).run(new TrainJob.Request(
                DATA.toString(), tmp.resolve("reference").toString(), null, trainSets(), null, "label", false));
        CdaeModel reference = undisturbed.model();
        double referenceLoss = undisturbed.epochs().get(undisturbed.epochs().size() - 1).total();

        try (StandaloneCluster cluster = new StandaloneCluster(tmp.resolve("cluster"), 2, 1536)) {
            // 1. kill one worker JVM (and its executor) during epoch 3: the job completes on the other worker
            Path log1 = tmp.resolve("worker-kill.log");
            Process job = ChildProcesses.start(log1, cluster.submitEnvironment(), trainArgs(tmp.resolve("m1"), cluster.masterUrl()));
            try {
                awaitLog(job, log1, s -> s.contains("epoch 2/6"));
                ChildProcesses.kill(cluster.workers().get(0));
                assertTrue(job.waitFor(8, TimeUnit.MINUTES), "job finished");
                String out = Files.readString(log1);
                assertEquals(0, job.exitValue(), out);
                CdaeModel m1 = ModelStore.load(tmp.resolve("m1"));
                assertEquals(6, m1.epochs());
                double loss = lastLoss(out);
                assertTrue(Math.abs(loss - referenceLoss) <= 0.05 * referenceLoss,
                        "final loss " + loss + " vs undisturbed " + referenceLoss);
                assertEquals(reference.parameters(), m1.parameters(), "same seed, same model despite the lost worker");
            } finally {
                ChildProcesses.kill(job);
            }
            cluster.addWorker(1536);

            // 2. kill the driver during epoch 4; --resume continues from the last checkpoint
            Path model = tmp.resolve("m2");
            Path log2 = tmp.resolve("driver-kill.log");
            Process driver = ChildProcesses.start(log2, cluster.submitEnvironment(), trainArgs(model, cluster.masterUrl()));
            awaitLog(driver, log2, s -> s.contains("epoch 3/6"));
            ChildProcesses.kill(driver);
            assertFalse(Files.exists(model.resolve("manifest.json")), "no final model from the killed run");
            List<String> resume = trainArgs(model, cluster.masterUrl());
            resume.add("--resume");
            Path log3 = tmp.resolve("resume.log");
            assertEquals(0, ChildProcesses.run(log3, cluster.submitEnvironment(), resume.toArray(new String[0])),
                    Files.readString(log3));
            int first = firstEpoch(Files.readString(log3));
            assertTrue(first == 3 || first == 4, "resumed at epoch " + first + ": at most one epoch lost");
            CdaeModel resumed = ModelStore.load(model);
            assertEquals(6, resumed.epochs());
            assertEquals(reference.parameters(), resumed.parameters(), "resumed run equals the uninterrupted one");
        }
    }

    @Test
    void driverKilledWhileWritingScoresLeavesThePreviousCompleteOutput() throws Exception {
        Path model = tmp.resolve("model");
        new TrainJob(SparkTestSession.get("local[2]")).run(new TrainJob.Request(DATA.toString(), model.toString(), null,
                List.of("exclude-columns=class", "epochs=1", "encoder-widths=16"), null, "label", false));
        // a larger input so that scoring (done inside the write job) takes a while
        Path big = tmp.resolve("big.csv");
        List<String> lines = new ArrayList<>(List.of(new String(new java.util.zip.GZIPInputStream(
                Files.newInputStream(DATA)).readAllBytes()).split("\n")));
        List<String> out = new ArrayList<>(lines);
        for (int i = 0; i < 12; i++) {
            out.addAll(lines.subList(1, lines.size()));
        }
        Files.write(big, out);
        Path scores = tmp.resolve("scores");
        List<String> score = List.of(ROOT.resolve("submit-scripts/cdae-score").toString(), "--master", "local[2]",
                "--model", model.toString(), "--input", big.toString(), "--output", scores.toString(), "--feature-errors");
        Map<String, String> env = Map.of("SPARK_HOME", "", "PATH", System.getenv("PATH"));
        assertEquals(0, ChildProcesses.run(tmp.resolve("score1.log"), env, score.toArray(new String[0])));
        long rows = SparkTestSession.get("local[2]").read().parquet(scores.toString()).count();
        assertEquals(13L * 1425, rows);

        Path log = tmp.resolve("score2.log");
        Process p = ChildProcesses.start(log, env, score);
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            boolean writing = false;
            while (!writing && p.isAlive() && System.nanoTime() < deadline) {
                try (var files = Files.list(tmp)) {
                    writing = files.anyMatch(f -> f.getFileName().toString().startsWith(".scores.tmp-"));
                }
                Thread.sleep(20);
            }
            assertTrue(writing, "caught the job while it was writing: " + Files.readString(log));
        } finally {
            ChildProcesses.kill(p);
        }
        assertEquals(rows, SparkTestSession.get("local[2]").read().parquet(scores.toString()).count(),
                "the final path still holds the previous complete output");
    }
}
