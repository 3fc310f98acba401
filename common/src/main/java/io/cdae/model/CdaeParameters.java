package io.cdae.model;

import io.cdae.config.CdaeConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named views of a CDAE's parameters (or of a gradient with the same layout) into one flat vector, as laid
 * out by {@link ParameterLayout}. Writing through a view writes the flat vector, which is how the
 * parameters live inside a DL4J network and how Spark ships them.
 */
public final class CdaeParameters {
    private final CdaeConfig config;
    private final INDArray flat;
    private final Map<String, INDArray> views;

    private CdaeParameters(CdaeConfig config, INDArray flat, Map<String, INDArray> views) {
        this.config = config;
        this.flat = flat;
        this.views = views;
    }

    /** Views into {@code flat}, a vector ([n] or [1, n]) of exactly the layout's length. */
    public static CdaeParameters view(CdaeConfig config, INDArray flat) {
        ParameterLayout layout = new ParameterLayout(config);
        if (flat.length() != layout.length() || !flat.isVectorOrScalar()) {
            throw new IllegalArgumentException("expected a parameter vector of length " + layout.length()
                    + " for this config, found shape " + java.util.Arrays.toString(flat.shape()));
        }
        INDArray row = flat.reshape(1, flat.length());
        Map<String, INDArray> views = new LinkedHashMap<>();
        for (ParameterLayout.Block b : layout.blocks()) {
            INDArray v = row.get(NDArrayIndex.point(0), NDArrayIndex.interval(b.offset(), b.offset() + b.length()))
                    .reshape('c', b.rows(), b.cols());
            views.put(b.key(), v);
        }
        return new CdaeParameters(config, flat, views);
    }

    public CdaeConfig config() {
        return config;
    }

    /** The flat vector all views point into. */
    public INDArray flat() {
        return flat;
    }

    /** Every view by key, in layout order. */
    public Map<String, INDArray> views() {
        return views;
    }

    /** Encoder weights of layer l (1-based), [width(l-1), width(l)]. */
    public INDArray encoderWeight(int l) {
        return views.get(ParameterLayout.encoderWeightKey(l));
    }

    public INDArray encoderBias(int l) {
        return views.get(ParameterLayout.encoderBiasKey(l));
    }

    /** Decoder weights of layer k (1-based from the code), or null when weights are tied. */
    public INDArray decoderWeight(int k) {
        return views.get(ParameterLayout.decoderWeightKey(k));
    }

    public INDArray decoderBias(int k) {
        return views.get(ParameterLayout.decoderBiasKey(k));
    }

    /** u V_k for decoder layer k: one GEMM, the tied encoder weights used transposed in place. */
    public INDArray decode(INDArray u, int k) {
        return config.tiedWeights() ? Gemm.mul(u, false, tiedWeight(k), true) : Gemm.mul(u, decoderWeight(k));
    }

    /** dv V_k^T, the error of decoder layer k's input. */
    public INDArray decodeBack(INDArray dv, int k) {
        return config.tiedWeights() ? Gemm.mul(dv, tiedWeight(k)) : Gemm.mul(dv, false, decoderWeight(k), true);
    }

    /** The encoder weights tied to decoder layer k. */
    private INDArray tiedWeight(int k) {
        return encoderWeight(config.depth() - k + 1);
    }
}
