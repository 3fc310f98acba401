/** The model store: a self-describing model directory (manifest, config, weights, normaliser) without Spark. */
package io.cdae.io;
