package io.cdae.train;

import io.cdae.config.CdaeConfig;
import io.cdae.config.CorruptionType;
import io.cdae.io.CdaeModel;
import io.cdae.io.Normaliser;
import io.cdae.score.RocAuc;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reference trainer on the shipped Fashion-MNIST subset (trousers normal, everything else anomalous). */
class SingleProcessTrainerTest {
    private static FashionSubset data;
    private static Normaliser normaliser;

    @BeforeAll
    static void load() throws IOException {
        data = FashionSubset.load();
        normaliser = Normaliser.fit(Normaliser.MIN_MAX, data.trainPixels());
    }

    private static CdaeConfig config(double lambda, int epochs) {
        CdaeConfig d = CdaeConfig.defaults(784);
        return new CdaeConfig(784, List.of(64), d.activation(), true, d.outputActivation(), d.reconstructionLoss(),
                lambda, d.contractiveEstimator(), d.projections(), CorruptionType.MASKING, 0.2, d.optimiser(), 3e-3,
                d.momentum(), 64, epochs, 42L);
    }

    private static CdaeModel train(CdaeConfig config) {
        SingleProcessTrainer.Result result = new SingleProcessTrainer(config, DataType.FLOAT)
                .train(normaliser.apply(data.trainPixels()));
        return CdaeModel.of(result.network(), config, normaliser, Map.of());
    }

    @Test
    void trainingLowersTheLossAndReconstructionErrorSeparatesAnomalies() {
        CdaeConfig config = config(0.1, 8);
        SingleProcessTrainer.Result result = new SingleProcessTrainer(config, DataType.FLOAT)
                .train(normaliser.apply(data.trainPixels()));
        List<EpochStats> epochs = result.epochs();
        assertEquals(8, epochs.size());
        assertEquals(1000, epochs.get(0).samples());
        assertTrue(epochs.get(7).total() < 0.7 * epochs.get(0).total(),
                "loss did not fall: " + epochs.get(0).total() + " -> " + epochs.get(7).total());

        CdaeModel model = CdaeModel.of(result.network(), config, normaliser, Map.of());
        double[] scores = model.score(data.testPixels()).reconstruction().castTo(DataType.DOUBLE).toDoubleVector();
        double auc = RocAuc.rocAuc(data.testLabels(), scores);
        assertTrue(auc > 0.9, "ROC-AUC on the test rows " + auc);
    }

    @Test
    void contractiveWeightLowersTheJacobianNormOnHeldOutRows() {
        INDArray heldOut = data.testPixels();
        double without = meanContractive(train(config(0.0, 5)), heldOut);
        double with = meanContractive(train(config(5.0, 5)), heldOut);
        assertTrue(with < 0.5 * without, "mean ||J||^2 with lambda = 5: " + with + ", with lambda = 0: " + without);
    }

    private static double meanContractive(CdaeModel model, INDArray rows) {
        return model.score(rows).contractive().meanNumber().doubleValue();
    }

    @Test
    void sameSeedGivesIdenticalParameters() {
        CdaeConfig config = config(0.1, 1);
        INDArray first = train(config).parameters();
        INDArray second = train(config).parameters();
        assertEquals(first, second, "two trainings with the same seed");
    }
}
