package io.cdae.backend;

/**
 * Whether the project's hot loops use the incubating Java Vector API ({@code jdk.incubator.vector}): only when the
 * JVM runs with {@code --add-modules jdk.incubator.vector} (the build, the launchers and
 * {@code conf/spark-defaults.conf} pass it), on x86-64, where JDK 17 compiles its operations to AVX instructions
 * and its exp, log1p and tanh to the JDK's SVML routines, with vectors of at least 256 bits. Elsewhere (another
 * architecture, where some operations fall back to slow Java code, or a JVM without the module) the same loops run
 * as plain Java. {@code -Dcdae.vector=false} turns it off.
 */
public final class VectorApi {
    private static final boolean USABLE = check();

    private VectorApi() {
    }

    /** True when code may load classes that use the Vector API and expect them to be fast. */
    public static boolean usable() {
        return USABLE;
    }

    private static boolean check() {
        String arch = System.getProperty("os.arch", "");
        if (!(arch.equals("amd64") || arch.equals("x86_64")) || !Boolean.parseBoolean(System.getProperty("cdae.vector", "true"))
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false;
        }
        try {
            return WideVectors.available();
        } catch (LinkageError e) {
            return false;
        }
    }

    /** Loaded only when the module is present. */
    private static final class WideVectors {
        static boolean available() {
            return jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
        }
    }
}
