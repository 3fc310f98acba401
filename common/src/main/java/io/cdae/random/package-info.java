/**
 * Seed derivation: one master seed gives every (stream, epoch, partition, batch) its own child seed.
 * No global or thread-local random state is used anywhere in the project.
 */
package io.cdae.random;
