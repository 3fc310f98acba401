package io.cdae.score;

import org.nd4j.evaluation.classification.ROC;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Area under the ROC and precision-recall curves of anomaly scores, by ND4J's exact ROC evaluation. */
public final class RocAuc {
    private RocAuc() {
    }

    /**
     * @param labels 1 = anomaly, 0 = normal
     * @param scores higher = more anomalous
     */
    public static double rocAuc(double[] labels, double[] scores) {
        return roc(labels, scores).calculateAUC();
    }

    public static double prAuc(double[] labels, double[] scores) {
        return roc(labels, scores).calculateAUCPR();
    }

    private static ROC roc(double[] labels, double[] scores) {
        if (labels.length != scores.length || labels.length == 0) {
            throw new IllegalArgumentException("labels (" + labels.length + ") and scores (" + scores.length
                    + ") must be non-empty and of equal length");
        }
        ROC roc = new ROC(0);
        INDArray l = Nd4j.createFromArray(labels).castTo(DataType.DOUBLE).reshape(-1, 1);
        INDArray s = Nd4j.createFromArray(scores).castTo(DataType.DOUBLE).reshape(-1, 1);
        roc.eval(l, s);
        return roc;
    }
}
