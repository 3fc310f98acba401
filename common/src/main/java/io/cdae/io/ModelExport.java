package io.cdae.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdae.config.CdaeConfigJson;
import io.cdae.model.CdaeParameters;
import io.cdae.model.ParameterLayout;
import io.cdae.score.CodeSpace;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Exports a model for use outside the JVM: {@code config.json}, one CSV per weight matrix and bias vector
 * (rows x columns, no header, full double precision), the normaliser's offset and scale as one-row CSVs, and
 * {@code index.json} naming each file with its shape and role and every anomaly score's formula; a calibrated
 * model adds {@code calibration.json} (threshold, combined-scale) and {@code feature-weights.csv}, a model with a
 * code space {@code code-reference.csv}, {@code code-mean.csv} and {@code code-precision.csv}.
 */
public final class ModelExport {
    private static final ObjectMapper MAPPER = CdaeConfigJson.mapper();

    private ModelExport() {
    }

    public static void export(CdaeModel model, Path dir) throws IOException {
        Files.createDirectories(dir);
        MAPPER.writeValue(dir.resolve("config.json").toFile(), model.config());
        ObjectNode index = MAPPER.createObjectNode();
        index.put("format", ModelStore.FORMAT + "-export");
        index.put("config", "config.json");
        index.put("forward", "encoder: a_l = act(a_{l-1} W_l + b_l), l = 1..L, a_0 = (x - offset) / scale; "
                + "decoder: u_k = act(u_{k-1} V_k + c_k), k = 1..L, u_0 = a_L, output activation on the last; "
                + "V_k = transpose of encoder W_{L-k+1} when tied-weights");
        ArrayNode files = index.putArray("files");
        CdaeParameters views = model.views();
        int depth = model.config().depth();
        for (ParameterLayout.Block b : new ParameterLayout(model.config()).blocks()) {
            String file = b.key() + ".csv";
            writeMatrix(dir.resolve(file), views.views().get(b.key()));
            ObjectNode f = files.addObject();
            f.put("file", file);
            f.put("name", b.key());
            f.putArray("shape").add(b.rows()).add(b.cols());
            boolean encoder = b.key().startsWith("e");
            int layer = Integer.parseInt(b.key().substring(2));
            f.put("part", encoder ? "encoder" : "decoder");
            f.put("layer", layer);
            f.put("kind", b.bias() ? "bias" : "weight");
        }
        if (model.config().tiedWeights()) {
            ArrayNode tied = index.putArray("tied-decoder-weights");
            for (int k = 1; k <= depth; k++) {
                tied.addObject().put("decoder-layer", k)
                        .put("uses", ParameterLayout.encoderWeightKey(depth - k + 1) + " transposed");
            }
        }
        for (String part : new String[] {"offset", "scale"}) {
            String file = "normaliser-" + part + ".csv";
            double[] v = part.equals("offset") ? model.normaliser().offset() : model.normaliser().scale();
            writeRow(dir.resolve(file), v);
            ObjectNode f = files.addObject();
            f.put("file", file);
            f.put("name", "normaliser." + part);
            f.putArray("shape").add(1).add(v.length);
            f.put("part", "normaliser");
            f.put("kind", part);
            f.put("method", model.normaliser().method());
        }
        if (model.calibration() != null) {
            // the anomaly score and its threshold; the feature weights of the weighted scores also as a CSV row
            MAPPER.writeValue(dir.resolve("calibration.json").toFile(), model.calibration());
            index.put("calibration", "calibration.json");
            double[] weights = model.calibration().featureWeights();
            if (weights != null) {
                writeRow(dir.resolve("feature-weights.csv"), weights);
                addFile(files, "feature-weights.csv", "anomaly-score.feature-weights", 1, weights.length, "anomaly-score",
                        "feature-weights");
            }
        }
        CodeSpace codes = model.codeSpace();
        if (codes != null) {
            writeMatrix(dir.resolve("code-reference.csv"), codes.reference());
            addFile(files, "code-reference.csv", "code-space.reference", codes.referenceRows(), codes.width(),
                    "code-space", "reference-points");
            writeMatrix(dir.resolve("code-mean.csv"), codes.mean());
            addFile(files, "code-mean.csv", "code-space.mean", 1, codes.width(), "code-space", "mean");
            writeMatrix(dir.resolve("code-precision.csv"), codes.precision());
            addFile(files, "code-precision.csv", "code-space.precision", codes.width(), codes.width(), "code-space",
                    "precision");
            index.put("code-knn-k", codes.k());
        }
        ObjectNode scores = index.putObject("anomaly-scores");
        scores.put("reconstruction", "sum_i (a_0,i - y_i)^2, a_0 the normalised input, y its reconstruction");
        scores.put("weighted-reconstruction", "sum_i w_i (a_0,i - y_i)^2, w = feature-weights.csv");
        scores.put("code-knn", "mean Euclidean distance from z_L (the pre-activation of the last encoder layer, "
                + "a_{L-1} W_L + b_L) to its code-knn-k nearest rows of code-reference.csv");
        scores.put("code-mahalanobis", "(z_L - m) P (z_L - m)^T, m = code-mean.csv, P = code-precision.csv");
        scores.put("combined", "(weighted-reconstruction - weighted-reconstruction-mean) / weighted-reconstruction-sd"
                + " + (code-knn - code-knn-mean) / code-knn-sd, the four numbers in calibration.json's combined-scale");
        MAPPER.writeValue(dir.resolve("index.json").toFile(), index);
    }

    private static void addFile(ArrayNode files, String file, String name, long rows, long cols, String part, String kind) {
        ObjectNode f = files.addObject();
        f.put("file", file);
        f.put("name", name);
        f.putArray("shape").add(rows).add(cols);
        f.put("part", part);
        f.put("kind", kind);
    }

    private static void writeRow(Path file, double[] v) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             CSVPrinter csv = new CSVPrinter(w, CSVFormat.DEFAULT)) {
            for (double x : v) {
                csv.print(Double.toString(x));
            }
            csv.println();
        }
    }

    private static void writeMatrix(Path file, INDArray m) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             CSVPrinter csv = new CSVPrinter(w, CSVFormat.DEFAULT)) {
            for (double[] row : m.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).reshape(m.rows(), m.columns())
                    .toDoubleMatrix()) {
                for (double v : row) {
                    csv.print(Double.toString(v));
                }
                csv.println();
            }
        }
    }
}
