/**
 * Model and checkpoint storage on any Hadoop filesystem, written atomically, and {@link io.cdae.spark.io.OutputCommit}:
 * a job's outputs written to hidden temporary siblings and renamed into place together, after every check, or
 * not at all.
 */
package io.cdae.spark.io;
