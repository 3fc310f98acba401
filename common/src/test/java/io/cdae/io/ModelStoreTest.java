package io.cdae.io;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdae.config.CdaeConfig;
import io.cdae.config.CdaeConfigJson;
import io.cdae.model.CdaeNetwork;
import io.cdae.score.CodeSpace;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelStoreTest {
    @TempDir
    Path tmp;

    private static CdaeModel trainedModel() {
        CdaeConfig c = CdaeConfig.defaults(12);
        c = new CdaeConfig(12, List.of(6, 3), c.activation(), false, c.outputActivation(), c.reconstructionLoss(), 0.2,
                c.contractiveEstimator(), 4, c.corruption(), 0.1, c.optimiser(), 1e-2, 0.9, 4, 1, 3L);
        MultiLayerNetwork net = CdaeNetwork.create(c, DataType.FLOAT);
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 12);
        for (int i = 0; i < 3; i++) {
            net.fit(new org.nd4j.linalg.dataset.DataSet(x, x));
        }
        return CdaeModel.of(net, c, Normaliser.fit(Normaliser.MIN_MAX, x), Map.of("input", "memory"));
    }

    @Test
    void saveThenLoadGivesTheSameModelAndScores() throws IOException {
        CdaeModel model = trainedModel();
        Path dir = tmp.resolve("model");
        ModelStore.save(model, dir);
        CdaeModel back = ModelStore.load(dir);
        assertEquals(model.config(), back.config());
        assertEquals(model.parameters(), back.parameters());
        assertEquals(model.updaterState(), back.updaterState());
        assertEquals(3, back.iterations());
        assertEquals("memory", back.metadata().get("input"));
        INDArray rows = Nd4j.rand(DataType.FLOAT, 5, 12);
        assertEquals(model.score(rows).reconstruction(), back.score(rows).reconstruction());
        // resuming: the restored network continues with the same optimiser state
        assertEquals(model.network(DataType.FLOAT).getUpdater().getStateViewArray(),
                back.network(DataType.FLOAT).getUpdater().getStateViewArray());
    }

    @Test
    void aCalibrationWithFeatureWeightsRoundTrips() throws IOException {
        io.cdae.score.Calibration c = io.cdae.score.Calibration.of(io.cdae.score.AnomalyScore.WEIGHTED_RECONSTRUCTION,
                "quantile", 40, 2.0, 0.3, 3.0, 0.05, 2.5, 0.1, new double[] {0.25, 1.0 / 3, 7.0, 1e-300, 5, 6, 7, 8, 9, 10, 11, 12},
                new io.cdae.score.CombinedScale(1.5, 0.25, 3.0, 1e-7));
        Path dir = tmp.resolve("calibrated");
        ModelStore.save(trainedModel().withCalibration(c), dir);
        io.cdae.score.Calibration back = ModelStore.load(dir).calibration();
        assertEquals(c, back);
        assertEquals(2.5, back.threshold(), 0.0);
    }

    @Test
    void aCodeSpaceRoundTripsAndADamagedCodeFileIsRefused() throws IOException {
        CdaeModel model = trainedModel();
        CodeSpace codes = CodeSpace.of(Nd4j.rand(DataType.FLOAT, 7, 3), 4);
        Path dir = tmp.resolve("codes");
        ModelStore.save(model.withCodeSpace(codes), dir);
        CodeSpace back = ModelStore.load(dir).codeSpace();
        assertEquals(4, back.k());
        assertEquals(codes.reference(), back.reference());
        assertEquals(codes.mean(), back.mean());
        assertEquals(codes.precision(), back.precision());
        assertEquals(DataType.FLOAT, back.reference().dataType());
        Files.delete(dir.resolve(ModelStore.CODE_PRECISION));
        assertTrue(assertThrows(ModelFormatException.class, () -> ModelStore.load(dir)).getMessage()
                .contains(ModelStore.CODE_PRECISION));
        // a model without one has none, and its code width must match the model's
        ModelStore.save(model, dir);
        assertEquals(null, ModelStore.load(dir).codeSpace());
        assertThrows(IllegalArgumentException.class, () -> model.withCodeSpace(CodeSpace.of(Nd4j.rand(DataType.FLOAT, 7, 4), 1)));
    }

    /**
     * A model written by format version 1 (before code spaces; golden/model-v1, made with that version's code) loads
     * and scores its four probe rows as that version did (golden/model-v1-scores.csv).
     */
    @Test
    void aFormatVersionOneModelStillLoadsAndScoresAsItDid() throws Exception {
        Path dir = Path.of(getClass().getResource("/golden/model-v1/manifest.json").toURI()).getParent();
        CdaeModel v1 = ModelStore.load(dir);
        assertEquals(null, v1.codeSpace());
        assertEquals(io.cdae.score.AnomalyScore.WEIGHTED_RECONSTRUCTION, v1.calibration().score());
        List<String> lines = Files.readAllLines(Path.of(getClass().getResource("/golden/model-v1-scores.csv").toURI()));
        io.cdae.score.BatchScorer scorer = io.cdae.score.BatchScorer.calibrated(v1, Double.NaN);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            float[] row = new float[5];
            for (int j = 0; j < 5; j++) {
                row[j] = Float.parseFloat(f[j]);
            }
            io.cdae.score.BatchScorer.RowScore s = scorer.score(new float[][] {row}, 0, false)[0];
            assertEquals(Double.parseDouble(f[5]), s.reconstruction(), 1e-6);
            assertEquals(Double.parseDouble(f[6]), s.contractive(), 1e-6);
            assertEquals(Double.parseDouble(f[7]), s.anomalyScore(), 1e-6);
        }
    }

    @Test
    void saveReplacesAnEarlierModelAndLeavesNoTemporaryFiles() throws IOException {
        Path dir = tmp.resolve("model");
        ModelStore.save(trainedModel(), dir);
        ModelStore.save(trainedModel(), dir);
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(dir), files.toList());
        }
    }

    @Test
    void tamperedTruncatedForeignOrNewerModelsAreRefusedWithAClearMessage() throws IOException {
        Path dir = tmp.resolve("model");
        ModelStore.save(trainedModel(), dir);

        byte[] params = Files.readAllBytes(dir.resolve(ModelStore.PARAMETERS));
        params[params.length - 1] ^= 1;
        Files.write(dir.resolve(ModelStore.PARAMETERS), params);
        ModelFormatException tampered = assertThrows(ModelFormatException.class, () -> ModelStore.load(dir));
        assertTrue(tampered.getMessage().contains("checksum mismatch"), tampered.getMessage());

        ModelStore.save(trainedModel(), dir);
        Files.delete(dir.resolve(ModelStore.NORMALISER));
        assertTrue(assertThrows(ModelFormatException.class, () -> ModelStore.load(dir)).getMessage().contains("missing"));

        assertTrue(assertThrows(ModelFormatException.class, () -> ModelStore.load(tmp)).getMessage()
                .contains("not a model directory"));

        ModelStore.save(trainedModel(), dir);
        ObjectNode manifest = (ObjectNode) CdaeConfigJson.mapper().readTree(dir.resolve(ModelStore.MANIFEST).toFile());
        manifest.put("format-version", ModelStore.FORMAT_VERSION + 1);
        CdaeConfigJson.mapper().writeValue(dir.resolve(ModelStore.MANIFEST).toFile(), manifest);
        assertTrue(assertThrows(ModelFormatException.class, () -> ModelStore.load(dir)).getMessage()
                .contains("newer than this build reads"));
    }
}
