/** Spark ML interface: the CDAE Estimator and its Model (a Transformer), both MLWritable/MLReadable. */
package io.cdae.spark.ml;
