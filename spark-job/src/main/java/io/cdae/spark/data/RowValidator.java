package io.cdae.spark.data;

import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Checks every row of an input and types its features: the output has the kept columns unchanged, every
 * feature as double, and {@link #REASON} (null for a good row; else why the row is bad: wrong number of
 * fields, a missing value, non-numeric text, NaN or infinity, a value infinite once cast to float),
 * {@link #SOURCE} (its file) and {@link #RAW} (its raw CSV line, when there is one). A file that cannot be
 * read to its end stops the pass with an error naming it ({@link DamagedInput}).
 */
public final class RowValidator {
    public static final String REASON = "_cdae_bad_reason";
    public static final String SOURCE = "_cdae_source_file";
    public static final String RAW = "_cdae_raw_record";
    /** Spark's column of malformed CSV lines. */
    public static final String CORRUPT = "_corrupt_record";

    private RowValidator() {
    }

    /**
     * @param df       the input, with {@link #SOURCE} and, for CSV, {@link #CORRUPT} columns
     * @param features feature columns (any type: strings are parsed, numbers cast)
     * @param keep     other columns to carry through (id, label), may be empty
     */
    public static Dataset<Row> validate(Dataset<Row> df, List<String> features, List<String> keep) {
        return validate(df, features, keep, false);
    }

    /**
     * The same; with {@code stopAtBad} (the {@code fail} policy) a pass over the result stops at the first bad row
     * of a partition with {@link BadRowPolicy.BadRowFound}, so that the job's first pass over its rows is also the
     * check, and no pass of its own is needed.
     */
    public static Dataset<Row> validate(Dataset<Row> df, List<String> features, List<String> keep, boolean stopAtBad) {
        StructType in = df.schema();
        List<StructField> out = new ArrayList<>();
        int[] keepIdx = new int[keep.size()];
        for (int i = 0; i < keep.size(); i++) {
            keepIdx[i] = in.fieldIndex(keep.get(i));
            out.add(in.fields()[keepIdx[i]]);
        }
        int[] featIdx = new int[features.size()];
        for (int i = 0; i < features.size(); i++) {
            featIdx[i] = in.fieldIndex(features.get(i));
            out.add(DataTypes.createStructField(features.get(i), DataTypes.DoubleType, true));
        }
        out.add(DataTypes.createStructField(REASON, DataTypes.StringType, true));
        out.add(DataTypes.createStructField(SOURCE, DataTypes.StringType, true));
        out.add(DataTypes.createStructField(RAW, DataTypes.StringType, true));
        int sourceIdx = in.fieldIndex(SOURCE);
        int corruptIdx = in.getFieldIndex(CORRUPT).isDefined() ? in.fieldIndex(CORRUPT) : -1;
        int[] userIdx = java.util.stream.IntStream.range(0, in.size())
                .filter(i -> i != sourceIdx && i != corruptIdx).toArray();
        String[] names = features.toArray(new String[0]);
        return df.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> {
            Iterator<Row> it = DamagedInput.guard(rows);
            return new Iterator<Row>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public Row next() {
                    Row checked = check(it.next(), keepIdx, featIdx, names, sourceIdx, corruptIdx, userIdx);
                    int at = keepIdx.length + featIdx.length;
                    if (stopAtBad && !checked.isNullAt(at)) {
                        throw new BadRowPolicy.BadRowFound(checked.getString(at + 1), checked.getString(at + 2),
                                checked.getString(at));
                    }
                    return checked;
                }
            };
        }, Encoders.row(new StructType(out.toArray(new StructField[0]))));
    }

    static Row check(Row row, int[] keepIdx, int[] featIdx, String[] names, int sourceIdx, int corruptIdx,
                     int[] userIdx) {
        Object[] v = new Object[keepIdx.length + featIdx.length + 3];
        int k = 0;
        for (int i : keepIdx) {
            v[k++] = row.get(i);
        }
        String reason = null;
        String raw = corruptIdx >= 0 && !row.isNullAt(corruptIdx) ? row.getString(corruptIdx) : null;
        if (raw != null) {
            reason = malformed(raw, row.length() - 2, featIdx, names);
        }
        double[] value = new double[1];
        for (int j = 0; j < featIdx.length; j++) {
            Double d = null;
            if (reason == null) {
                reason = featureValue(row.get(featIdx[j]), names[j], value);
                d = reason == null ? value[0] : null;
            }
            v[k++] = d;
        }
        if (reason != null && raw == null) {
            // the row's own values, comma-separated: enough to find its line again and to show it
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < userIdx.length; i++) {
                b.append(i == 0 ? "" : ",").append(row.isNullAt(userIdx[i]) ? "" : row.get(userIdx[i]));
            }
            raw = b.toString();
        }
        v[k++] = reason;
        v[k++] = row.isNullAt(sourceIdx) ? null : row.getString(sourceIdx);
        v[k] = raw;
        return RowFactory.create(v);
    }

    /**
     * Checks one feature value (null, a number, or text holding a number): null when it is good (its value
     * then in {@code out[0]}), else why it is bad.
     */
    public static String featureValue(Object x, String column, double[] out) {
        double d;
        if (x == null || (x instanceof String s && s.isBlank())) {
            return "missing value in column '" + column + "'";
        } else if (x instanceof Number n) {
            d = n.doubleValue();
        } else {
            try {
                d = Double.parseDouble(x.toString().trim());
            } catch (NumberFormatException e) {
                return "non-numeric value '" + abbreviate(x.toString()) + "' in column '" + column + "'";
            }
        }
        return finite(d, column, out);
    }

    /**
     * Null when {@code d} is finite once cast to float (then stored in {@code out[0]}), else the reason. Rows
     * reach the model as 32-bit floats whatever its {@code data-type} ({@link FeatureTable#features}, the
     * scoring job's buffer), so a value beyond float range (1e300, say) would be infinite there: it is a bad
     * row like {@code Infinity}.
     */
    public static String finite(double d, String column, double[] out) {
        if (!Double.isFinite(d)) {
            return "non-finite value " + d + " in column '" + column + "'";
        }
        if (!Float.isFinite((float) d)) {
            return "non-finite value " + d + " in column '" + column + "' once cast to float, the precision rows "
                    + "reach the model in (|x| <= " + Float.MAX_VALUE + ")";
        }
        out[0] = d;
        return null;
    }

    /**
     * Why a record that Spark's CSV reader could not read ({@link #CORRUPT}) is bad: the wrong number of fields
     * (of {@code expected}), else the first feature whose text is not a finite number ({@code features}: the
     * features' positions in the record, the CSV reader's columns being the file's columns in order).
     */
    public static String malformed(String raw, int expected, int[] features, String[] names) {
        List<String> fields = CsvFields.of(raw);
        if (fields.size() == expected) {
            double[] value = new double[1];
            for (int j = 0; j < features.length; j++) {
                String reason = featureValue(fields.get(features[j]), names[j], value);
                if (reason != null) {
                    return reason;
                }
            }
        }
        return wrongFieldCount(expected);
    }

    /** Why a CSV record with the wrong number of fields is bad. */
    public static String wrongFieldCount(int expected) {
        return "wrong number of fields (expected " + expected + ")";
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }
}
