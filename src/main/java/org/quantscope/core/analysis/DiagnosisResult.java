package org.quantscope.core.analysis;

import org.quantscope.core.Provenance;
import org.quantscope.core.sim.QuantizedModel;

import java.util.List;

/**
 * The result of {@link LayerDiagnostics#diagnose}: flowchart steps 1-2 and the per-layer analyses.
 *
 * @param full            FP32 versus the fully quantized model
 * @param sanity          every quantizer disabled versus the original model
 * @param weightsOnly     FP32 versus only the weights quantized
 * @param activationsOnly FP32 versus only the activations quantized
 * @param layers          one entry per layer, in graph order
 * @param settings        how the diagnosis ran
 * @param model           the quantized model diagnosed
 * @param provenance      model hash, data, settings, versions
 * @param layerSamples    samples the per-layer runs used (the first ones; {@code full().samples()} or fewer)
 */
public record DiagnosisResult(ComparisonResult full, SanityCheck sanity, ComparisonResult weightsOnly,
                              ComparisonResult activationsOnly, List<LayerDiagnosis> layers,
                              DiagnoseSettings settings, QuantizedModel model, Provenance provenance,
                              int layerSamples) {

    /** Copies the list. */
    public DiagnosisResult {
        layers = List.copyOf(layers);
    }

    /** A copy with other provenance. */
    public DiagnosisResult withProvenance(Provenance p) {
        return new DiagnosisResult(full, sanity, weightsOnly, activationsOnly, layers, settings, model, p,
                layerSamples);
    }

    /** Layers ranked by sensitivity drop, largest first (layers without a sensitivity run last). */
    public List<LayerDiagnosis> bySensitivity() {
        return layers.stream().sorted((a, b) -> Double.compare(nanLow(b.sensitivityDrop()),
                nanLow(a.sensitivityDrop()))).toList();
    }

    private static double nanLow(double v) {
        return Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v;
    }
}
