package io.cdae.kernel;

import io.cdae.config.Activation;
import io.cdae.config.CdaeConfig;
import io.cdae.config.ContractiveEstimator;
import io.cdae.config.CorruptionType;
import io.cdae.config.OptimiserType;
import io.cdae.config.OutputActivation;
import io.cdae.config.ReconstructionLoss;
import io.cdae.model.CdaeObjective;
import io.cdae.model.CdaeParameters;
import io.cdae.model.LossParts;
import io.cdae.model.ParameterLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused kernel's float loss and gradient against {@link CdaeObjective}'s in float64, whose gradient is checked
 * against finite differences (CdaeObjectiveGradientTest), for every configuration the kernel runs, through both
 * element-wise implementations and on one and three threads. Widths that are not a multiple of the vector length
 * exercise the rows' tails, and the minibatch is smaller than the kernel's capacity.
 */
class OneLayerKernelTest {
    /** Float32 against float64: relative error of the loss parts, and of each gradient entry against the largest. */
    static final double TOLERANCE = 2e-5;
    private static final int D = 19;
    private static final int N = 11;
    private static final int ROWS = 7;

    static Stream<Arguments> configurations() {
        List<Arguments> cases = new ArrayList<>();
        for (Activation act : Activation.values()) {
            for (boolean tied : new boolean[] {true, false}) {
                for (double lambda : new double[] {0.0, 0.7}) {
                    for (boolean vector : new boolean[] {true, false}) {
                        int threads = vector ? 3 : 1;
                        cases.add(Arguments.of(act, tied, lambda, OutputActivation.SIGMOID, ReconstructionLoss.MSE, vector, threads));
                        cases.add(Arguments.of(act, tied, lambda, OutputActivation.LINEAR, ReconstructionLoss.MSE, vector, threads));
                        cases.add(Arguments.of(act, tied, lambda, OutputActivation.SIGMOID, ReconstructionLoss.BCE, vector, threads));
                    }
                    cases.add(Arguments.of(act, tied, lambda, OutputActivation.SIGMOID, ReconstructionLoss.MSE, true, 1));
                }
            }
        }
        return cases.stream();
    }

    static CdaeConfig config(Activation act, boolean tied, double lambda, OutputActivation out, ReconstructionLoss loss) {
        return new CdaeConfig(D, List.of(N), act, tied, out, loss, lambda, ContractiveEstimator.EXACT, 4,
                CorruptionType.NONE, 0.0, OptimiserType.ADAM, 1e-3, 0.9, 8, 1, 7L);
    }

    static double[] uniform(int n, long seed, double lo, double hi) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + (hi - lo) * r.nextDouble();
        }
        return v;
    }

    static float[] floats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    @ParameterizedTest(name = "{0} tied={1} lambda={2} {3}/{4} vector={5} threads={6}")
    @MethodSource("configurations")
    void lossAndGradientMatchTheFloat64Objective(Activation act, boolean tied, double lambda, OutputActivation out,
                                                 ReconstructionLoss loss, boolean vector, int threads) {
        CdaeConfig config = config(act, tied, lambda, out, loss);
        int p = (int) new ParameterLayout(config).length();
        // the float values are the reference's inputs too, so both evaluate the same point
        float[] params = floats(uniform(p, 11, -0.9, 0.9));
        float[] clean = floats(uniform(ROWS * D, 3, 0.0, 1.0));
        float[] corrupted = clean.clone();
        double[] noise = uniform(ROWS * D, 4, -0.3, 0.3);
        for (int i = 0; i < corrupted.length; i++) {
            corrupted[i] += (float) noise[i];
        }

        OneLayerKernel kernel = new OneLayerKernel(config, ROWS + 2, threads,
                vector ? new VectorElementwise() : new ScalarElementwise());
        float[] gradient = new float[p];
        java.util.Arrays.fill(gradient, Float.NaN); // every entry must be overwritten
        LossParts fused = kernel.evaluate(params, corrupted, clean, ROWS, gradient);

        CdaeParameters reference = CdaeParameters.view(config, doubles(params, 1, p));
        CdaeParameters expected = CdaeParameters.view(config, Nd4j.zeros(DataType.DOUBLE, 1, p));
        LossParts exact = new CdaeObjective(config).evaluate(reference, doubles(corrupted, ROWS, D),
                doubles(clean, ROWS, D), expected, 0L);

        assertEquals(exact.reconstruction(), fused.reconstruction(), TOLERANCE * Math.abs(exact.reconstruction()));
        assertEquals(exact.contractive(), fused.contractive(), TOLERANCE * Math.abs(exact.contractive()));
        double[] want = expected.flat().dup().data().asDouble();
        double largest = 0;
        for (double w : want) {
            largest = Math.max(largest, Math.abs(w));
        }
        assertTrue(largest > 1e-3, "the reference gradient is (nearly) zero: the check would be vacuous");
        for (int i = 0; i < p; i++) {
            double err = Math.abs(gradient[i] - want[i]) / largest;
            assertTrue(err < TOLERANCE, "gradient entry " + i + ": fused " + gradient[i] + ", float64 " + want[i]
                    + " (error " + err + " of the largest entry " + largest + ")");
        }
    }

    private static INDArray doubles(float[] values, int rows, int cols) {
        double[] d = new double[rows * cols];
        for (int i = 0; i < d.length; i++) {
            d[i] = values[i];
        }
        return Nd4j.create(d, new long[] {rows, cols}, 'c');
    }

    @Test
    void theVectorImplementationIsChosenWhenTheJvmHasTheModule() {
        // the build runs every JVM with --add-modules jdk.incubator.vector (surefire's argLine): the fast path is
        // the one under test, and a JVM without the module gets the plain loops
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        assertTrue(module, "the test JVM should run with --add-modules jdk.incubator.vector");
        assertInstanceOf(VectorElementwise.class, Elementwise.best());
    }

    @Test
    void deepEncodersAndTheRandomProjectionAreNotSupported() {
        CdaeConfig base = config(Activation.SIGMOID, true, 0.1, OutputActivation.SIGMOID, ReconstructionLoss.MSE);
        CdaeConfig deep = new CdaeConfig(D, List.of(N, 5), base.activation(), true, base.outputActivation(),
                base.reconstructionLoss(), 0.1, ContractiveEstimator.EXACT, 4, CorruptionType.NONE, 0.0,
                OptimiserType.ADAM, 1e-3, 0.9, 8, 1, 7L);
        CdaeConfig projected = new CdaeConfig(D, List.of(N), base.activation(), true, base.outputActivation(),
                base.reconstructionLoss(), 0.1, ContractiveEstimator.RANDOM_PROJECTION, 4, CorruptionType.NONE, 0.0,
                OptimiserType.ADAM, 1e-3, 0.9, 8, 1, 7L);
        assertTrue(OneLayerKernel.supports(base));
        assertTrue(!OneLayerKernel.supports(deep) && !OneLayerKernel.supports(projected));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new OneLayerKernel(deep, 8, 1));
        assertTrue(e.getMessage().contains("encoder-widths [11, 5]"), e.getMessage());
        OneLayerKernel kernel = new OneLayerKernel(base, 8, 1);
        float[] p = new float[kernel.parameterCount()];
        IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
                () -> kernel.evaluate(p, new float[9 * D], new float[9 * D], 9, p.clone()));
        assertEquals("expected a minibatch of 1 to 8 rows, found 9", rows.getMessage());
    }
}
