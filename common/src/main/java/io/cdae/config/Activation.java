package io.cdae.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Element-wise activation with the first and second derivatives the contractive penalty needs.
 * Derivatives are expressed through the pre-activation {@code z} and the activation {@code a = s(z)}
 * so that no transcendental function is evaluated twice.
 */
public enum Activation {
    LINEAR, SIGMOID, TANH, RELU;

    /** a = s(z), a new array. */
    public INDArray apply(INDArray z) {
        return switch (this) {
            case LINEAR -> z.dup();
            case SIGMOID -> Transforms.sigmoid(z, true);
            case TANH -> Transforms.tanh(z, true);
            case RELU -> Transforms.relu(z, true);
        };
    }

    /** s'(z), a new array. */
    public INDArray derivative(INDArray z, INDArray a) {
        return switch (this) {
            case LINEAR -> z.ulike().assign(1.0);
            // s' = a(1-a)
            case SIGMOID -> a.rsub(1.0).muli(a);
            // s' = 1 - a^2
            case TANH -> a.mul(a).rsubi(1.0);
            case RELU -> Transforms.step(z, true);
        };
    }

    /** s''(z), a new array; {@code d1} is s'(z) as returned by {@link #derivative}. */
    public INDArray secondDerivative(INDArray z, INDArray a, INDArray d1) {
        return switch (this) {
            case LINEAR, RELU -> z.ulike().assign(0.0);
            // s'' = s'(1 - 2a)
            case SIGMOID -> a.mul(-2.0).addi(1.0).muli(d1);
            // s'' = -2 a s'
            case TANH -> a.mul(-2.0).muli(d1);
        };
    }

    /** True when s'' is zero everywhere it is defined (the penalty then has no path through z). */
    public boolean hasZeroCurvature() {
        return this == LINEAR || this == RELU;
    }

    @JsonValue
    public String key() {
        return ConfigEnums.key(this);
    }

    @JsonCreator
    public static Activation parse(String text) {
        return ConfigEnums.parse(Activation.class, "activation", text);
    }
}
