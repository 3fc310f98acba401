/**
 * Distributed training: deterministic partitioning, executor-side corruption and gradient steps, synchronous
 * parameter averaging of parameters and optimiser state, and checkpoints.
 */
package io.cdae.spark.train;
