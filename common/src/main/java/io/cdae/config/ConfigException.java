package io.cdae.config;

/** An invalid configuration value: names the key, the value found and what is allowed. */
public final class ConfigException extends IllegalArgumentException {
    private final String key;

    public ConfigException(String key, Object found, String expected) {
        super("invalid value for '" + key + "': " + (found == null ? "(missing)" : "'" + found + "'")
                + "; expected " + expected);
        this.key = key;
    }

    public ConfigException(String key, String message) {
        super("'" + key + "': " + message);
        this.key = key;
    }

    /** The configuration key at fault. */
    public String key() {
        return key;
    }
}
