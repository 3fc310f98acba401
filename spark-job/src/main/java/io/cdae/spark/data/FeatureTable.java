package io.cdae.spark.data;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

import java.util.List;

/**
 * Rows of an input with the columns the job uses: the feature columns (in order), and the id and label
 * columns when named.
 *
 * @param files       the input's checked data files
 * @param idColumn    null when the input has none
 * @param labelColumn null when not named
 * @param badRows     rows dropped by the bad-row policy (skip, quarantine)
 * @param quarantine  where quarantined rows were written, or null
 * @param plain       under {@code bad-rows = fail}, a CSV or Parquet input's rows read without per-row checks
 *                    (with {@code where} applied), for {@link #plainFeatures()}; null otherwise
 */
public record FeatureTable(Dataset<Row> rows, List<String> featureColumns, String idColumn, String labelColumn,
                           InputFiles files, long badRows, String quarantine, Dataset<Row> plain) {

    /**
     * The feature values read the fast way ({@link PlainRows}), where the input allows it (CSV or Parquet
     * under {@code bad-rows = fail}); a read that meets anything but plain rows stops and says so, and the caller then
     * reads {@link #features()}, whose per-row checks explain it. Null where there is no fast way.
     */
    public PlainRows plainFeatures() {
        return plain == null ? null : PlainRows.of(plain, featureColumns);
    }

    public int width() {
        return featureColumns.size();
    }

    /**
     * The feature values of every row as float[] in column order, read from Spark's internal rows (no boxed row
     * in between). Under {@code bad-rows = fail} the first pass over them is also the bad-row check
     * ({@link BadRowPolicy}).
     */
    public JavaRDD<float[]> features() {
        Column[] cols = featureColumns.stream().map(c -> functions.col("`" + c + "`")).toArray(Column[]::new);
        int width = width();
        String src = files.path();
        List<String> names = featureColumns;
        return rows.select(cols).queryExecution().toRdd().toJavaRDD().map(row -> {
            float[] v = new float[width];
            for (int i = 0; i < width; i++) {
                if (row.isNullAt(i)) {
                    throw new InputException("missing value in feature column '" + names.get(i) + "' of " + src);
                }
                v[i] = (float) row.getDouble(i);
            }
            return v;
        });
    }
}
