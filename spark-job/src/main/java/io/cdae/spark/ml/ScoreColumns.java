package io.cdae.spark.ml;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/** Names and types of the columns the CDAE model appends to a dataset. */
public final class ScoreColumns {
    public static final String RECONSTRUCTION_ERROR = "reconstruction_error";
    public static final String CONTRACTIVE_SCORE = "contractive_score";
    public static final String ANOMALY_SCORE = "anomaly_score";
    public static final String IS_ANOMALY = "is_anomaly";
    public static final String FEATURE_ERRORS = "feature_errors";
    public static final String TOP_FEATURES = "top_features";

    private ScoreColumns() {
    }

    /** {@code input} plus the score columns; per-feature errors and top features only when asked for. */
    public static StructType append(StructType input, boolean featureErrors, boolean topFeatures) {
        List<StructField> fields = new ArrayList<>(List.of(input.fields()));
        for (String name : names(featureErrors, topFeatures)) {
            if (input.getFieldIndex(name).isDefined()) {
                throw new IllegalArgumentException("the input already has a column named " + name);
            }
        }
        fields.add(DataTypes.createStructField(RECONSTRUCTION_ERROR, DataTypes.DoubleType, false));
        fields.add(DataTypes.createStructField(CONTRACTIVE_SCORE, DataTypes.DoubleType, false));
        fields.add(DataTypes.createStructField(ANOMALY_SCORE, DataTypes.DoubleType, false));
        fields.add(DataTypes.createStructField(IS_ANOMALY, DataTypes.BooleanType, false));
        if (featureErrors) {
            fields.add(DataTypes.createStructField(FEATURE_ERRORS, DataTypes.createArrayType(DataTypes.DoubleType, false), false));
        }
        if (topFeatures) {
            fields.add(DataTypes.createStructField(TOP_FEATURES, DataTypes.createArrayType(DataTypes.StringType, false), false));
        }
        return new StructType(fields.toArray(new StructField[0]));
    }

    public static List<String> names(boolean featureErrors, boolean topFeatures) {
        List<String> n = new ArrayList<>(List.of(RECONSTRUCTION_ERROR, CONTRACTIVE_SCORE, ANOMALY_SCORE, IS_ANOMALY));
        if (featureErrors) {
            n.add(FEATURE_ERRORS);
        }
        if (topFeatures) {
            n.add(TOP_FEATURES);
        }
        return n;
    }
}
