package io.cdae.bench;

import io.cdae.model.Gemm;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The kNN-distance detector (Ramaswamy et al. 2000) as the quality benchmark's reference: the score of a row is
 * the mean Euclidean distance to its k nearest training rows, by brute force (one GEMM per block of rows, in
 * double precision).
 */
final class KnnDistance {
    private static final int BLOCK = 2048;

    private KnnDistance() {
    }

    /** Per test row, the mean distance to its {@code k} nearest rows of {@code train} (both already scaled). */
    static double[] scores(double[][] train, double[][] test, int k) {
        INDArray ref = Nd4j.create(train).castTo(DataType.DOUBLE);
        INDArray refNorms = ref.mul(ref).sum(true, 1).reshape(1, train.length);
        int kk = Math.min(k, train.length);
        double[] out = new double[test.length];
        for (int from = 0; from < test.length; from += BLOCK) {
            int to = Math.min(test.length, from + BLOCK);
            INDArray q = Nd4j.create(java.util.Arrays.copyOfRange(test, from, to)).castTo(DataType.DOUBLE);
            INDArray d2 = Gemm.mul(q, false, ref, true).muli(-2.0).addiColumnVector(q.mul(q).sum(true, 1))
                    .addiRowVector(refNorms);
            for (int i = 0; i < to - from; i++) {
                double[] row = d2.get(NDArrayIndex.point(i), NDArrayIndex.all()).toDoubleVector();
                java.util.Arrays.sort(row);
                double sum = 0;
                for (int j = 0; j < kk; j++) {
                    sum += Math.sqrt(Math.max(0, row[j]));
                }
                out[from + i] = sum / kk;
            }
        }
        return out;
    }

    /** Standardises both sets with the training rows' mean and standard deviation (constant features: scale 1). */
    static double[][][] standardise(double[][] train, double[][] test) {
        int d = train[0].length;
        double[] mean = new double[d];
        double[] sd = new double[d];
        for (double[] r : train) {
            for (int j = 0; j < d; j++) {
                mean[j] += r[j] / train.length;
            }
        }
        for (double[] r : train) {
            for (int j = 0; j < d; j++) {
                sd[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / train.length;
            }
        }
        for (int j = 0; j < d; j++) {
            sd[j] = sd[j] > 0 ? Math.sqrt(sd[j]) : 1.0;
        }
        return new double[][][] {apply(train, mean, sd), apply(test, mean, sd)};
    }

    private static double[][] apply(double[][] rows, double[] mean, double[] sd) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = new double[rows[i].length];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = (rows[i][j] - mean[j]) / sd[j];
            }
        }
        return out;
    }
}
