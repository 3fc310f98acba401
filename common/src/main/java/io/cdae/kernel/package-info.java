/**
 * The fused training step of the common CDAE: one hidden layer, the exact contractive term, float32 on the CPU
 * backend. It computes what {@link io.cdae.model.CdaeObjective} and DL4J's updater compute, in Java arrays
 * reused by every step, with the element-wise work fused into a few passes (vectorised with the incubating
 * Java Vector API when the JVM has it, plain loops otherwise) and the matrix products as direct OpenBLAS calls
 * on native staging buffers. Parameters and optimiser state keep DL4J's flat layout, so a network trained here
 * and one trained through DL4J's {@code fit} are interchangeable (docs/BENCHMARKS.md, "Training step: fused
 * kernel").
 */
package io.cdae.kernel;
