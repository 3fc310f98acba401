/** Input: CSV, Parquet and IDX files from any Hadoop filesystem, turned into validated feature rows. */
package io.cdae.spark.data;
