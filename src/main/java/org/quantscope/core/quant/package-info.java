/**
 * Quantization math: quantizer specifications, scale/zero-point conventions (ONNX and PyTorch), bit-exact fake
 * quantization (ONNX QuantizeLinear/DequantizeLinear), and range setting from streamed calibration statistics
 * (min-max, percentile, MSE, KL, BN-based; section 3.1 of the white paper, Nagel et al. 2021). Pure Java,
 * deterministic, bounded memory.
 */
package org.quantscope.core.quant;
