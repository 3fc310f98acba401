/**
 * Training: the minibatch plan of a partition, the local optimisation steps every trainer runs, and the
 * single-process reference trainer.
 */
package io.cdae.train;
