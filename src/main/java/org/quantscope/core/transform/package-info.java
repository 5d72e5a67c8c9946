/**
 * Post-training fixes that transform a model before quantization (white paper §4, Fig. 8): cross-layer
 * equalization, bias absorption and bias correction (empirical and analytic) so far. Each transform returns a new
 * model with what it did. {@link org.quantscope.core.transform.MixedPrecision} searches per-quantizer bit widths
 * (its result is quantization settings with per-quantizer overrides, not a new model).
 */
package org.quantscope.core.transform;
