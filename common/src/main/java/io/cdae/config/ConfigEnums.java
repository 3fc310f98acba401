package io.cdae.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Text form of the configuration enums: lower-case, dashes for underscores, parsed case-insensitively. */
final class ConfigEnums {
    private ConfigEnums() {
    }

    static String key(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static <E extends Enum<E>> E parse(Class<E> type, String field, String text) {
        if (text != null) {
            String wanted = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            for (E e : type.getEnumConstants()) {
                if (e.name().equals(wanted)) {
                    return e;
                }
            }
        }
        String allowed = Arrays.stream(type.getEnumConstants()).map(ConfigEnums::key)
                .collect(Collectors.joining(", "));
        throw new ConfigException(field, text, "one of " + allowed);
    }
}
