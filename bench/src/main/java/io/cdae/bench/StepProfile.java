package io.cdae.bench;

import io.cdae.backend.HostArrays;
import io.cdae.config.CdaeConfig;
import io.cdae.corruption.Corruption;
import io.cdae.kernel.HeapUpdater;
import io.cdae.kernel.OneLayerKernel;
import io.cdae.model.CdaeNetwork;
import io.cdae.model.CdaeObjective;
import io.cdae.model.CdaeParameters;
import io.cdae.model.Gemm;
import io.cdae.train.LocalSteps;
import io.cdae.train.LossTally;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where a training step's time goes, for profiling (docs/BENCHMARKS.md): runs the trainers' steps (LocalSteps.run,
 * {@value TrainingStepBenchmark#STEPS} minibatches a run, the fused kernel) in a plain loop for SECONDS (for a
 * sampling profiler such as JFR to attach), then times the step and its parts on their own: the fused step and
 * the DL4J step, the fused step's corruption, objective with gradient, Adam update and its four BLAS products
 * alone, and the DL4J path's parts (objective, its five GEMMs through ND4J, single element-wise ops), so that the
 * difference between a step and its products can be attributed.
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
        MultiLayerNetwork dl4jNet = CdaeNetwork.create(config, DataType.FLOAT);
        Corruption corruption = Corruption.of(config);
        LocalSteps steps = new LocalSteps(config);
        LocalSteps dl4jSteps = LocalSteps.throughDl4j(config);
        int runSteps = TrainingStepBenchmark.STEPS;
        float[] block = BenchData.block(batch * runSteps, 7);
        int[] epoch = {0};
        Runnable fusedRun = () -> steps.run(net, block, batch * runSteps, BenchData.WIDTH, DataType.FLOAT, epoch[0]++, 0,
                0, runSteps, new LossTally());
        Runnable dl4jRun = () -> dl4jSteps.run(dl4jNet, block, batch * runSteps, BenchData.WIDTH, DataType.FLOAT,
                epoch[0]++, 0, 0, runSteps, new LossTally());
        for (int i = 0; i < 10; i++) {
            fusedRun.run();
        }
        long t0 = System.nanoTime();
        long n = 0;
        while (System.nanoTime() - t0 < seconds * 1e9) {
            fusedRun.run();
            n += runSteps;
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "step-profile hidden=%d batch=%d steps=%d ms_per_step=%.3f samples_per_s=%.0f%n",
                hidden, batch, n, 1000 * s / n, n * batch / s);
        Map<String, Runnable> parts = new LinkedHashMap<>();
        // per run of runSteps minibatches: divided below
        parts.put("full step, fused (LocalSteps.run)", fusedRun);
        parts.put("full step, DL4J fit (LocalSteps.run)", dl4jRun);
        fusedParts(config, net, block, batch, parts);
        dl4jParts(config, net, corruption, batch, hidden, parts);
        for (Map.Entry<String, Runnable> e : parts.entrySet()) {
            boolean run = e.getKey().startsWith("full step");
            double us = median(e.getValue(), run ? 5 : 50, !run) / (run ? runSteps : 1);
            System.out.printf(Locale.ROOT, "step-part hidden=%d batch=%d part=\"%s\" us=%.0f%n", hidden, batch,
                    e.getKey(), us);
        }
    }

    /** The fused step's parts on its own arrays: corruption, objective and gradient, Adam, the four products. */
    private static void fusedParts(CdaeConfig config, MultiLayerNetwork net, float[] block, int batch,
                                   Map<String, Runnable> parts) {
        int d = BenchData.WIDTH;
        int h = config.width(1);
        OneLayerKernel kernel = new OneLayerKernel(config, batch, 1);
        float[] params = HostArrays.toFloats(net.params());
        float[] gradient = new float[params.length];
        float[][] moments = new float[2][params.length];
        float[] clean = Arrays.copyOf(block, batch * d);
        float[] corrupted = clean.clone();
        Corruption corruption = Corruption.of(config);
        HeapUpdater adam = HeapUpdater.of(new Adam(config.learningRate()));
        long[] b = {0};
        parts.put("fused: corruption (masking, in place)", () -> {
            System.arraycopy(clean, 0, corrupted, 0, clean.length);
            corruption.applyInPlace(corrupted, clean.length, 42L, 0, 0, b[0]++);
        });
        parts.put("fused: objective + gradient (OneLayerKernel, 1 thread)",
                () -> kernel.evaluate(params, corrupted, clean, batch, gradient));
        parts.put("fused: Adam update (HeapUpdater)",
                () -> adam.apply(params, gradient, moments, 5, 0, 0, params.length));
        // the kernel's four products as it calls them (tied: the two into dL/dW as one over 2B rows)
        FloatPointer x = new FloatPointer(2L * batch * d);
        FloatPointer codes = new FloatPointer(2L * batch * h);
        FloatPointer z = new FloatPointer((long) batch * h);
        FloatPointer w = new FloatPointer((long) d * h);
        FloatPointer g = new FloatPointer((long) d * h);
        FloatPointer errors = new FloatPointer(x).position((long) batch * d);
        FloatPointer hidden = new FloatPointer(codes).position((long) batch * h);
        int row = openblas_nolapack.CblasRowMajor;
        int no = openblas_nolapack.CblasNoTrans;
        int yes = openblas_nolapack.CblasTrans;
        parts.put("fused: its 4 BLAS products alone", () -> {
            openblas_nolapack.cblas_sgemm(row, no, no, batch, h, d, 1f, x, d, w, h, 0f, z, h);
            openblas_nolapack.cblas_sgemm(row, no, yes, batch, d, h, 1f, hidden, h, w, h, 0f, errors, d);
            openblas_nolapack.cblas_sgemm(row, no, no, batch, h, d, 1f, errors, d, w, h, 0f, z, h);
            openblas_nolapack.cblas_sgemm(row, yes, no, d, h, 2 * batch, 1f, x, d, codes, h, 0f, g, h);
        });
    }

    /** The DL4J path's parts, in a workspace as in its step. */
    private static void dl4jParts(CdaeConfig config, MultiLayerNetwork net, Corruption corruption, int batch, int hidden,
                                  Map<String, Runnable> parts) {
        CdaeObjective objective = new CdaeObjective(config);
        CdaeParameters p = CdaeParameters.view(config, net.params());
        CdaeParameters g = CdaeParameters.view(config, Nd4j.zeros(DataType.FLOAT, 1, net.numParams()));
        INDArray clean = BenchData.rows(batch, 7);
        INDArray corrupted = corruption.apply(clean, 42L, 0, 0, 0);
        INDArray w = p.encoderWeight(1);
        INDArray h = Nd4j.rand(DataType.FLOAT, batch, hidden);
        INDArray y = Nd4j.rand(DataType.FLOAT, batch, 784);
        long[] s0 = {0};
        parts.put("DL4J path: corruption", () -> corruption.apply(clean, 42L, 0, 0, s0[0]++));
        parts.put("DL4J path: objective + gradient", () -> objective.evaluate(p, corrupted, clean, g, 0L));
        parts.put("DL4J path: objective, forward only", () -> objective.evaluate(p, corrupted, clean, null, 0L));
        parts.put("DL4J path: 5 GEMMs of the step (Gemm)", () -> {
            Gemm.mul(corrupted, w);             // encoder [B,784]x[784,h]
            Gemm.mul(h, false, w, true);        // decoder [B,h]x[h,784]
            Gemm.mul(y, true, h, false);        // dV^T [784,B]x[B,h]
            Gemm.mul(y, w);                     // dH [B,784]x[784,h]
            Gemm.mul(corrupted, true, h, false); // dW [784,B]x[B,h]
        });
        parts.put("DL4J path: one elementwise op on [B,784]", () -> y.mul(y));
        parts.put("DL4J path: sigmoid on [B,784]", () -> org.nd4j.linalg.ops.transforms.Transforms.sigmoid(y, true));
        parts.put("DL4J path: one [B,784] allocation outside a workspace", () -> {
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
    }

    /** Median over 7 rounds of {@code reps} calls, in microseconds per call; in a workspace unless DL4J's fit runs. */
    private static double median(Runnable part, int reps, boolean workspace) {
        double[] rounds = new double[7];
        for (int r = 0; r < rounds.length; r++) {
            long t = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                if (!workspace) {
                    part.run(); // DL4J's fit wants no workspace open; the step opens its own
                    continue;
                }
                try (org.nd4j.linalg.api.memory.MemoryWorkspace ws = io.cdae.backend.Scratch.open("CDAE_PROFILE")) {
                    part.run();
                }
            }
            rounds[r] = (System.nanoTime() - t) / (reps * 1e3);
        }
        Arrays.sort(rounds);
        return rounds[3];
    }
}
