/** Anomaly scores of rows under a trained CDAE, and their evaluation (ROC-AUC, PR-AUC). */
package io.cdae.score;
