package io.cdae.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Corruption applied to the clean input before encoding (Vincent et al. 2008). */
public enum CorruptionType {
    NONE, GAUSSIAN, MASKING, SALT_AND_PEPPER;

    @JsonValue
    public String key() {
        return ConfigEnums.key(this);
    }

    @JsonCreator
    public static CorruptionType parse(String text) {
        return ConfigEnums.parse(CorruptionType.class, "corruption", text);
    }
}
