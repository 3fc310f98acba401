package io.cdae.spark.score;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Evaluation of the scores against a label column (1 = anomaly): threshold-free ROC-AUC and PR-AUC (Spark's
 * BinaryClassificationMetrics), and precision, recall and F1 of is_anomaly at the threshold.
 */
public record ScoreMetrics(@JsonProperty("rows") long rows,
                           @JsonProperty("anomalies-labelled") long positives,
                           @JsonProperty("anomalies-flagged") long flagged,
                           @JsonProperty("roc-auc") double rocAuc,
                           @JsonProperty("pr-auc") double prAuc,
                           @JsonProperty("threshold") double threshold,
                           @JsonProperty("true-positives") long truePositives,
                           @JsonProperty("false-positives") long falsePositives,
                           @JsonProperty("false-negatives") long falseNegatives,
                           @JsonProperty("precision") double precision,
                           @JsonProperty("recall") double recall,
                           @JsonProperty("f1") double f1,
                           @JsonProperty("anomaly-score") String anomalyScore) {

    public static ScoreMetrics of(long rows, long positives, long flagged, double rocAuc, double prAuc, double threshold,
                                  long tp, String anomalyScore) {
        long fp = flagged - tp;
        long fn = positives - tp;
        double precision = flagged == 0 ? 0 : (double) tp / flagged;
        double recall = positives == 0 ? 0 : (double) tp / positives;
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new ScoreMetrics(rows, positives, flagged, rocAuc, prAuc, threshold, tp, fp, fn, precision, recall, f1,
                anomalyScore);
    }
}
