package io.cdae.io;

import io.cdae.config.CdaeConfig;
import io.cdae.model.CdaeNetwork;
import io.cdae.model.CdaeObjective;
import io.cdae.model.CdaeParameters;
import io.cdae.score.Calibration;
import io.cdae.score.CodeSpace;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * A trained CDAE as it is stored and scored: config, flat parameters, normaliser, optionally the optimiser
 * state and counters (for resuming training), and provenance metadata. Needs no Spark.
 *
 * @param updaterState flat DL4J updater state, or null when not kept
 * @param iterations   optimiser steps taken so far (Adam's bias correction depends on it)
 * @param epochs       completed epochs
 * @param metadata     provenance: input path, rows, seed, versions, ...
 * @param calibration  the anomaly threshold calibrated on held-out rows, or null when not calibrated
 * @param codeSpace    reference codes and code statistics of the code-space anomaly scores, or null
 */
public record CdaeModel(CdaeConfig config, INDArray parameters, Normaliser normaliser, INDArray updaterState,
                        int iterations, int epochs, Map<String, String> metadata, Calibration calibration,
                        CodeSpace codeSpace) {

    /** A model without a code space. */
    public CdaeModel(CdaeConfig config, INDArray parameters, Normaliser normaliser, INDArray updaterState,
                     int iterations, int epochs, Map<String, String> metadata, Calibration calibration) {
        this(config, parameters, normaliser, updaterState, iterations, epochs, metadata, calibration, null);
    }

    /** A model without calibration. */
    public CdaeModel(CdaeConfig config, INDArray parameters, Normaliser normaliser, INDArray updaterState,
                     int iterations, int epochs, Map<String, String> metadata) {
        this(config, parameters, normaliser, updaterState, iterations, epochs, metadata, null, null);
    }

    public CdaeModel {
        metadata = Map.copyOf(metadata);
        CdaeParameters.view(config, parameters);
        if (normaliser.width() != config.inputWidth()) {
            throw new IllegalArgumentException("normaliser has " + normaliser.width()
                    + " features but the model's input-width is " + config.inputWidth());
        }
        int code = config.width(config.depth());
        if (codeSpace != null && codeSpace.width() != code) {
            throw new IllegalArgumentException("code space of width " + codeSpace.width()
                    + " but the model's code width is " + code);
        }
    }

    /** Captures a network's parameters, updater state and counters (copies, not views). */
    public static CdaeModel of(MultiLayerNetwork net, CdaeConfig config, Normaliser normaliser,
                               Map<String, String> metadata) {
        INDArray state = net.getUpdater() == null || net.getUpdater().getStateViewArray() == null ? null
                : net.getUpdater().getStateViewArray().dup();
        return new CdaeModel(config, net.params().dup(), normaliser, state, net.getIterationCount(),
                net.getEpochCount(), metadata);
    }

    /** A network with these parameters, updater state and counters, in the given type, ready to train on. */
    public MultiLayerNetwork network(DataType dataType) {
        MultiLayerNetwork net = CdaeNetwork.create(config, dataType);
        net.setParams(parameters.castTo(dataType));
        if (updaterState != null) {
            net.getUpdater().getStateViewArray().assign(updaterState.castTo(dataType));
        }
        net.setIterationCount(iterations);
        net.setEpochCount(epochs);
        return net;
    }

    /** This model with the given calibration. */
    public CdaeModel withCalibration(Calibration c) {
        return new CdaeModel(config, parameters, normaliser, updaterState, iterations, epochs, metadata, c, codeSpace);
    }

    /** This model with the given code space. */
    public CdaeModel withCodeSpace(CodeSpace c) {
        return new CdaeModel(config, parameters, normaliser, updaterState, iterations, epochs, metadata, calibration, c);
    }

    /** This model with the given metadata. */
    public CdaeModel withMetadata(Map<String, String> m) {
        return new CdaeModel(config, parameters, normaliser, updaterState, iterations, epochs, m, calibration,
                codeSpace);
    }

    /**
     * The code pre-activations z_L of raw (un-normalised) rows, [n, h], in the model's data type: the points of
     * the code space ({@link CodeSpace}).
     */
    public INDArray codePoints(INDArray rawRows) {
        INDArray x = normaliser.apply(rawRows.castTo(parameters.dataType()));
        return new CdaeObjective(config).codePreActivation(views(), x);
    }

    /** True when no parameter is NaN or infinite. */
    public boolean isFinite() {
        for (double d : parameters.castTo(DataType.DOUBLE).toDoubleVector()) {
            if (!Double.isFinite(d)) {
                return false;
            }
        }
        return true;
    }

    /** Named views of the parameters. */
    public CdaeParameters views() {
        return CdaeParameters.view(config, parameters);
    }

    /** Per-row reconstruction error and contractive penalty of raw (un-normalised) rows. */
    public CdaeObjective.RowTerms score(INDArray rawRows) {
        INDArray x = normaliser.apply(rawRows.castTo(parameters.dataType()));
        return new CdaeObjective(config).rowTerms(views(), x, config.seed());
    }
}
