package io.cdae.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CdaeConfigTest {

    @Test
    void roundTripsThroughJson() {
        CdaeConfig c = new CdaeConfig(10, List.of(8, 4), Activation.TANH, false, OutputActivation.LINEAR,
                ReconstructionLoss.MSE, 0.5, ContractiveEstimator.RANDOM_PROJECTION, 3, CorruptionType.SALT_AND_PEPPER,
                0.1, OptimiserType.SGD, 0.01, 0.8, 32, 7, -5L);
        String json = CdaeConfigJson.toJson(c);
        assertTrue(json.contains("\"corruption\" : \"salt-and-pepper\""), json);
        assertEquals(c, CdaeConfigJson.fromJson(json));
        assertEquals(CdaeConfig.defaults(784), CdaeConfigJson.fromJson(CdaeConfigJson.toJson(CdaeConfig.defaults(784))));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
            "input-width | 0 | an integer >= 1",
            "encoder-widths | [] | non-empty",
            "encoder-widths | [4, 0] | every width >= 1",
            "activation | swish | one of linear, sigmoid, tanh, relu",
            "contractive-weight | -0.1 | a finite number >= 0",
            "projections | 0 | an integer >= 1",
            "corruption | blur | one of none, gaussian, masking, salt-and-pepper",
            "corruption-level | 1.0 | a fraction in [0, 1)",
            "learning-rate | 0 | a finite number > 0",
            "momentum | 1.0 | a number in [0, 1)",
            "batch-size | 0 | an integer >= 1",
            "epochs | -3 | an integer >= 1",
            "optimiser | lbfgs | one of adam, sgd",
            "output-activation | tanh | one of linear, sigmoid",
    })
    void invalidValueNamesTheKeyTheValueAndTheAllowedRange(String key, String value, String expected) throws Exception {
        ObjectNode tree = CdaeConfigJson.mapper().valueToTree(CdaeConfig.defaults(784));
        tree.set(key, CdaeConfigJson.mapper().readTree(value.startsWith("[") ? value : quoteIfText(value)));
        ConfigException e = assertThrows(ConfigException.class, () -> CdaeConfigJson.fromTree(tree));
        assertEquals(key, e.key());
        assertTrue(e.getMessage().contains(key) && e.getMessage().contains(expected), e.getMessage());
    }

    private static String quoteIfText(String v) {
        return v.matches("-?[0-9.]+") ? v : "\"" + v + "\"";
    }

    @Test
    void unknownKeyIsAnErrorThatNamesIt() {
        ObjectNode tree = CdaeConfigJson.mapper().valueToTree(CdaeConfig.defaults(784));
        tree.put("learning-rat", 0.1);
        ConfigException e = assertThrows(ConfigException.class, () -> CdaeConfigJson.fromTree(tree));
        assertEquals("learning-rat", e.key());
        assertTrue(e.getMessage().contains("unknown key"), e.getMessage());
    }

    @Test
    void crossEntropyNeedsASigmoidOutput() {
        ObjectNode tree = CdaeConfigJson.mapper().valueToTree(CdaeConfig.defaults(784));
        tree.put("reconstruction-loss", "bce");
        tree.put("output-activation", "linear");
        ConfigException e = assertThrows(ConfigException.class, () -> CdaeConfigJson.fromTree(tree));
        assertEquals("reconstruction-loss", e.key());
    }
}
