/**
 * Where quantization error comes from (white paper §3.7, Fig. 9, first half; Chenna's layerwise analysis): FP32
 * sanity, weights versus activations, weight statistics, layerwise error and per-layer sensitivity. Every analysis
 * is a synchronous core call with progress and cancellation that returns an immutable result with provenance; chart
 * data is reduced here (binned {@link org.quantscope.core.analysis.Histogram histograms} with under/overflow bins,
 * per-channel arrays), never raw tensors.
 */
package org.quantscope.core.analysis;
