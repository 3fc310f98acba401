/**
 * Distributed training: deterministic partitioning, executor-side corruption and gradient steps, synchronous
 * parameter averaging of parameters and optimiser state, and checkpoints. Two engines share that contract
 * ({@link io.cdae.spark.train.TrainingEngine}, key {@code engine}): {@link io.cdae.spark.train.ParameterAveragingTrainer}
 * on plain Spark (the default: the single-process trainer's minibatch order, exact resume) and
 * {@link io.cdae.spark.train.Dl4jSparkTrainer}, DL4J's own training master fed minibatches made on the executors,
 * which decides the rounds itself and adds its training statistics to the report.
 */
package io.cdae.spark.train;
