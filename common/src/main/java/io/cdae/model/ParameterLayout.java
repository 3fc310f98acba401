package io.cdae.model;

import io.cdae.config.CdaeConfig;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The order, names and shapes of a CDAE's parameters inside one flat vector.
 *
 * <p>Encoder layer {@code l} (1-based, input side first) has weights {@code eW<l>} of shape
 * [width(l-1), width(l)] and bias {@code eb<l>} of shape [1, width(l)]. Decoder layer {@code k} (1-based,
 * code side first) maps width(L-k+1) to width(L-k) with weights {@code dW<k>} (absent when weights are tied:
 * the decoder then uses the transposed {@code eW<L-k+1>}) and bias {@code db<k>}. Entries are row-major.
 */
public final class ParameterLayout {

    /** One named block of the flat vector. */
    public record Block(String key, long offset, long rows, long cols, boolean bias) {
        public long length() {
            return rows * cols;
        }
    }

    private final List<Block> blocks;
    private final long length;

    public ParameterLayout(CdaeConfig config) {
        List<Block> list = new ArrayList<>();
        long offset = 0;
        int depth = config.depth();
        for (int l = 1; l <= depth; l++) {
            offset = add(list, encoderWeightKey(l), offset, config.width(l - 1), config.width(l), false);
            offset = add(list, encoderBiasKey(l), offset, 1, config.width(l), true);
        }
        for (int k = 1; k <= depth; k++) {
            int in = config.width(depth - k + 1);
            int out = config.width(depth - k);
            if (!config.tiedWeights()) {
                offset = add(list, decoderWeightKey(k), offset, in, out, false);
            }
            offset = add(list, decoderBiasKey(k), offset, 1, out, true);
        }
        this.blocks = Collections.unmodifiableList(list);
        this.length = offset;
    }

    private static long add(List<Block> list, String key, long offset, long rows, long cols, boolean bias) {
        list.add(new Block(key, offset, rows, cols, bias));
        return offset + rows * cols;
    }

    public List<Block> blocks() {
        return blocks;
    }

    /** Total number of parameters. */
    public long length() {
        return length;
    }

    public static String encoderWeightKey(int l) {
        return "eW" + l;
    }

    public static String encoderBiasKey(int l) {
        return "eb" + l;
    }

    public static String decoderWeightKey(int k) {
        return "dW" + k;
    }

    public static String decoderBiasKey(int k) {
        return "db" + k;
    }
}
