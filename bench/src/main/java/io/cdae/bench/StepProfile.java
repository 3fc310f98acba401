package io.cdae.bench;

import io.cdae.config.CdaeConfig;
import io.cdae.corruption.Corruption;
import io.cdae.model.CdaeNetwork;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import io.cdae.model.CdaeObjective;
import io.cdae.model.CdaeParameters;
import io.cdae.model.Gemm;
import io.cdae.train.LocalSteps;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where a training step's time goes, for profiling (docs/BENCHMARKS.md): runs the JMH training step in a
 * plain loop for SECONDS (for a sampling profiler such as JFR to attach), then times its parts on their own:
 * the corruption, the objective with and without its gradient, the step's five GEMMs alone, and single
 * element-wise ops, so that the difference between the full step and its GEMMs can be attributed.
 * Usage: StepProfile HIDDEN BATCH SECONDS (-Dthreads=N for N ND4J threads; bench/step-profile runs it)
 */
public final class StepProfile {
    private StepProfile() {
    }

    public static void main(String[] args) {
        int hidden = Integer.parseInt(args[0]);
        int batch = Integer.parseInt(args[1]);
        double seconds = Double.parseDouble(args[2]);
        if (System.getProperty("threads") != null) {
            io.cdae.backend.Nd4jThreads.set(Integer.getInteger("threads"));
        }
        CdaeConfig config = BenchData.config(hidden, batch);
        MultiLayerNetwork net = CdaeNetwork.create(config, DataType.FLOAT);
        Corruption corruption = Corruption.of(config);
        LocalSteps steps = new LocalSteps(config);
        INDArray clean = BenchData.rows(batch, 7);
        long step = 0;
        for (; step < 200; step++) {
            steps.step(net, clean, 0, 0, step);
        }
        long t0 = System.nanoTime();
        long n = 0;
        while (System.nanoTime() - t0 < seconds * 1e9) {
            steps.step(net, clean, 0, 0, step++);
            n++;
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "step-profile hidden=%d batch=%d steps=%d ms_per_step=%.3f samples_per_s=%.0f%n",
                hidden, batch, n, 1000 * s / n, n * batch / s);
        // the same step taken apart, each part timed on its own (median of 7 rounds of 50 repetitions), in a
        // workspace as in the step (the full step opens its own)
        CdaeObjective objective = new CdaeObjective(config);
        CdaeParameters p = CdaeParameters.view(config, net.params());
        CdaeParameters g = CdaeParameters.view(config, Nd4j.zeros(DataType.FLOAT, 1, net.numParams()));
        INDArray corrupted = corruption.apply(clean, 42L, 0, 0, 0);
        INDArray w = p.encoderWeight(1);
        INDArray h = Nd4j.rand(DataType.FLOAT, batch, hidden);
        INDArray y = Nd4j.rand(DataType.FLOAT, batch, 784);
        long[] s0 = {step};
        Map<String, Runnable> parts = new LinkedHashMap<>();
        parts.put("full step (LocalSteps.step)", () -> steps.step(net, clean, 0, 0, s0[0]++));
        parts.put("corruption", () -> corruption.apply(clean, 42L, 0, 0, s0[0]++));
        parts.put("objective + gradient", () -> objective.evaluate(p, corrupted, clean, g, 0L));
        parts.put("objective, forward only", () -> objective.evaluate(p, corrupted, clean, null, 0L));
        parts.put("5 GEMMs of the step", () -> {
            Gemm.mul(corrupted, w);             // encoder [B,784]x[784,h]
            Gemm.mul(h, false, w, true);        // decoder [B,h]x[h,784]
            Gemm.mul(y, true, h, false);        // dV^T [784,B]x[B,h]
            Gemm.mul(y, w);                     // dH [B,784]x[784,h]
            Gemm.mul(corrupted, true, h, false); // dW [784,B]x[B,h]
        });
        parts.put("the same 5 GEMMs through mmul and transposed views", () -> {
            corrupted.mmul(w);
            h.mmul(w.transpose());
            y.transpose().mmul(h);
            y.mmul(w);
            corrupted.transpose().mmul(h);
        });
        float[] host = y.data().asFloat();
        parts.put("[B,784] from a Java float[]: Nd4j.create", () -> Nd4j.create(host, new long[] {batch, 784}, 'c'));
        parts.put("[B,784] from a Java float[]: HostArrays.fromFloats", () -> io.cdae.backend.HostArrays.fromFloats(host, batch, 784));
        parts.put("[B,784] to a Java float[]: data().asFloat()", () -> y.data().asFloat());
        parts.put("[B,784] to a Java float[]: HostArrays.toFloats", () -> io.cdae.backend.HostArrays.toFloats(y));
        parts.put("one elementwise op on [B,784]", () -> y.mul(y));
        parts.put("one elementwise op on [B,h]", () -> h.mul(h));
        parts.put("sigmoid on [B,784]", () -> org.nd4j.linalg.ops.transforms.Transforms.sigmoid(y, true));
        parts.put("one [B,784] allocation outside a workspace", () -> {
            try (org.nd4j.linalg.api.memory.MemoryWorkspace out = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                Nd4j.create(DataType.FLOAT, batch, 784);
            }
        });
        // the scoring kernel on ScoringBenchmark's minibatch of 1,024 rows, whole and its forward pass alone
        io.cdae.io.CdaeModel model = io.cdae.io.CdaeModel.of(net, config, io.cdae.io.Normaliser.identity(784), Map.of());
        io.cdae.score.BatchScorer scorer = new io.cdae.score.BatchScorer(model, io.cdae.score.AnomalyScore.RECONSTRUCTION, 1.0);
        INDArray scoringRows = BenchData.rows(ScoringBenchmark.ROWS, 11);
        float[][] scoringInput = scoringRows.toFloatMatrix();
        parts.put("scoring: BatchScorer.score, 1,024 rows", () -> scorer.score(scoringInput, 0, false));
        parts.put("scoring: its forward pass alone (rowTerms), 1,024 rows", () -> objective.rowTerms(p, scoringRows, 0L));
        for (Map.Entry<String, Runnable> e : parts.entrySet()) {
            double[] rounds = new double[7];
            for (int r = 0; r < rounds.length; r++) {
                long t = System.nanoTime();
                for (int i = 0; i < 50; i++) {
                    if (e.getKey().startsWith("full step")) {
                        e.getValue().run(); // DL4J's fit wants no workspace open; the step opens its own
                        continue;
                    }
                    try (org.nd4j.linalg.api.memory.MemoryWorkspace ws = io.cdae.backend.Scratch.open("CDAE_PROFILE")) {
                        e.getValue().run();
                    }
                }
                rounds[r] = (System.nanoTime() - t) / 50e3;
            }
            java.util.Arrays.sort(rounds);
            System.out.printf(Locale.ROOT, "step-part hidden=%d batch=%d part=\"%s\" us=%.0f%n", hidden, batch, e.getKey(),
                    rounds[3]);
        }
    }
}
