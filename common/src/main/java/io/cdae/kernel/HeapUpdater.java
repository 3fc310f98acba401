package io.cdae.kernel;

import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * DL4J's updaters as {@link io.cdae.model.CdaeNetwork} configures them (Adam, Nesterov momentum, plain SGD), on
 * Java arrays, with libnd4j's float arithmetic and DL4J's state layout, so that a step here and a step of DL4J's
 * {@code fit} leave the same parameters and state (to float rounding):
 * <ul>
 *   <li>Adam (Kingma and Ba 2015): state [m | v]; m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
 *       p -= alpha_t m / (sqrt(v) + eps) with alpha_t = lr sqrt(1 - b2^t) / (1 - b1^t), t = iteration + 1;</li>
 *   <li>Nesterov momentum: state [v]; v' = mu v - lr g, p -= mu v - (1 + mu) v';</li>
 *   <li>SGD: no state; p -= lr g.</li>
 * </ul>
 * Learning rate and momentum come from the DL4J configuration at each step (a schedule, or a rate the trainer
 * lowered after a divergence, applies as in DL4J).
 */
public final class HeapUpdater {
    private final IUpdater config;

    private HeapUpdater(IUpdater config) {
        this.config = config;
    }

    /** The updater for a DL4J updater configuration; null when it is not one of the three. */
    public static HeapUpdater of(IUpdater config) {
        return config instanceof Adam || config instanceof Nesterovs || config instanceof Sgd
                ? new HeapUpdater(config) : null;
    }

    /** How many state vectors of the parameters' length the updater keeps: 2 (Adam), 1 (Nesterov) or 0. */
    public int stateVectors() {
        return config instanceof Adam ? 2 : config instanceof Nesterovs ? 1 : 0;
    }

    /**
     * One update of the parameters [from, to) by {@code gradient}, at DL4J's {@code iteration} and {@code epoch}
     * counters. {@code state} holds {@link #stateVectors()} arrays of the parameters' length (DL4J's state vector
     * cut into them, in order: Adam's m and v, Nesterov's v); separate arrays let the JIT vectorise the loop.
     * Disjoint ranges may be updated by different threads.
     */
    public void apply(float[] params, float[] gradient, float[][] state, int iteration, int epoch, int from, int to) {
        if (config instanceof Adam adam) {
            adam(adam, params, gradient, state[0], state[1], from, to, iteration, epoch);
        } else if (config instanceof Nesterovs nesterovs) {
            nesterovs(nesterovs, params, gradient, state[0], from, to, iteration, epoch);
        } else {
            float lr = (float) config.getLearningRate(iteration, epoch);
            for (int i = from; i < to; i++) {
                params[i] -= gradient[i] * lr;
            }
        }
    }

    private static void adam(Adam adam, float[] params, float[] gradient, float[] first, float[] second, int from,
                             int to, int iteration, int epoch) {
        float lr = (float) adam.getLearningRate(iteration, epoch);
        float beta1 = (float) adam.getBeta1();
        float beta2 = (float) adam.getBeta2();
        float epsilon = (float) adam.getEpsilon();
        // libnd4j: beta^t in float, alpha_t from it, falling back to epsilon when not finite or zero
        float beta1T = (float) Math.pow(beta1, iteration + 1);
        float beta2T = (float) Math.pow(beta2, iteration + 1);
        float alpha = (float) (lr * (float) Math.sqrt((float) (1.0 - beta2T)) / (1.0 - beta1T));
        if (Float.isNaN(alpha) || Float.isInfinite(alpha) || alpha == 0f) {
            alpha = epsilon;
        }
        float keep1 = 1f - beta1;
        float keep2 = 1f - beta2;
        for (int i = from; i < to; i++) {
            float g = gradient[i];
            float m = beta1 * first[i] + g * keep1;
            float v = beta2 * second[i] + g * g * keep2;
            first[i] = m;
            second[i] = v;
            params[i] -= m * alpha / ((float) Math.sqrt(v) + epsilon);
        }
    }

    private static void nesterovs(Nesterovs nesterovs, float[] params, float[] gradient, float[] state, int from,
                                  int to, int iteration, int epoch) {
        float lr = (float) nesterovs.getLearningRate(iteration, epoch);
        float mu = (float) nesterovs.currentMomentum(iteration, epoch);
        float next = -mu - 1f;
        for (int i = from; i < to; i++) {
            float previous = mu * state[i];
            float v = previous - lr * gradient[i];
            state[i] = v;
            params[i] -= previous + next * v;
        }
    }
}
