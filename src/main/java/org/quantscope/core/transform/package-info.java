/**
 * Post-training fixes that transform a model before quantization (white paper §4, Fig. 8): cross-layer
 * equalization so far. Each transform takes a BN-folded model and returns a new one with what it did.
 */
package org.quantscope.core.transform;
