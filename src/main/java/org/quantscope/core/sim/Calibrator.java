package org.quantscope.core.sim;

import org.quantscope.core.InputException;
import org.quantscope.core.data.Batch;
import org.quantscope.core.data.BatchPrefetcher;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.onnx.ActivationKind;
import org.quantscope.core.onnx.CaptureBatch;
import org.quantscope.core.onnx.FloatTensor;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.onnx.TensorSpec;
import org.quantscope.core.quant.BatchNormEstimator;
import org.quantscope.core.quant.CrossEntropyEstimator;
import org.quantscope.core.quant.EncodingCalculator;
import org.quantscope.core.quant.QuantizerSpec;
import org.quantscope.core.quant.Range;
import org.quantscope.core.quant.RangeEstimator;
import org.quantscope.core.quant.RangeEstimators;
import org.quantscope.core.quant.RunningMinMax;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calibrates activation quantizers (white paper §3.1 "range setting"): the calibration samples are streamed batch by
 * batch through the float (BN-folded) model in ONNX Runtime, every quantized activation tensor is captured as an
 * extra output, and each quantizer's range estimator sees it. This is torch.ao's post-training default (observers on,
 * fake quantization off): every activation range depends only on the float model and the calibration samples, not on
 * the other quantizers. Memory is bounded by one batch of activations plus the estimators' fixed-size state.
 */
public final class Calibrator {

    private Calibrator() {
    }

    /**
     * Calibrates every enabled activation quantizer of {@code sites}.
     *
     * @param prepared    the model to quantize (BN-folded when the settings fold)
     * @param original    the model as loaded (its BN parameters serve the {@code bn} method), or null when the
     *                    prepared model was transformed so that they no longer apply
     * @param sites       all quantizer sites
     * @param settings    quantization settings
     * @param calibration the calibration samples (already drawn)
     * @param batchSize   samples per run
     * @param session     ONNX Runtime settings
     * @param progress    samples done / total
     * @param cancel      cancellation
     * @return per activation site name, its calibration
     */
    public static Map<String, ActivationCalibration> calibrate(OnnxModel prepared, OnnxModel original,
                                                               List<QuantizerSite> sites, QuantSettings settings,
                                                               Dataset calibration, int batchSize,
                                                               SessionSettings session, ProgressListener progress,
                                                               CancellationToken cancel) {
        List<QuantizerSite> acts = sites.stream().filter(s -> !s.isWeight() && settings.enabled(s)).toList();
        Map<String, ActivationCalibration> result = new LinkedHashMap<>();
        if (acts.isEmpty()) {
            return result;
        }
        String inputName = prepared.inputs().get(0).name();
        List<String> outputNames = prepared.outputs().stream().map(TensorSpec::name).toList();
        Map<String, RangeEstimator> estimators = new LinkedHashMap<>();
        Map<String, RunningMinMax> observed = new LinkedHashMap<>();
        Map<String, String> notes = new LinkedHashMap<>();
        Map<String, String> methods = new LinkedHashMap<>();
        List<String> capture = new ArrayList<>();
        for (QuantizerSite s : acts) {
            QuantizerSpec spec = settings.spec(s);
            String method = settings.rangeMethod(s);
            observed.put(s.name(), new RunningMinMax());
            switch (method) {
                case "bn" -> {
                    BatchNormEstimator bn = batchNormEstimator(original, s, spec);
                    if (bn == null) {
                        notes.put(s.name(), original == null
                                ? "BN-based ranges are not available after cross-layer equalization; min-max used"
                                : "no BatchNormalization (followed by nothing, ReLU or Clip) produces this "
                                + "tensor; min-max used instead");
                        method = "minmax";
                    } else {
                        estimators.put(s.name(), bn);
                    }
                }
                case "ce" -> {
                    if (!outputNames.contains(s.tensor())) {
                        notes.put(s.name(), "cross-entropy applies to the model output (logits); MSE used here");
                        method = "mse";
                    } else {
                        long[] shape = prepared.valueInfo(s.tensor()).map(TensorSpec::shape).orElse(new long[0]);
                        int classes = shape.length >= 2 && shape[shape.length - 1] > 0
                                ? (int) shape[shape.length - 1] : -1;
                        if (classes > 0) {
                            estimators.put(s.name(), new CrossEntropyEstimator(spec, classes,
                                    CrossEntropyEstimator.DEFAULT_MAX_ROWS, 0));
                        } else {
                            notes.put(s.name(), "the output's class count is not declared; MSE used instead");
                            method = "mse";
                        }
                    }
                }
                default -> { }
            }
            if (!estimators.containsKey(s.name())) {
                estimators.put(s.name(), RangeEstimators.forActivations(method, spec));
            }
            methods.put(s.name(), method);
            if (!s.tensor().equals(inputName) && !outputNames.contains(s.tensor()) && !capture.contains(s.tensor())) {
                capture.add(s.tensor());
            }
        }
        List<String> wanted = new ArrayList<>();
        for (QuantizerSite s : acts) {
            if (!s.tensor().equals(inputName) && !wanted.contains(s.tensor())) {
                wanted.add(s.tensor());
            }
        }
        int n = calibration.size();
        progress.onProgress(0, n, "Calibrating");
        try (InferenceSession fp = InferenceSession.open(prepared, session, capture);
             BatchPrefetcher batches = new BatchPrefetcher(calibration, n, CaptureBatch.size(batchSize,
                     calibration.sampleShape(), wanted, "calibration", null, cancel, fp))) {
            int done = 0;
            while (batches.hasNext()) {
                cancel.throwIfCancelled();
                Batch b = batches.next();
                Map<String, FloatTensor> out = wanted.isEmpty() ? Map.of()
                        : fp.runReusingOutputs(b.data(), b.shape(), wanted, cancel);
                for (QuantizerSite s : acts) {
                    float[] v = s.tensor().equals(inputName) ? b.data() : out.get(s.tensor()).data();
                    int len = s.tensor().equals(inputName) ? b.count() * calibration.sampleLength() : v.length;
                    estimators.get(s.name()).observe(v, 0, len);
                    observed.get(s.name()).add(v, 0, len);
                }
                done += b.count();
                progress.onProgress(done, n, "Calibrating");
            }
        }
        for (QuantizerSite s : acts) {
            RangeEstimator e = estimators.get(s.name());
            RunningMinMax mm = observed.get(s.name());
            if (mm.isEmpty()) {
                throw new InputException("calibration saw no finite values for activation '" + s.name() + "'");
            }
            Range chosen = clampToActivation(original, s, e.range());
            QuantizerSpec spec = settings.spec(s);
            result.put(s.name(), new ActivationCalibration(s, methods.get(s.name()), mm.range(), chosen,
                    EncodingCalculator.compute(spec, chosen), notes.getOrDefault(s.name(), "")));
        }
        return result;
    }

    /**
     * The data-free BN-based range (white paper eq. 18-19) of an activation quantizer, when the layer producing it had
     * a BatchNormalization (clamped to the bounds of a following Clip, as calibration does).
     *
     * @param original the model as loaded (with its BN nodes)
     * @param site     an activation quantizer
     * @param spec     its spec
     * @return the range, or empty when no BN produces the tensor
     */
    public static java.util.Optional<Range> batchNormRange(OnnxModel original, QuantizerSite site,
                                                             QuantizerSpec spec) {
        BatchNormEstimator bn = batchNormEstimator(original, site, spec);
        return bn == null ? java.util.Optional.empty()
                : java.util.Optional.of(clampToActivation(original, site, bn.range()));
    }

    /** The BN-based estimator (eq. 18-19) for a layer output whose layer had a BatchNormalization, else null. */
    private static BatchNormEstimator batchNormEstimator(OnnxModel original, QuantizerSite s, QuantizerSpec spec) {
        Layer l = layerOf(original, s);
        if (l == null || l.batchNorm() == null || !"layer output".equals(s.role()) && !"model output".equals(s.role())) {
            return null;
        }
        float[] gamma = original.constant(l.batchNorm().input(1)).map(w -> w.floats()).orElse(null);
        float[] beta = original.constant(l.batchNorm().input(2)).map(w -> w.floats()).orElse(null);
        if (gamma == null || beta == null) {
            return null;
        }
        ActivationKind k = l.activationKind();
        if (k != ActivationKind.NONE && k != ActivationKind.RELU && k != ActivationKind.RELU6
                && k != ActivationKind.CLIP && k != ActivationKind.CHANNEL_CLIP) {
            return null; // eq. 18-19 describe the BN output, clipped at most: not HardSwish, SiLU, Sigmoid, ...
        }
        boolean relu = l.activationKind() == ActivationKind.RELU || l.activationKind() == ActivationKind.RELU6
                || l.activationKind() == ActivationKind.CHANNEL_CLIP
                || l.activationKind() == ActivationKind.CLIP && l.clipMin() >= 0;
        return new BatchNormEstimator(spec, gamma, beta, BatchNormEstimator.DEFAULT_ALPHA, relu);
    }

    /** A data-free range cannot exceed what a Clip after the BN lets through (ReLU6: at most 6). */
    private static Range clampToActivation(OnnxModel original, QuantizerSite s, Range r) {
        Layer l = layerOf(original, s);
        if (l == null || !"layer output".equals(s.role()) || Double.isNaN(l.clipMax())) {
            return r;
        }
        float hi = (float) Math.min(r.max(), l.clipMax());
        float lo = Double.isNaN(l.clipMin()) ? r.min() : (float) Math.max(r.min(), l.clipMin());
        return lo <= hi ? new Range(lo, hi) : r;
    }

    private static Layer layerOf(OnnxModel original, QuantizerSite s) {
        if (s.layer() == null || original == null) {
            return null;
        }
        for (Layer l : original.layers()) {
            if (l.name().equals(s.layer())) {
                return l;
            }
        }
        return null;
    }
}
