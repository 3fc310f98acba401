package io.cdae.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How ||J_f||_F^2 is computed: exactly, or by an unbiased random-projection estimate. */
public enum ContractiveEstimator {
    EXACT, RANDOM_PROJECTION;

    @JsonValue
    public String key() {
        return ConfigEnums.key(this);
    }

    @JsonCreator
    public static ContractiveEstimator parse(String text) {
        return ConfigEnums.parse(ContractiveEstimator.class, "contractive-estimator", text);
    }
}
