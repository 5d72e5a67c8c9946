package org.quantscope.core.sim;

import org.quantscope.core.onnx.OnnxModel;

import java.util.List;
import java.util.Optional;

/**
 * A model with all its quantizers calibrated: the original model, the prepared (BN-folded) graph, the simulation
 * graph ONNX Runtime runs, and the state of every quantizer. Immutable. Build with
 * {@link QuantizationSimulator#prepare}; export with {@link QdqExport}.
 *
 * @param original    the model as loaded
 * @param prepared    the graph the quantizers were placed on (BN folded when the settings fold)
 * @param simulation  {@code prepared} with weights fake-quantized and activation quantizers inserted
 * @param quantizers  every quantizer, weights first, in graph order
 * @param biases      int32 biases, when the settings ask for them
 * @param settings    the quantization settings
 * @param calibration how the calibration set was drawn
 * @param calibrationData description of the calibration samples (for provenance)
 * @param warnings    remarks for the user (unfolded BN, range-method fallbacks, biases left in float, ...)
 */
public record QuantizedModel(OnnxModel original, OnnxModel prepared, OnnxModel simulation,
                             List<QuantizerState> quantizers, List<BiasQuantization> biases, QuantSettings settings,
                             CalibrationSettings calibration, String calibrationData, List<String> warnings) {

    /** Copies the lists. */
    public QuantizedModel {
        quantizers = List.copyOf(quantizers);
        biases = List.copyOf(biases);
        warnings = List.copyOf(warnings);
    }

    /** The quantizer named {@code name}, if any. */
    public Optional<QuantizerState> quantizer(String name) {
        return quantizers.stream().filter(q -> q.site().name().equals(name)).findFirst();
    }

    /** Quantizers that belong to the layer named {@code layer} (its weight, its output, its input). */
    public List<QuantizerState> quantizersOfLayer(String layer) {
        return quantizers.stream().filter(q -> layer.equals(q.site().layer())).toList();
    }

    /** Number of quantizers applied. */
    public long enabledCount() {
        return quantizers.stream().filter(QuantizerState::enabled).count();
    }
}
