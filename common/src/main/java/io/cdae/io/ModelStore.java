package io.cdae.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdae.config.CdaeConfig;
import io.cdae.config.CdaeConfigJson;
import io.cdae.score.Calibration;
import io.cdae.score.CodeSpace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Saves and loads a {@link CdaeModel} as a self-describing directory:
 * <pre>
 *   manifest.json       format, format-version, config, counters, metadata, SHA-256 of every file below
 *   parameters.npy      flat parameter vector (NumPy format, readable outside the JVM)
 *   updater-state.npy   flat optimiser state (only when kept, for resuming)
 *   normaliser.json     per-feature offset and scale
 *   calibration.json    the anomaly threshold calibrated on held-out rows (only when calibrated)
 *   code-reference.npy  [m, h] codes of a reference sample of training rows (code-space scores; format 2)
 *   code-mean.npy       [1, h] their mean
 *   code-precision.npy  [h, h] the inverse of their regularised covariance
 * </pre>
 * Format version 2 added the code space (with its {@code k} in the manifest's {@code code-space}); models of
 * version 1 load unchanged, without one.
 * A save writes a temporary sibling directory and renames it into place, so the final path holds either
 * the previous complete model or the new complete one. A load checks the format, its version, every
 * checksum and the parameter count against the config before it returns.
 */
public final class ModelStore {
    public static final String FORMAT = "cdae-spark-model";
    public static final int FORMAT_VERSION = 2;
    static final String MANIFEST = "manifest.json";
    static final String PARAMETERS = "parameters.npy";
    static final String UPDATER = "updater-state.npy";
    static final String NORMALISER = "normaliser.json";
    static final String CALIBRATION = "calibration.json";
    static final String CODE_REFERENCE = "code-reference.npy";
    static final String CODE_MEAN = "code-mean.npy";
    static final String CODE_PRECISION = "code-precision.npy";

    private static final ObjectMapper MAPPER = CdaeConfigJson.mapper();

    private ModelStore() {
    }

    /** Writes {@code model} to {@code dir} atomically, replacing a previous model there. */
    public static void save(CdaeModel model, Path dir) throws IOException {
        save(model, dir, Map.of());
    }

    /**
     * Writes {@code model} and the given extra files (a report, say; not part of the checksummed model) to
     * {@code dir} atomically, replacing a previous model there.
     */
    public static void save(CdaeModel model, Path dir, Map<String, byte[]> extraFiles) throws IOException {
        if (!model.isFinite()) {
            throw new IllegalStateException("refusing to write a model with NaN or infinite parameters to " + dir);
        }
        Path target = dir.toAbsolutePath().normalize();
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
        Files.createDirectory(tmp);
        try {
            Map<String, String> sums = new LinkedHashMap<>();
            Nd4j.writeAsNumpy(model.parameters(), tmp.resolve(PARAMETERS).toFile());
            sums.put(PARAMETERS, sha256(tmp.resolve(PARAMETERS)));
            if (model.updaterState() != null) {
                Nd4j.writeAsNumpy(model.updaterState(), tmp.resolve(UPDATER).toFile());
                sums.put(UPDATER, sha256(tmp.resolve(UPDATER)));
            }
            MAPPER.writeValue(tmp.resolve(NORMALISER).toFile(), model.normaliser());
            sums.put(NORMALISER, sha256(tmp.resolve(NORMALISER)));
            if (model.calibration() != null) {
                MAPPER.writeValue(tmp.resolve(CALIBRATION).toFile(), model.calibration());
                sums.put(CALIBRATION, sha256(tmp.resolve(CALIBRATION)));
            }
            CodeSpace codes = model.codeSpace();
            if (codes != null) {
                writeNpy(codes.reference(), tmp.resolve(CODE_REFERENCE), sums);
                writeNpy(codes.mean(), tmp.resolve(CODE_MEAN), sums);
                writeNpy(codes.precision(), tmp.resolve(CODE_PRECISION), sums);
            }

            ObjectNode manifest = MAPPER.createObjectNode();
            manifest.put("format", FORMAT);
            manifest.put("format-version", FORMAT_VERSION);
            manifest.set("config", MAPPER.valueToTree(model.config()));
            manifest.put("data-type", model.parameters().dataType().name());
            manifest.put("iterations", model.iterations());
            manifest.put("epochs", model.epochs());
            manifest.set("metadata", MAPPER.valueToTree(new java.util.TreeMap<>(model.metadata())));
            if (codes != null) {
                manifest.putObject("code-space").put("k", codes.k()).put("reference-rows", codes.referenceRows());
            }
            manifest.set("sha256", MAPPER.valueToTree(sums));
            MAPPER.writeValue(tmp.resolve(MANIFEST).toFile(), manifest);
            for (Map.Entry<String, byte[]> extra : extraFiles.entrySet()) {
                Files.write(tmp.resolve(extra.getKey()), extra.getValue());
            }
            replace(tmp, target);
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
    }

    /** Loads and validates the model in {@code dir}. */
    public static CdaeModel load(Path dir) {
        Path manifestPath = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestPath)) {
            throw new ModelFormatException("not a model directory: " + dir + " has no " + MANIFEST);
        }
        JsonNode manifest;
        try {
            manifest = MAPPER.readTree(manifestPath.toFile());
        } catch (IOException e) {
            throw new ModelFormatException("unreadable manifest " + manifestPath + ": " + e.getMessage(), e);
        }
        if (!FORMAT.equals(manifest.path("format").asText())) {
            throw new ModelFormatException(manifestPath + " is not a " + FORMAT + " manifest (format '"
                    + manifest.path("format").asText() + "')");
        }
        int version = manifest.path("format-version").asInt(-1);
        if (version > FORMAT_VERSION) {
            throw new ModelFormatException("model " + dir + " was written in format version " + version
                    + ", newer than this build reads (" + FORMAT_VERSION + "); upgrade cdae-spark to load it");
        }
        if (version < 1) {
            throw new ModelFormatException("model " + dir + " has an invalid format-version " + version);
        }
        JsonNode sums = manifest.path("sha256");
        for (String file : new String[] {PARAMETERS, NORMALISER}) {
            if (!sums.has(file)) {
                throw new ModelFormatException("manifest of " + dir + " lists no checksum for " + file);
            }
        }
        sums.fields().forEachRemaining(e -> verify(dir.resolve(e.getKey()), e.getValue().asText()));
        try {
            CdaeConfig config = CdaeConfigJson.fromTree(manifest.path("config"));
            INDArray params = Nd4j.createFromNpyFile(dir.resolve(PARAMETERS).toFile());
            INDArray updater = sums.has(UPDATER) ? Nd4j.createFromNpyFile(dir.resolve(UPDATER).toFile()) : null;
            Normaliser normaliser = MAPPER.readValue(dir.resolve(NORMALISER).toFile(), Normaliser.class);
            Map<String, String> metadata = new LinkedHashMap<>();
            manifest.path("metadata").fields().forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
            Calibration calibration = sums.has(CALIBRATION) ? calibration(dir.resolve(CALIBRATION)) : null;
            CodeSpace codes = sums.has(CODE_REFERENCE) ? new CodeSpace(manifest.path("code-space").path("k").asInt(0),
                    readNpy(dir, CODE_REFERENCE), readNpy(dir, CODE_MEAN), readNpy(dir, CODE_PRECISION)) : null;
            return new CdaeModel(config, params, normaliser, updater, manifest.path("iterations").asInt(0),
                    manifest.path("epochs").asInt(0), metadata, calibration, codes);
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelFormatException("invalid model in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The calibration; format version 1 wrote no combined-scale (its scores did not exist). */
    private static Calibration calibration(Path file) throws IOException {
        ObjectNode tree = (ObjectNode) MAPPER.readTree(file.toFile());
        if (!tree.has("combined-scale")) {
            tree.putNull("combined-scale");
        }
        return MAPPER.treeToValue(tree, Calibration.class);
    }

    private static void writeNpy(INDArray a, Path file, Map<String, String> sums) throws IOException {
        Nd4j.writeAsNumpy(a, file.toFile());
        sums.put(file.getFileName().toString(), sha256(file));
    }

    private static INDArray readNpy(Path dir, String name) {
        if (!Files.isRegularFile(dir.resolve(name))) {
            throw new ModelFormatException("model file " + dir.resolve(name) + " is missing (truncated model directory?)");
        }
        return Nd4j.createFromNpyFile(dir.resolve(name).toFile());
    }

    private static void verify(Path file, String expected) {
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException("model file " + file + " is missing (truncated model directory?)");
        }
        String actual;
        try {
            actual = sha256(file);
        } catch (IOException e) {
            throw new ModelFormatException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (!actual.equals(expected)) {
            throw new ModelFormatException("checksum mismatch for " + file + ": expected sha256 " + expected
                    + ", found " + actual + " (the file was modified or truncated)");
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** Moves {@code tmp} to {@code target}; an existing target is moved aside first and deleted after. */
    private static void replace(Path tmp, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = target.resolveSibling("." + target.getFileName() + ".old-" + UUID.randomUUID());
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target);
        } catch (IOException e) {
            if (old != null) {
                Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
            }
            throw e;
        }
        if (old != null) {
            deleteTree(old);
        }
    }

    /** Deletes a directory tree (no error if it does not exist). */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
