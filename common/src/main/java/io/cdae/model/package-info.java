/**
 * The CDAE model: parameter layout, the objective (reconstruction + contractive penalty, Rifai et al. 2011;
 * denoising, Vincent et al. 2008; their combination, Chen et al. 2013) with hand-derived exact gradients,
 * and the DL4J layer that places it inside a MultiLayerNetwork. The contractive term lives in
 * {@link io.cdae.model.ContractivePenalty}.
 */
package io.cdae.model;
