package io.cdae.spark.score;

import io.cdae.config.CdaeConfig;
import io.cdae.io.CdaeModel;
import io.cdae.io.Normaliser;
import io.cdae.score.Calibration;
import io.cdae.score.CodeSpace;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A model as it travels to executors: plain Java values (Spark closes broadcast INDArrays when it cleans a
 * broadcast up, so none is broadcast). Each executor JVM rebuilds the {@link CdaeModel} once per payload.
 */
public final class ModelPayload implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Map<String, CdaeModel> CACHE = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();
    private final CdaeConfig config;
    private final double[] parameters;
    private final String dataType;
    private final Normaliser normaliser;
    private final Calibration calibration;
    private final Map<String, String> metadata;
    /** The code space's k and its arrays in NumPy format (type and shape kept), or null. */
    private final int codeK;
    private final byte[][] codeArrays;

    public ModelPayload(CdaeModel model) {
        this.config = model.config();
        this.parameters = model.parameters().castTo(DataType.DOUBLE).toDoubleVector();
        this.dataType = model.parameters().dataType().name();
        this.normaliser = model.normaliser();
        this.calibration = model.calibration();
        this.metadata = Map.copyOf(model.metadata());
        CodeSpace codes = model.codeSpace();
        this.codeK = codes == null ? 0 : codes.k();
        this.codeArrays = codes == null ? null : new byte[][] {npy(codes.reference()), npy(codes.mean()),
                npy(codes.precision())};
    }

    /** The model (built once per JVM and payload). */
    public CdaeModel model() {
        return CACHE.computeIfAbsent(id, k -> new CdaeModel(config,
                Nd4j.createFromArray(parameters).castTo(DataType.valueOf(dataType)).reshape(1, parameters.length),
                normaliser, null, 0, 0, metadata, calibration, codeArrays == null ? null
                : new CodeSpace(codeK, fromNpy(codeArrays[0]), fromNpy(codeArrays[1]), fromNpy(codeArrays[2]))));
    }

    private static byte[] npy(org.nd4j.linalg.api.ndarray.INDArray a) {
        return Nd4j.toNpyByteArray(a);
    }

    private static org.nd4j.linalg.api.ndarray.INDArray fromNpy(byte[] bytes) {
        return Nd4j.createNpyFromByteArray(bytes).dup();
    }
}
