package io.cdae.model;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.function.DoubleSupplier;

/**
 * Finite differences in float64, the independent reference for every hand-derived gradient: the five-point
 * central stencil f'(x) = [-f(x+2e) + 8f(x+e) - 8f(x-e) + f(x-2e)] / 12e with e = {@value #EPSILON}, whose
 * truncation error is O(e^4) (about 1e-16 here) and whose round-off is about 1e-12 absolute.
 */
final class GradientCheck {
    /** Step of the finite differences. */
    static final double EPSILON = 1e-4;
    /**
     * Entries whose analytic and numeric values are both below this magnitude are compared absolutely
     * (against {@link #MAX_ABS_ERROR}): their relative error is dominated by the stencil's round-off.
     */
    static final double MIN_ABS = 1e-4;
    /** Absolute tolerance for entries below {@link #MIN_ABS}. */
    static final double MAX_ABS_ERROR = 1e-10;

    private GradientCheck() {
    }

    /** dLoss/dparams by central differences: perturbs each entry of {@code params} in place and restores it. */
    static double[] numeric(INDArray params, DoubleSupplier loss) {
        INDArray flat = params.reshape(params.length());
        double[] out = new double[(int) flat.length()];
        for (int i = 0; i < out.length; i++) {
            double orig = flat.getDouble(i);
            double[] f = new double[4];
            double[] steps = {2 * EPSILON, EPSILON, -EPSILON, -2 * EPSILON};
            for (int s = 0; s < 4; s++) {
                flat.putScalar(i, orig + steps[s]);
                f[s] = loss.getAsDouble();
            }
            flat.putScalar(i, orig);
            out[i] = (-f[0] + 8 * f[1] - 8 * f[2] + f[3]) / (12 * EPSILON);
        }
        return out;
    }

    /** max over entries of |a - n| / max(|a|, |n|), over the entries of magnitude >= {@link #MIN_ABS}. */
    static double maxRelativeError(double[] analytic, double[] numeric) {
        double worst = 0;
        for (int i = 0; i < analytic.length; i++) {
            double scale = Math.max(Math.abs(analytic[i]), Math.abs(numeric[i]));
            if (scale >= MIN_ABS) {
                worst = Math.max(worst, Math.abs(analytic[i] - numeric[i]) / scale);
            }
        }
        return worst;
    }

    /** max over entries of |a - n|, over the entries of magnitude below {@link #MIN_ABS}. */
    static double maxAbsoluteErrorOfSmallEntries(double[] analytic, double[] numeric) {
        double worst = 0;
        for (int i = 0; i < analytic.length; i++) {
            if (Math.max(Math.abs(analytic[i]), Math.abs(numeric[i])) < MIN_ABS) {
                worst = Math.max(worst, Math.abs(analytic[i] - numeric[i]));
            }
        }
        return worst;
    }

    /** Asserts both error bounds, with a message naming the worst errors. */
    static void assertClose(double[] analytic, double[] numeric, double relTolerance) {
        double rel = maxRelativeError(analytic, numeric);
        double abs = maxAbsoluteErrorOfSmallEntries(analytic, numeric);
        org.junit.jupiter.api.Assertions.assertTrue(rel < relTolerance && abs < MAX_ABS_ERROR,
                "max relative error " + rel + " (tolerance " + relTolerance + "), max absolute error of small entries "
                        + abs + " (tolerance " + MAX_ABS_ERROR + ")");
    }
}
