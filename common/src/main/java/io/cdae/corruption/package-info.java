/**
 * Corruption processes of the denoising autoencoder (Vincent et al. 2008): additive Gaussian noise,
 * masking and salt-and-pepper, each a pure function of (clean batch, seed).
 */
package io.cdae.corruption;
