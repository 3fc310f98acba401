package io.cdae.model;

import io.cdae.config.Activation;
import io.cdae.config.CdaeConfig;
import io.cdae.config.OutputActivation;
import io.cdae.config.ReconstructionLoss;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hand-derived gradient of the whole CDAE loss equals five-point finite differences (epsilon = 1e-4, float64)
 * within 1e-6 relative error (entries below 1e-4 within 1e-10 absolute), for depth 1 and 3, every activation, tied and untied weights, lambda = 0 and
 * lambda > 0, and both reconstruction losses.
 */
class CdaeObjectiveGradientTest {
    static final double TOLERANCE = 1e-6;

    static Stream<Arguments> networks() {
        List<Arguments> cases = new ArrayList<>();
        for (List<Integer> widths : List.of(List.of(4), List.of(5, 4, 3))) {
            for (Activation act : Activation.values()) {
                for (boolean tied : new boolean[] {false, true}) {
                    for (double lambda : new double[] {0.0, 0.7}) {
                        cases.add(Arguments.of(widths, act, tied, lambda, ReconstructionLoss.MSE, OutputActivation.LINEAR));
                        cases.add(Arguments.of(widths, act, tied, lambda, ReconstructionLoss.MSE, OutputActivation.SIGMOID));
                        cases.add(Arguments.of(widths, act, tied, lambda, ReconstructionLoss.BCE, OutputActivation.SIGMOID));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "widths={0} {1} tied={2} lambda={3} {4}/{5}")
    @MethodSource("networks")
    void gradientMatchesFiniteDifferences(List<Integer> widths, Activation act, boolean tied, double lambda,
                                          ReconstructionLoss loss, OutputActivation out) {
        CdaeConfig config = RandomNets.config(6, widths, act, tied, out, loss, lambda);
        CdaeParameters p = RandomNets.parameters(config, 11 + widths.size(), 0.9);
        INDArray clean = RandomNets.uniform(new long[] {5, 6}, 3, 0.0, 1.0);
        INDArray corrupted = clean.add(RandomNets.uniform(new long[] {5, 6}, 4, -0.3, 0.3));
        CdaeObjective objective = new CdaeObjective(config);

        CdaeParameters grad = CdaeParameters.view(config, p.flat().ulike());
        LossParts parts = objective.evaluate(p, corrupted, clean, grad, 0L);
        double[] numeric = GradientCheck.numeric(p.flat(),
                () -> objective.evaluate(p, corrupted, clean, null, 0L).total());
        double[] analytic = grad.flat().dup().data().asDouble();

        assertEquals(DataType.DOUBLE, grad.flat().dataType());
        assertTrue(parts.isFinite());
        GradientCheck.assertClose(analytic, numeric, TOLERANCE);
        double norm = 0;
        for (double a : analytic) {
            norm += a * a;
        }
        assertTrue(norm > 1e-6, "gradient is (nearly) zero: the check would be vacuous");
    }
}
