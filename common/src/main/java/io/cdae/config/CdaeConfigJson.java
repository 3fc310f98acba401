package io.cdae.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

/** JSON form of {@link CdaeConfig}: unknown keys are errors, validation errors keep their key. */
public final class CdaeConfigJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private CdaeConfigJson() {
    }

    /** The shared, configured mapper (thread-safe once configured). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String toJson(CdaeConfig config) {
        try {
            return MAPPER.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write config as JSON", e);
        }
    }

    public static CdaeConfig fromJson(String json) {
        try {
            return fromTree(MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw new ConfigException("config", "is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** Reads a config from a JSON tree, turning Jackson's errors into {@link ConfigException}s that name the key. */
    public static CdaeConfig fromTree(JsonNode tree) {
        try {
            return MAPPER.treeToValue(tree, CdaeConfig.class);
        } catch (ValueInstantiationException e) {
            if (e.getCause() instanceof ConfigException ce) {
                throw ce;
            }
            throw new ConfigException("config", e.getOriginalMessage());
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(e.getPropertyName(), "unknown key; known keys: " + e.getKnownPropertyIds());
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof ConfigException ce) {
                throw ce;
            }
            String key = e instanceof com.fasterxml.jackson.databind.JsonMappingException jme && !jme.getPath().isEmpty()
                    ? jme.getPath().get(0).getFieldName() : "config";
            throw new ConfigException(key, e.getOriginalMessage());
        }
    }
}
