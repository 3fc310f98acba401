package io.cdae.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Activation of the decoder's last layer. */
public enum OutputActivation {
    LINEAR, SIGMOID;

    /** The element-wise function this output activation applies. */
    public Activation function() {
        return this == LINEAR ? Activation.LINEAR : Activation.SIGMOID;
    }

    @JsonValue
    public String key() {
        return ConfigEnums.key(this);
    }

    @JsonCreator
    public static OutputActivation parse(String text) {
        return ConfigEnums.parse(OutputActivation.class, "output-activation", text);
    }
}
