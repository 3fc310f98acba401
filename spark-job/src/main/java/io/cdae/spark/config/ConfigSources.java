package io.cdae.spark.config;

import io.cdae.config.ConfigException;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Merges the layers of configuration: the shipped defaults ({@code conf/cdae-defaults.conf}, on the classpath
 * as {@code cdae-defaults.conf}), then the user's file, then {@code --set key=value} pairs. A key that the
 * defaults do not define is an error in every layer.
 */
public final class ConfigSources {
    public static final String DEFAULTS_RESOURCE = "cdae-defaults.conf";

    private ConfigSources() {
    }

    /** The merged configuration. */
    public static JobConfig load(Path userFile, List<String> sets) {
        Map<String, String> values = defaults();
        if (userFile != null) {
            overlay(values, read(userFile), "config file " + userFile);
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("--set", s, "key=value");
            }
            overrides.put(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
        }
        overlay(values, overrides, "--set");
        return JobConfig.of(values);
    }

    /** The shipped defaults as key/value pairs. */
    public static Map<String, String> defaults() {
        try (InputStream in = ConfigSources.class.getClassLoader().getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the classpath");
            }
            return parse(new java.io.InputStreamReader(in, StandardCharsets.UTF_8), DEFAULTS_RESOURCE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEFAULTS_RESOURCE, e);
        }
    }

    private static Map<String, String> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("--config", file, "an existing configuration file");
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(r, file.toString());
        } catch (IOException e) {
            throw new ConfigException("--config", file, "a readable file (" + e.getMessage() + ")");
        }
    }

    private static Map<String, String> parse(Reader reader, String source) throws IOException {
        Properties p = new Properties();
        p.load(reader);
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) {
            out.put(key.trim(), p.getProperty(key).trim());
        }
        return out;
    }

    private static void overlay(Map<String, String> values, Map<String, String> layer, String source) {
        for (Map.Entry<String, String> e : layer.entrySet()) {
            if (!values.containsKey(e.getKey())) {
                throw new ConfigException(e.getKey(), "unknown key (in " + source + "); see conf/cdae-defaults.conf");
            }
            values.put(e.getKey(), e.getValue());
        }
    }
}
