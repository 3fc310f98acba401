package io.cdae.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Per-record reconstruction loss: squared error, or binary cross-entropy for data in [0,1]. */
public enum ReconstructionLoss {
    MSE, BCE;

    @JsonValue
    public String key() {
        return ConfigEnums.key(this);
    }

    @JsonCreator
    public static ReconstructionLoss parse(String text) {
        return ConfigEnums.parse(ReconstructionLoss.class, "reconstruction-loss", text);
    }
}
