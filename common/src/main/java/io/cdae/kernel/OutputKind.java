package io.cdae.kernel;

import io.cdae.config.CdaeConfig;
import io.cdae.config.OutputActivation;
import io.cdae.config.ReconstructionLoss;

/** The output activation and reconstruction loss together: they fuse into one pass over the output. */
enum OutputKind {
    /** y = o, loss (y - x)^2, dL/do = 2 (y - x). */
    LINEAR_MSE,
    /** y = s(o), loss (y - x)^2, dL/do = 2 (y - x) y (1 - y). */
    SIGMOID_MSE,
    /** y = s(o), loss softplus(o) - x o, dL/do = y - x. */
    SIGMOID_BCE;

    static OutputKind of(CdaeConfig config) {
        if (config.reconstructionLoss() == ReconstructionLoss.BCE) {
            return SIGMOID_BCE;
        }
        return config.outputActivation() == OutputActivation.SIGMOID ? SIGMOID_MSE : LINEAR_MSE;
    }
}
