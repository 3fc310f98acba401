package io.cdae.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Optimiser: Adam, or stochastic gradient descent (Nesterov momentum when momentum > 0). */
public enum OptimiserType {
    ADAM, SGD;

    @JsonValue
    public String key() {
        return ConfigEnums.key(this);
    }

    @JsonCreator
    public static OptimiserType parse(String text) {
        return ConfigEnums.parse(OptimiserType.class, "optimiser", text);
    }
}
