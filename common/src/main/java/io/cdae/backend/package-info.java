/** The compute backend as the project sets it up: ND4J's thread count. */
package io.cdae.backend;
