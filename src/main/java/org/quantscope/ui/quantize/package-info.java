/**
 * The quantization panel: settings (hardware preset, bits, granularity, range methods, calibration), the Simulate
 * action, FP32 versus quantized accuracy, the per-class comparison and every quantizer with its encoding.
 * {@link org.quantscope.ui.quantize.QuantizationViewModel} is the only class here that calls {@code core}.
 */
package org.quantscope.ui.quantize;
