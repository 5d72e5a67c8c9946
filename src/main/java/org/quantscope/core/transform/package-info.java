/**
 * Post-training fixes that transform a model before quantization (white paper §4, Fig. 8): cross-layer
 * equalization, bias absorption and bias correction (empirical and analytic) so far. Each transform returns a new
 * model with what it did.
 */
package org.quantscope.core.transform;
