package io.cdae.spark;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Versions of this project and of the libraries it was built with (from a build-filtered resource). */
public final class Versions {
    private static final Properties PROPS = new Properties();

    static {
        try (InputStream in = Versions.class.getClassLoader().getResourceAsStream("cdae-version.properties")) {
            if (in != null) {
                PROPS.load(in);
            }
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Versions() {
    }

    public static String project() {
        return PROPS.getProperty("version", "unknown");
    }

    public static String dl4j() {
        return PROPS.getProperty("dl4j.version", "unknown");
    }
}
