/** The scoring job: distributed minibatch scoring, atomic output, metrics and report. */
package io.cdae.spark.score;
