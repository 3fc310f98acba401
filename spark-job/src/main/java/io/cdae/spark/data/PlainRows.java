package io.cdae.spark.data;

import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.util.LongAccumulator;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * An optimistic read of an input's feature values for input whose every row is plain: every feature a number
 * that stays finite as a float, and for CSV every line readable by Spark (FAILFAST); for Parquet the feature
 * columns are cast to double, so that text that is no number reads as null. Most inputs are plain; for them this
 * read skips what the checked read ({@link FeatureTable#features()}, through {@link RowValidator}) spends on every
 * row: Spark's corrupt-record bookkeeping (CSV) and the conversion of each row to a boxed {@link Row} and back.
 *
 * <p>The first row that is not plain (or any failure to read, such as a damaged file) ends its partition early and
 * counts in {@link #stopped()}, without failing the task (so a cluster does not retry it); the caller then drops
 * what this read cached and reads the input again with the checked read, which reports, skips or quarantines as
 * {@code bad-rows} says, with the same messages as if this read had not been tried. The rows, their order and
 * their partitions are those of the checked read: the same files read by the same Spark reader.
 */
public final class PlainRows {
    private final JavaRDD<float[]> rows;
    private final LongAccumulator stopped;

    private PlainRows(JavaRDD<float[]> rows, LongAccumulator stopped) {
        this.rows = rows;
        this.stopped = stopped;
    }

    /**
     * The feature columns of {@code plain} (for CSV every column as read, so that Spark checks every field of a
     * line; for Parquet the feature columns as doubles).
     */
    static PlainRows of(Dataset<Row> plain, List<String> features) {
        SparkContext sc = plain.sparkSession().sparkContext();
        LongAccumulator stopped = sc.longAccumulator("cdae.plain-read-stopped");
        int[] index = features.stream().mapToInt(plain.schema()::fieldIndex).toArray();
        JavaRDD<float[]> rows = plain.queryExecution().toRdd().toJavaRDD()
                .mapPartitions(it -> new Values(it, index, stopped), true);
        return new PlainRows(rows, stopped);
    }

    /** The feature values, until the first row that is not plain in each partition. */
    public JavaRDD<float[]> rows() {
        return rows;
    }

    /** Whether a partition stopped early: valid after an action over every partition of {@link #rows()}. */
    public boolean stopped() {
        return stopped.value() > 0;
    }

    private static final class Values implements Iterator<float[]> {
        private final Iterator<InternalRow> in;
        private final int[] index;
        private final LongAccumulator stopped;
        private float[] next;
        private boolean done;

        Values(Iterator<InternalRow> in, int[] index, LongAccumulator stopped) {
            this.in = in;
            this.index = index;
            this.stopped = stopped;
        }

        @Override
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            if (done) {
                return false;
            }
            try {
                if (!in.hasNext()) {
                    done = true;
                    return false;
                }
                InternalRow row = in.next();
                float[] v = new float[index.length];
                for (int i = 0; i < index.length; i++) {
                    if (row.isNullAt(index[i])) {
                        return stop();
                    }
                    float f = (float) row.getDouble(index[i]);
                    if (!Float.isFinite(f)) {
                        return stop();
                    }
                    v[i] = f;
                }
                next = v;
                return true;
            } catch (Exception e) {
                TaskContext task = TaskContext.get();
                if (task != null && task.isInterrupted()) {
                    throw e;
                }
                return stop();
            }
        }

        private boolean stop() {
            done = true;
            stopped.add(1);
            return false;
        }

        @Override
        public float[] next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            float[] v = next;
            next = null;
            return v;
        }
    }
}
