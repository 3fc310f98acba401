package io.cdae.spark.score;

import io.cdae.spark.data.RowValidator;
import io.cdae.spark.ml.ScoringIterator;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

import java.io.Serializable;
import java.util.List;

/**
 * Takes the scoring job's input rows apart in the same pass that scores them: reads every feature column
 * straight from Spark's internal rows (numbers as primitives, text parsed), checks it as {@link RowValidator}
 * does, and keeps the id (or the row's position as {@code row_id}) and the label. A bad row is dropped,
 * counted and, the first one of each partition, recorded with its file and reason for the driver; under the
 * fail policy the partition then stops reading, since its output will be discarded.
 */
final class ColumnExtractor implements ScoringIterator.Extractor<InternalRow> {

    /** A bad row: where it is (partition, position in it), its file, why it is bad and its raw values. */
    record BadRow(int partition, long position, String file, String reason, String raw) implements Serializable {
    }

    /** What the driver prepares once: column positions and types, counters, row id offsets. */
    record Plan(int[] keep, DataType[] keepTypes, int[] features, DataType[] featureTypes, String[] names,
                int source, int corrupt, int[] user, DataType[] userTypes, long[] rowIdOffsets, boolean stopAtBad,
                LongAccumulator rows, LongAccumulator badRows, CollectionAccumulator<BadRow> firstBad)
            implements Serializable {

        static Plan of(StructType schema, List<String> keep, List<String> features, long[] rowIdOffsets,
                       boolean stopAtBad, LongAccumulator rows, LongAccumulator badRows,
                       CollectionAccumulator<BadRow> firstBad) {
            int[] k = keep.stream().mapToInt(schema::fieldIndex).toArray();
            int[] f = features.stream().mapToInt(schema::fieldIndex).toArray();
            int source = schema.fieldIndex(RowValidator.SOURCE);
            int corrupt = schema.getFieldIndex(RowValidator.CORRUPT).isDefined() ? schema.fieldIndex(RowValidator.CORRUPT) : -1;
            int[] user = java.util.stream.IntStream.range(0, schema.size()).filter(i -> i != source && i != corrupt).toArray();
            return new Plan(k, types(schema, k), f, types(schema, f), features.toArray(new String[0]), source, corrupt,
                    user, types(schema, user), rowIdOffsets, stopAtBad, rows, badRows, firstBad);
        }

        private static DataType[] types(StructType schema, int[] idx) {
            DataType[] t = new DataType[idx.length];
            for (int i = 0; i < idx.length; i++) {
                t[i] = schema.fields()[idx[i]].dataType();
            }
            return t;
        }
    }

    private final Plan plan;
    private final int partition;
    private final double[] value = new double[1];
    private long position;
    private boolean sawBad;

    ColumnExtractor(Plan plan, int partition) {
        this.plan = plan;
        this.partition = partition;
    }

    @Override
    public Object[] extract(InternalRow row, float[] buffer, int offset) {
        long at = position++;
        String reason = plan.corrupt() >= 0 && !row.isNullAt(plan.corrupt())
                ? RowValidator.malformed(row.getUTF8String(plan.corrupt()).toString(), plan.user().length,
                plan.features(), plan.names()) : null;
        for (int j = 0; j < plan.features().length && reason == null; j++) {
            reason = feature(row, plan.features()[j], plan.featureTypes()[j], plan.names()[j]);
            buffer[offset + j] = (float) value[0];
        }
        if (reason != null) {
            bad(row, at, reason);
            return null;
        }
        plan.rows().add(1);
        boolean rowId = plan.rowIdOffsets() != null;
        Object[] kept = new Object[plan.keep().length + (rowId ? 1 : 0)];
        int k = 0;
        if (rowId) {
            kept[k++] = plan.rowIdOffsets()[partition] + at;
        }
        for (int i = 0; i < plan.keep().length; i++) {
            kept[k++] = external(row, plan.keep()[i], plan.keepTypes()[i]);
        }
        return kept;
    }

    @Override
    public boolean stopped() {
        return sawBad && plan.stopAtBad();
    }

    /** Reads one feature into {@code value[0]}; null when good, else why the row is bad. */
    private String feature(InternalRow row, int i, DataType type, String name) {
        if (row.isNullAt(i)) {
            return RowValidator.featureValue(null, name, value);
        }
        if (type instanceof DoubleType) {
            return RowValidator.finite(row.getDouble(i), name, value);
        } else if (type instanceof FloatType) {
            return RowValidator.finite(row.getFloat(i), name, value);
        } else if (type instanceof IntegerType) {
            value[0] = row.getInt(i);
        } else if (type instanceof LongType) {
            value[0] = row.getLong(i);
        } else if (type instanceof ShortType) {
            value[0] = row.getShort(i);
        } else if (type instanceof ByteType) {
            value[0] = row.getByte(i);
        } else if (type instanceof StringType) {
            return RowValidator.featureValue(row.getUTF8String(i).toString(), name, value);
        } else if (type instanceof DecimalType d) {
            return RowValidator.finite(row.getDecimal(i, d.precision(), d.scale()).toDouble(), name, value);
        } else {
            return RowValidator.featureValue(external(row, i, type), name, value);
        }
        return null;
    }

    private void bad(InternalRow row, long at, String reason) {
        plan.badRows().add(1);
        if (!sawBad) {
            sawBad = true;
            String raw;
            if (plan.corrupt() >= 0 && !row.isNullAt(plan.corrupt())) {
                raw = row.getUTF8String(plan.corrupt()).toString();
            } else {
                // the row's own values, comma-separated, as RowValidator shows a row
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < plan.user().length; i++) {
                    Object v = row.isNullAt(plan.user()[i]) ? null : external(row, plan.user()[i], plan.userTypes()[i]);
                    b.append(i == 0 ? "" : ",").append(v == null ? "" : v);
                }
                raw = b.toString();
            }
            String file = row.isNullAt(plan.source()) ? null : row.getUTF8String(plan.source()).toString();
            plan.firstBad().add(new BadRow(partition, at, file, reason, raw));
        }
    }

    private static Object external(InternalRow row, int i, DataType type) {
        return row.isNullAt(i) ? null : CatalystTypeConverters.convertToScala(row.get(i, type), type);
    }
}
