package io.cdae.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdae.config.CdaeConfig;
import io.cdae.model.CdaeNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The exported CSV weights, read back by an independent plain-Java forward pass that only follows
 * index.json, reproduce the model's reconstruction error.
 */
class ModelExportTest {
    @TempDir
    Path tmp;

    @Test
    void exportedWeightsReproduceTheReconstructionError() throws IOException {
        for (boolean tied : new boolean[] {true, false}) {
            CdaeConfig d = CdaeConfig.defaults(10);
            CdaeConfig c = new CdaeConfig(10, List.of(6, 3), d.activation(), tied, d.outputActivation(),
                    d.reconstructionLoss(), 0.3, d.contractiveEstimator(), 4, d.corruption(), 0.1, d.optimiser(), 1e-2,
                    0.9, 4, 1, 5L);
            INDArray raw = Nd4j.rand(DataType.DOUBLE, 4, 10).muli(50);
            CdaeModel model = CdaeModel.of(CdaeNetwork.create(c, DataType.DOUBLE), c,
                    Normaliser.fit(Normaliser.MIN_MAX, raw), Map.of());
            Path dir = tmp.resolve("export-" + tied);
            ModelExport.export(model, dir);
            double[] expected = model.score(raw).reconstruction().toDoubleVector();
            for (int r = 0; r < 4; r++) {
                assertEquals(expected[r], IndependentForward.reconstructionError(dir, raw.getRow(r).toDoubleVector()),
                        1e-9 * Math.max(1, expected[r]), "row " + r + " tied=" + tied);
            }
        }
    }

    @Test
    void exportedFeatureWeightsReproduceTheWeightedScore() throws IOException {
        CdaeConfig c = CdaeConfig.defaults(10);
        INDArray raw = Nd4j.rand(DataType.DOUBLE, 4, 10).muli(50);
        double[] weights = {0.5, 1, 2, 3, 4, 5, 6, 7, 8, 9.5};
        CdaeModel model = CdaeModel.of(CdaeNetwork.create(c, DataType.DOUBLE), c, Normaliser.fit(Normaliser.MIN_MAX, raw),
                Map.of()).withCalibration(io.cdae.score.Calibration.of(io.cdae.score.AnomalyScore.WEIGHTED_RECONSTRUCTION,
                "mad", 4, 1.0, 0.1, 3.0, 0.05, 2.0, 0.1, weights, null));
        Path dir = tmp.resolve("export-weighted");
        ModelExport.export(model, dir);
        float[][] rows = raw.castTo(DataType.FLOAT).toFloatMatrix();
        io.cdae.score.BatchScorer.RowScore[] s = io.cdae.score.BatchScorer.calibrated(model, Double.NaN).score(rows, 0, false);
        for (int r = 0; r < 4; r++) {
            double[] x = new double[10];
            for (int j = 0; j < 10; j++) {
                x[j] = rows[r][j];
            }
            // the scorer normalises in float (as the scoring job does), the independent pass in double
            assertEquals(s[r].anomalyScore(), IndependentForward.error(dir, x, true), 1e-6 * Math.max(1, s[r].anomalyScore()));
        }
        assertEquals("weighted-reconstruction",
                new ObjectMapper().readTree(dir.resolve("calibration.json").toFile()).get("anomaly-score").asText());
    }

    /**
     * The combined score from the export alone: weighted error (feature-weights.csv), the code point z_L of the last
     * encoder layer, the mean distance to its k nearest rows of code-reference.csv, the z-scales of calibration.json.
     */
    @Test
    void exportedCodeSpaceAndScalesReproduceTheCombinedScore() throws IOException {
        CdaeConfig c = CdaeConfig.defaults(10);
        c = new CdaeConfig(10, List.of(6, 4), c.activation(), true, c.outputActivation(), c.reconstructionLoss(), 0.3,
                c.contractiveEstimator(), 4, c.corruption(), 0.1, c.optimiser(), 1e-2, 0.9, 4, 1, 5L);
        INDArray raw = Nd4j.rand(DataType.DOUBLE, 30, 10).muli(50);
        double[] weights = {0.5, 1, 2, 3, 4, 5, 6, 7, 8, 9.5};
        CdaeModel plain = CdaeModel.of(CdaeNetwork.create(c, DataType.DOUBLE), c, Normaliser.fit(Normaliser.STANDARD, raw),
                Map.of());
        CdaeModel model = plain.withCodeSpace(io.cdae.score.CodeSpace.of(plain.codePoints(raw.get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 25), org.nd4j.linalg.indexing.NDArrayIndex.all())), 3))
                .withCalibration(io.cdae.score.Calibration.of(io.cdae.score.AnomalyScore.COMBINED, "mad", 5, 1.0, 0.1, 3.0,
                        0.05, 2.0, 0.1, weights, new io.cdae.score.CombinedScale(40.0, 12.0, 2.0, 0.75)));
        Path dir = tmp.resolve("export-combined");
        ModelExport.export(model, dir);
        float[][] rows = raw.castTo(DataType.FLOAT).toFloatMatrix();
        io.cdae.score.BatchScorer.RowScore[] s = io.cdae.score.BatchScorer.calibrated(model, Double.NaN)
                .score(java.util.Arrays.copyOfRange(rows, 25, 30), 0, false);
        JsonNode scale = new ObjectMapper().readTree(dir.resolve("calibration.json").toFile()).get("combined-scale");
        int k = new ObjectMapper().readTree(dir.resolve("index.json").toFile()).get("code-knn-k").asInt();
        double[][] reference = IndependentForward.csv(dir.resolve("code-reference.csv"));
        for (int r = 0; r < 5; r++) {
            double[] x = new double[10];
            for (int j = 0; j < 10; j++) {
                x[j] = rows[25 + r][j];
            }
            double[] z = IndependentForward.codePoint(dir, x);
            double[] dist = new double[reference.length];
            for (int p = 0; p < dist.length; p++) {
                double s2 = 0;
                for (int q = 0; q < z.length; q++) {
                    s2 += (z[q] - reference[p][q]) * (z[q] - reference[p][q]);
                }
                dist[p] = Math.sqrt(s2);
            }
            java.util.Arrays.sort(dist);
            double knn = 0;
            for (int q = 0; q < k; q++) {
                knn += dist[q] / k;
            }
            double expected = (IndependentForward.error(dir, x, true) - scale.get("weighted-reconstruction-mean").asDouble())
                    / scale.get("weighted-reconstruction-sd").asDouble()
                    + (knn - scale.get("code-knn-mean").asDouble()) / scale.get("code-knn-sd").asDouble();
            assertEquals(expected, s[r].anomalyScore(), 1e-5 * Math.max(1, Math.abs(expected)), "row " + r);
        }
    }

    /** Reads the export with Jackson and plain arrays only: sigmoid hidden layers, the configured output, MSE. */
    static final class IndependentForward {
        /** The pre-activation z_L of the last encoder layer. */
        static double[] codePoint(Path dir, double[] x) throws IOException {
            JsonNode config = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
            Map<String, double[][]> m = matrices(dir);
            double[] a = normalised(m, x);
            int depth = config.get("encoder-widths").size();
            for (int l = 1; l < depth; l++) {
                a = sigmoid(affine(a, m.get("eW" + l), m.get("eb" + l)[0], false));
            }
            return affine(a, m.get("eW" + depth), m.get("eb" + depth)[0], false);
        }

        private static Map<String, double[][]> matrices(Path dir) throws IOException {
            JsonNode index = new ObjectMapper().readTree(dir.resolve("index.json").toFile());
            Map<String, double[][]> m = new HashMap<>();
            for (JsonNode f : index.get("files")) {
                m.put(f.get("name").asText(), csv(dir.resolve(f.get("file").asText())));
            }
            return m;
        }

        private static double[] normalised(Map<String, double[][]> m, double[] x) {
            double[] offset = m.get("normaliser.offset")[0];
            double[] scale = m.get("normaliser.scale")[0];
            double[] a = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                a[i] = (x[i] - offset[i]) / scale[i];
            }
            return a;
        }

        /** The reconstruction error, weighted by feature-weights.csv when {@code weighted}. */
        static double error(Path dir, double[] x, boolean weighted) throws IOException {
            JsonNode config = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
            Map<String, double[][]> m = matrices(dir);
            double[] a = normalised(m, x);
            double[] clean = a.clone();
            int depth = config.get("encoder-widths").size();
            for (int l = 1; l <= depth; l++) {
                a = sigmoid(affine(a, m.get("eW" + l), m.get("eb" + l)[0], false));
            }
            for (int k = 1; k <= depth; k++) {
                double[][] w = config.get("tied-weights").asBoolean() ? m.get("eW" + (depth - k + 1)) : m.get("dW" + k);
                a = affine(a, w, m.get("db" + k)[0], config.get("tied-weights").asBoolean());
                if (k < depth || config.get("output-activation").asText().equals("sigmoid")) {
                    a = sigmoid(a);
                }
            }
            double err = 0;
            double[] weights = m.containsKey("anomaly-score.feature-weights") ? m.get("anomaly-score.feature-weights")[0] : null;
            for (int i = 0; i < a.length; i++) {
                err += (a[i] - clean[i]) * (a[i] - clean[i]) * (weighted && weights != null ? weights[i] : 1.0);
            }
            return err;
        }

        static double reconstructionError(Path dir, double[] x) throws IOException {
            return error(dir, x, false);
        }

        /** a W + b, with W used transposed when {@code transposed}. */
        private static double[] affine(double[] a, double[][] w, double[] b, boolean transposed) {
            double[] out = b.clone();
            for (int j = 0; j < out.length; j++) {
                for (int i = 0; i < a.length; i++) {
                    out[j] += a[i] * (transposed ? w[j][i] : w[i][j]);
                }
            }
            return out;
        }

        private static double[] sigmoid(double[] z) {
            double[] out = new double[z.length];
            for (int i = 0; i < z.length; i++) {
                out[i] = 1 / (1 + Math.exp(-z[i]));
            }
            return out;
        }

        static double[][] csv(Path file) throws IOException {
            return Files.readAllLines(file).stream().filter(s -> !s.isBlank())
                    .map(line -> java.util.Arrays.stream(line.split(",")).mapToDouble(Double::parseDouble).toArray())
                    .toArray(double[][]::new);
        }
    }
}
