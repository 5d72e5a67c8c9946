package org.quantscope.core.analysis;

import org.quantscope.core.data.Dataset;
import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.sim.BitWidthVariants;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Phase 1 of the mixed-precision search (as AIMET's AMP phase 1, white paper §3.7 "fixing individual quantizers"):
 * the accuracy and logit KL divergence of the base model with one quantizer raised to each of its candidate widths,
 * every other quantizer at the base. A raised quantizer of layer L runs from the base model's quantized activations
 * cached at L's cut ({@link SensitivityCache#withLayerOf}), so each variant costs a run of the layers from L on; a
 * quantizer of no layer (model input, pool outputs), or a layer whose cut cannot be cached, runs from the model
 * input. Results equal full runs up to float summation order inside ONNX Runtime (decision 0009).
 */
public final class BitWidthSensitivity {

    /**
     * The base model with one quantizer at another width.
     *
     * @param quantizer   quantizer name
     * @param bits        its width ({@link BitWidthVariants#FLOAT} = float)
     * @param accuracy    top-1 accuracy on the samples
     * @param meanLogitKl mean KL(softmax(FP32) || softmax(variant)) per sample, nats
     * @param fromCut     whether the run started at the layer's cut from cached activations
     */
    public record Measurement(String quantizer, int bits, double accuracy, double meanLogitKl, boolean fromCut) {
    }

    /**
     * All measurements with the base and FP32 figures on the same samples.
     *
     * @param fp32         FP32 (folded, transformed) accuracy on the samples
     * @param base         the base model compared with FP32
     * @param measurements one per (quantizer, candidate width), in quantizer order
     * @param samples      samples used
     */
    public record Result(double fp32, ComparisonResult base, List<Measurement> measurements, int samples) {

        /** Copies the list. */
        public Result {
            measurements = List.copyOf(measurements);
        }
    }

    private BitWidthSensitivity() {
    }

    /**
     * Measures every raise.
     *
     * @param variants   the calibrated widths
     * @param raises     per quantizer name, the widths to measure (in order)
     * @param data       labelled samples (the first {@code samples} are used)
     * @param samples    how many
     * @param batchSize  samples per run
     * @param cacheBytes memory for the cut activations (0: every run from the model input)
     * @param session    ONNX Runtime settings
     * @param progress   runs done / total
     * @param cancel     cancellation
     * @return the measurements
     */
    public static Result measure(BitWidthVariants variants, Map<String, List<Integer>> raises, Dataset data,
                                 int samples, int batchSize, long cacheBytes, SessionSettings session,
                                 ProgressListener progress, CancellationToken cancel) {
        QuantizedModel base = variants.base();
        OnnxModel fp32 = base.prepared();
        int n = Math.min(samples, data.size());
        Map<String, String> outputs = new LinkedHashMap<>();
        for (Layer l : fp32.layers()) {
            outputs.put(l.name(), fp32.resolveIdentity(l.output()));
        }
        DiagnoseSettings ds = new DiagnoseSettings(n, batchSize, 0.5, 20, 1.0, true, cacheBytes);
        SensitivityCache cache = SensitivityCache.plan(base, data, n, outputs, ds, session, cancel);
        int total = 1 + raises.values().stream().mapToInt(List::size).sum() + cache.fillRuns();
        int[] run = {0};
        ComparisonResult baseRun = ModelComparison.compare(fp32, base.simulation(), List.of(), Map.of(), data, n,
                batchSize, session, step(progress, run, total, n, "Base model"), cancel);
        Map<String, SensitivityCache.LayerPlan> planOf = new LinkedHashMap<>();
        for (SensitivityCache.LayerPlan p : cache.plans()) {
            planOf.put(p.layer.name(), p);
        }
        List<Measurement> out = new ArrayList<>();
        // layer by layer in graph order, so that each cache segment is filled once
        List<String> order = new ArrayList<>();
        for (SensitivityCache.LayerPlan p : cache.plans()) {
            base.quantizersOfLayer(p.layer.name()).stream().map(q -> q.site().name())
                    .filter(raises::containsKey).forEach(order::add);
        }
        raises.keySet().stream().filter(q -> !order.contains(q)).forEach(order::add);
        Map<String, List<Measurement>> byQuantizer = new LinkedHashMap<>();
        for (String q : order) {
            String layer = base.quantizer(q).orElseThrow().site().layer();
            SensitivityCache.LayerPlan plan = layer == null ? null : planOf.get(layer);
            List<Measurement> ms = new ArrayList<>();
            for (int bits : raises.get(q)) {
                cancel.throwIfCancelled();
                QuantizedModel variant = variants.mix(Map.of(q, bits));
                String what = q + " at " + (bits == BitWidthVariants.FLOAT ? "float" : bits + " bits");
                ComparisonResult r;
                boolean fromCut = plan != null && plan.cached();
                if (fromCut) {
                    cache.fill(plan, s -> step(progress, run, total, n, s), cancel);
                    r = cache.withLayerOf(plan, variant, step(progress, run, total, n, what), cancel);
                } else {
                    r = ModelComparison.compare(fp32, variant.simulation(), List.of(), Map.of(), data, n, batchSize,
                            session, step(progress, run, total, n, what), cancel);
                }
                ms.add(new Measurement(q, bits, r.accuracy(), r.meanLogitKl(), fromCut));
            }
            byQuantizer.put(q, ms);
        }
        for (String q : raises.keySet()) {
            out.addAll(byQuantizer.get(q));
        }
        return new Result(baseRun.fp32Accuracy(), baseRun, out, n);
    }

    private static ProgressListener step(ProgressListener p, int[] run, int runs, int n, String what) {
        int index = Math.min(run[0]++, runs - 1);
        return (done, total, m) -> p.onProgress((long) index * n + done, (long) runs * n,
                "Sensitivity: " + what + " (" + (index + 1) + "/" + runs + ")");
    }
}
