package io.cdae.model;

import io.cdae.config.Activation;
import io.cdae.config.CdaeConfig;
import io.cdae.config.OutputActivation;
import io.cdae.config.ReconstructionLoss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contractive term against independent computations of ||J_f(x)||_F^2. */
class ContractivePenaltyTest {

    static Stream<Arguments> encoders() {
        List<Arguments> cases = new ArrayList<>();
        for (List<Integer> widths : List.of(List.of(4), List.of(5, 4, 3))) {
            for (Activation act : Activation.values()) {
                cases.add(Arguments.of(widths, act));
            }
        }
        return cases.stream();
    }

    /** ||J||_F^2 of row {@code row} by central differences of the encoder, column by column (float64). */
    private static double bruteForceJacobianNorm(CdaeObjective objective, CdaeParameters p, INDArray x, int row) {
        double eps = 1e-5;
        INDArray x0 = x.getRow(row, true).dup();
        double sum = 0;
        for (int i = 0; i < x0.columns(); i++) {
            INDArray plus = x0.dup();
            plus.putScalar(0, i, x0.getDouble(0, i) + eps);
            INDArray minus = x0.dup();
            minus.putScalar(0, i, x0.getDouble(0, i) - eps);
            INDArray column = objective.encode(p, plus).sub(objective.encode(p, minus)).divi(2 * eps);
            sum += column.mul(column).sumNumber().doubleValue();
        }
        return sum;
    }

    @ParameterizedTest(name = "widths={0} {1}")
    @MethodSource("encoders")
    void exactTermEqualsBruteForceJacobian(List<Integer> widths, Activation act) {
        CdaeConfig config = RandomNets.config(6, widths, act, false, OutputActivation.SIGMOID, ReconstructionLoss.MSE, 1.0);
        CdaeParameters p = RandomNets.parameters(config, 21, 1.2);
        INDArray x = RandomNets.uniform(new long[] {4, 6}, 5, -1.0, 1.0);
        CdaeObjective objective = new CdaeObjective(config);
        INDArray exact = ContractivePenalty.exact(p, EncoderPass.run(p, act, x), act, false).perRow();
        double largest = 0;
        for (int r = 0; r < 4; r++) {
            double brute = bruteForceJacobianNorm(objective, p, x, r);
            largest = Math.max(largest, brute);
            assertEquals(brute, exact.getDouble(r), 1e-6 * brute + 1e-12, "row " + r);
        }
        assertTrue(largest > 1e-4, "degenerate case: every Jacobian norm is below 1e-4");
    }

    @Test
    void oneLayerClosedFormEqualsForwardModeJacobianWithItsGradient() {
        CdaeConfig config = RandomNets.config(7, List.of(5), Activation.SIGMOID, true, OutputActivation.SIGMOID,
                ReconstructionLoss.MSE, 1.0);
        CdaeParameters p = RandomNets.parameters(config, 31, 1.0);
        INDArray x = RandomNets.uniform(new long[] {6, 7}, 8, 0.0, 1.0);
        EncoderPass pass = EncoderPass.run(p, Activation.SIGMOID, x);
        ContractivePenalty.Result closed = ContractivePenalty.exact(p, pass, Activation.SIGMOID, true);
        ContractivePenalty.Result forward = ContractivePenalty.exactByJacobian(p, pass, Activation.SIGMOID, true);
        assertArrayClose(forward.perRow(), closed.perRow(), 1e-12);
        assertArrayClose(forward.weightGrad()[1], closed.weightGrad()[1], 1e-12);
        assertArrayClose(forward.preActivationGrad()[1], closed.preActivationGrad()[1], 1e-12);
        // and the hand formula sum_j (h_j (1 - h_j))^2 sum_i W_ij^2 for row 0
        double expected = 0;
        INDArray w = p.encoderWeight(1);
        for (int j = 0; j < 5; j++) {
            double h = pass.a()[1].getDouble(0, j);
            double colNorm = 0;
            for (int i = 0; i < 7; i++) {
                colNorm += w.getDouble(i, j) * w.getDouble(i, j);
            }
            expected += Math.pow(h * (1 - h), 2) * colNorm;
        }
        assertEquals(expected, closed.perRow().getDouble(0), 1e-12 * expected);
    }

    @ParameterizedTest(name = "widths={0}")
    @MethodSource("depths")
    void randomProjectionIsUnbiased(List<Integer> widths) {
        CdaeConfig config = RandomNets.config(6, widths, Activation.TANH, false, OutputActivation.LINEAR,
                ReconstructionLoss.MSE, 1.0);
        CdaeParameters p = RandomNets.parameters(config, 41, 1.0);
        INDArray x = RandomNets.uniform(new long[] {3, 6}, 9, -1.0, 1.0);
        EncoderPass pass = EncoderPass.run(p, Activation.TANH, x);
        INDArray exact = ContractivePenalty.exact(p, pass, Activation.TANH, false).perRow();
        int draws = 400;
        double[][] estimates = new double[3][draws];
        for (int s = 0; s < draws; s++) {
            INDArray est = ContractivePenalty.randomProjection(p, pass, Activation.TANH, 2, 1000L + s, false).perRow();
            for (int r = 0; r < 3; r++) {
                estimates[r][s] = est.getDouble(r);
            }
        }
        for (int r = 0; r < 3; r++) {
            double mean = java.util.Arrays.stream(estimates[r]).average().orElseThrow();
            double var = java.util.Arrays.stream(estimates[r]).map(v -> (v - mean) * (v - mean)).sum() / (draws - 1);
            double se = Math.sqrt(var / draws);
            assertTrue(se > 0, "estimate has no spread");
            assertTrue(Math.abs(mean - exact.getDouble(r)) < 3 * se,
                    "row " + r + ": mean estimate " + mean + " vs exact " + exact.getDouble(r) + " (se " + se + ")");
        }
    }

    static Stream<List<Integer>> depths() {
        return Stream.of(List.of(4), List.of(5, 4, 3));
    }

    private static void assertArrayClose(INDArray expected, INDArray actual, double relTol) {
        double[] e = expected.dup().data().asDouble();
        double[] a = actual.dup().data().asDouble();
        assertEquals(e.length, a.length);
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], relTol * Math.max(1e-3, Math.abs(e[i])), "entry " + i);
        }
    }
}
