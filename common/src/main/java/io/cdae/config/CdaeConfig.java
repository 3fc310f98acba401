package io.cdae.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * Immutable, validated configuration of one contractive denoising autoencoder and its training.
 *
 * <p>Every component is documented under its text key (the {@link JsonProperty} name), which is also
 * the key of {@code conf/cdae-defaults.conf} and of {@code --set key=value}. The compact constructor
 * rejects every invalid value with a {@link ConfigException} naming the key, the value and the allowed
 * range, so an instance that exists is valid.
 *
 * @param inputWidth          number of input features d
 * @param encoderWidths       widths of the encoder layers, input side first; the last is the code width
 * @param activation          activation of every hidden layer (encoder, and decoder but its last layer)
 * @param tiedWeights         decoder weights are the transposed encoder weights (Rifai et al. 2011)
 * @param outputActivation    activation of the decoder's last layer
 * @param reconstructionLoss  per-record reconstruction loss
 * @param contractiveWeight   lambda, the weight of ||J_f(x~)||_F^2
 * @param contractiveEstimator exact Jacobian norm or its random-projection estimate
 * @param projections         number k of random projections for the estimate
 * @param corruption          corruption process applied to the clean input
 * @param corruptionLevel     sigma for Gaussian noise; fraction of entries for masking and salt-and-pepper
 * @param optimiser           optimiser
 * @param learningRate        learning rate
 * @param momentum            momentum of SGD (Nesterov); ignored by Adam
 * @param batchSize           minibatch size (per worker in distributed training)
 * @param epochs              passes over the training data
 * @param seed                master seed; every random draw derives from it
 */
@JsonPropertyOrder(alphabetic = false)
public record CdaeConfig(
        @JsonProperty("input-width") int inputWidth,
        @JsonProperty("encoder-widths") List<Integer> encoderWidths,
        @JsonProperty("activation") Activation activation,
        @JsonProperty("tied-weights") boolean tiedWeights,
        @JsonProperty("output-activation") OutputActivation outputActivation,
        @JsonProperty("reconstruction-loss") ReconstructionLoss reconstructionLoss,
        @JsonProperty("contractive-weight") double contractiveWeight,
        @JsonProperty("contractive-estimator") ContractiveEstimator contractiveEstimator,
        @JsonProperty("projections") int projections,
        @JsonProperty("corruption") CorruptionType corruption,
        @JsonProperty("corruption-level") double corruptionLevel,
        @JsonProperty("optimiser") OptimiserType optimiser,
        @JsonProperty("learning-rate") double learningRate,
        @JsonProperty("momentum") double momentum,
        @JsonProperty("batch-size") int batchSize,
        @JsonProperty("epochs") int epochs,
        @JsonProperty("seed") long seed) implements java.io.Serializable {

    public CdaeConfig {
        atLeast("input-width", inputWidth, 1);
        if (encoderWidths == null || encoderWidths.isEmpty()) {
            throw new ConfigException("encoder-widths", encoderWidths, "a non-empty list of layer widths, e.g. [64]");
        }
        encoderWidths = List.copyOf(encoderWidths);
        for (int w : encoderWidths) {
            if (w < 1) {
                throw new ConfigException("encoder-widths", encoderWidths, "every width >= 1");
            }
        }
        required("activation", activation);
        required("output-activation", outputActivation);
        required("reconstruction-loss", reconstructionLoss);
        required("contractive-estimator", contractiveEstimator);
        required("corruption", corruption);
        required("optimiser", optimiser);
        if (!(contractiveWeight >= 0) || Double.isInfinite(contractiveWeight)) {
            throw new ConfigException("contractive-weight", contractiveWeight, "a finite number >= 0");
        }
        atLeast("projections", projections, 1);
        checkCorruptionLevel(corruption, corruptionLevel);
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new ConfigException("learning-rate", learningRate, "a finite number > 0");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new ConfigException("momentum", momentum, "a number in [0, 1)");
        }
        atLeast("batch-size", batchSize, 1);
        atLeast("epochs", epochs, 1);
        if (reconstructionLoss == ReconstructionLoss.BCE && outputActivation != OutputActivation.SIGMOID) {
            throw new ConfigException("reconstruction-loss", "bce",
                    "mse, since binary cross-entropy needs output-activation = sigmoid (found "
                            + outputActivation.key() + ")");
        }
    }

    /**
     * The project's defaults for an input of the given width (the values of conf/cdae-defaults.conf, with
     * {@code encoder-widths = auto} resolved by {@link #autoWidth}, and the 20 epochs that {@code epochs = auto}
     * gives data sets of more than {@code min-steps / 20} minibatches per worker).
     */
    public static CdaeConfig defaults(int inputWidth) {
        return new CdaeConfig(inputWidth, List.of(autoWidth(inputWidth)), Activation.SIGMOID, true,
                OutputActivation.LINEAR, ReconstructionLoss.MSE, 0.1, ContractiveEstimator.EXACT, 8,
                CorruptionType.MASKING, 0.2, OptimiserType.ADAM, 1e-3, 0.9, 64, 20, 42L);
    }

    /**
     * The code width of {@code encoder-widths = auto}: one layer of max(32, round(d / 2)) units, at most 512.
     * Half the input width compresses wide inputs; narrow tabular data keeps 32 units, an over-complete code
     * whose neighbourhoods the code-space anomaly scores measure (docs/BENCHMARKS.md).
     */
    public static int autoWidth(int inputWidth) {
        return Math.min(512, Math.max(32, Math.round(inputWidth / 2f)));
    }

    /** Number of encoder layers. */
    public int depth() {
        return encoderWidths.size();
    }

    /** Width of layer {@code l} counted from the input (layer 0 is the input, depth() is the code). */
    public int width(int l) {
        return l == 0 ? inputWidth : encoderWidths.get(l - 1);
    }

    private static void checkCorruptionLevel(CorruptionType corruption, double level) {
        switch (corruption) {
            case NONE -> {
            }
            case GAUSSIAN -> {
                if (!(level >= 0) || Double.isInfinite(level)) {
                    throw new ConfigException("corruption-level", level, "a finite sigma >= 0 for gaussian noise");
                }
            }
            case MASKING, SALT_AND_PEPPER -> {
                if (!(level >= 0 && level < 1)) {
                    throw new ConfigException("corruption-level", level,
                            "a fraction in [0, 1) for " + corruption.key());
                }
            }
        }
    }

    private static void atLeast(String key, long value, long min) {
        if (value < min) {
            throw new ConfigException(key, value, "an integer >= " + min);
        }
    }

    private static void required(String key, Object value) {
        if (value == null) {
            throw new ConfigException(key, null, "a value");
        }
    }
}
