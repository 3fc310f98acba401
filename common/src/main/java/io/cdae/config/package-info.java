/**
 * Immutable, validated configuration of the CDAE model and its training. Every value has one text key;
 * invalid values and unknown keys are rejected with a {@link io.cdae.config.ConfigException} naming the key.
 */
package io.cdae.config;
