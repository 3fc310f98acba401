/**
 * Input: CSV, Parquet and IDX files from any Hadoop filesystem, turned into validated feature rows. Files are
 * checked before Spark reads them ({@link io.cdae.spark.data.InputFiles}); a bad row is handled by the
 * {@code bad-rows} policy ({@link io.cdae.spark.data.BadRowPolicy}); a damaged file is an input error that
 * names it ({@link io.cdae.spark.data.DamagedInput}).
 */
package io.cdae.spark.data;
