/**
 * Quantization simulation: where quantizers go in a graph ({@link org.quantscope.core.sim.QuantizerPlacement}), the
 * settings and hardware presets that configure them ({@link org.quantscope.core.sim.QuantSettings},
 * {@link org.quantscope.core.sim.HardwarePreset}), calibration of activation ranges over streamed batches
 * ({@link org.quantscope.core.sim.Calibrator}), and the simulated model that ONNX Runtime runs
 * ({@link org.quantscope.core.sim.QuantizationSimulator}). See {@code docs/decisions/0007-quantization-simulation.md}.
 */
package org.quantscope.core.sim;
