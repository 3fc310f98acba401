package io.cdae.spark.ml;

import io.cdae.score.BatchScorer;
import io.cdae.spark.data.InputException;
import io.cdae.spark.data.RowValidator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Scores a partition's rows in minibatches of {@code batch} rows: only one minibatch is held at a time (one
 * primitive buffer of features, reused), so executor memory stays flat however large the partition. Each
 * output row is the values an {@link Extractor} keeps from the input row, then the score columns of
 * {@link ScoreColumns}.
 *
 * @param <T> the input row type
 */
public final class ScoringIterator<T> implements Iterator<Row> {

    /** Takes one input row apart: its features into the buffer, and the values to put before the scores. */
    public interface Extractor<T> {
        /**
         * Writes the row's {@code width} features at {@code buffer[offset...]} and returns the values that
         * lead its output row, or null to drop the row (a bad row the extractor has recorded).
         */
        Object[] extract(T row, float[] buffer, int offset);

        /** True once no further row should be read (e.g. a bad row under the fail policy). */
        default boolean stopped() {
            return false;
        }
    }

    private final Iterator<T> input;
    private final BatchScorer scorer;
    private final Extractor<T> extractor;
    private final int width;
    private final int topK;
    private final boolean featureErrors;
    private final String[] featureNames;
    private final float[] buffer;
    private final Object[][] prefixes;
    private BatchScorer.RowScore[] scores;
    private int size;
    private int next;

    public ScoringIterator(Iterator<T> input, BatchScorer scorer, Extractor<T> extractor, int width, int batch, int topK,
                           boolean featureErrors, String[] featureNames) {
        this.input = input;
        this.scorer = scorer;
        this.extractor = extractor;
        this.width = width;
        this.topK = topK;
        this.featureErrors = featureErrors;
        this.featureNames = featureNames;
        this.buffer = new float[batch * width];
        this.prefixes = new Object[batch][];
    }

    @Override
    public boolean hasNext() {
        if (next < size) {
            return true;
        }
        size = 0;
        next = 0;
        while (size < prefixes.length && !extractor.stopped() && input.hasNext()) {
            Object[] prefix = extractor.extract(input.next(), buffer, size * width);
            if (prefix != null) {
                prefixes[size++] = prefix;
            }
        }
        if (size == 0) {
            return false;
        }
        scores = scorer.score(buffer, size, topK, featureErrors);
        return true;
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Object[] prefix = prefixes[next];
        prefixes[next] = null;
        return append(prefix, scores[next++]);
    }

    private Row append(Object[] prefix, BatchScorer.RowScore s) {
        Object[] values = java.util.Arrays.copyOf(prefix, prefix.length + 4 + (featureErrors ? 1 : 0) + (topK > 0 ? 1 : 0));
        int k = prefix.length;
        values[k++] = s.reconstruction();
        values[k++] = s.contractive();
        values[k++] = s.anomalyScore();
        values[k++] = s.anomaly();
        if (featureErrors) {
            values[k++] = s.featureErrors();
        }
        if (topK > 0) {
            String[] names = new String[s.topFeatures().length];
            for (int i = 0; i < names.length; i++) {
                names[i] = featureNames[s.topFeatures()[i]];
            }
            values[k] = names;
        }
        return RowFactory.create(values);
    }

    /** The extractor of {@link CdaeSparkModel#transform}: features from a vector column, every input value kept. */
    static Extractor<Row> vectorColumn(int featuresIndex, int width, String[] featureNames) {
        return (row, buffer, offset) -> {
            Object v = row.get(featuresIndex);
            if (!(v instanceof Vector vector)) {
                throw new InputException("row " + row + " has no feature vector (null features?)");
            }
            if (vector.size() != width) {
                throw new InputException("expected " + width + " features (the model's input width), found " + vector.size());
            }
            double[] value = new double[1];
            for (int i = 0; i < width; i++) {
                String bad = RowValidator.finite(vector.apply(i), featureNames[i], value);
                if (bad != null) {
                    throw new InputException(bad);
                }
                buffer[offset + i] = (float) value[0];
            }
            Object[] values = new Object[row.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = row.get(i);
            }
            return values;
        };
    }
}
