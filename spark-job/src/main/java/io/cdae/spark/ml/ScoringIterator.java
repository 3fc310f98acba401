package io.cdae.spark.ml;

import io.cdae.score.BatchScorer;
import io.cdae.spark.data.InputException;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Scores a partition's rows in minibatches of {@code batch} rows: only one minibatch is held at a time, so
 * executor memory stays flat however large the partition. Each output row is the input row plus the score
 * columns of {@link ScoreColumns}.
 */
final class ScoringIterator implements Iterator<Row> {
    private final Iterator<Row> input;
    private final BatchScorer scorer;
    private final int featuresIndex;
    private final int width;
    private final int batch;
    private final int topK;
    private final boolean featureErrors;
    private final String[] featureNames;
    private final List<Row> out = new ArrayList<>();
    private int next;

    ScoringIterator(Iterator<Row> input, BatchScorer scorer, int featuresIndex, int width, int batch, int topK,
                    boolean featureErrors, String[] featureNames) {
        this.input = input;
        this.scorer = scorer;
        this.featuresIndex = featuresIndex;
        this.width = width;
        this.batch = batch;
        this.topK = topK;
        this.featureErrors = featureErrors;
        this.featureNames = featureNames;
    }

    @Override
    public boolean hasNext() {
        if (next < out.size()) {
            return true;
        }
        out.clear();
        next = 0;
        List<Row> rows = new ArrayList<>(batch);
        while (input.hasNext() && rows.size() < batch) {
            rows.add(input.next());
        }
        if (rows.isEmpty()) {
            return false;
        }
        float[][] x = new float[rows.size()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = features(rows.get(i));
        }
        BatchScorer.RowScore[] scores = scorer.score(x, topK, featureErrors);
        for (int i = 0; i < x.length; i++) {
            out.add(append(rows.get(i), scores[i]));
        }
        return true;
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return out.get(next++);
    }

    private float[] features(Row row) {
        Object v = row.get(featuresIndex);
        if (!(v instanceof Vector vector)) {
            throw new InputException("row " + row + " has no feature vector (null features?)");
        }
        if (vector.size() != width) {
            throw new InputException("expected " + width + " features (the model's input width), found " + vector.size());
        }
        double[] d = vector.toArray();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            if (!Double.isFinite(d[i])) {
                throw new InputException("non-finite value " + d[i] + " in feature " + featureNames[i]);
            }
            f[i] = (float) d[i];
        }
        return f;
    }

    private Row append(Row row, BatchScorer.RowScore s) {
        List<Object> values = new ArrayList<>(row.size() + 6);
        for (int i = 0; i < row.size(); i++) {
            values.add(row.get(i));
        }
        values.add(s.reconstruction());
        values.add(s.contractive());
        values.add(s.anomalyScore());
        values.add(s.anomaly());
        if (featureErrors) {
            values.add(s.featureErrors());
        }
        if (topK > 0) {
            String[] names = new String[s.topFeatures().length];
            for (int i = 0; i < names.length; i++) {
                names[i] = featureNames[s.topFeatures()[i]];
            }
            values.add(names);
        }
        return RowFactory.create(values.toArray());
    }
}
