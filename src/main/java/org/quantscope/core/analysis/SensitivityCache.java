package org.quantscope.core.analysis;

import org.quantscope.core.data.Batch;
import org.quantscope.core.data.BatchPrefetcher;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.onnx.CaptureBatch;
import org.quantscope.core.onnx.FloatTensor;
import org.quantscope.core.onnx.GraphCut;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.sim.QuantizationSimulator;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.sim.QuantizerState;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Runs the two per-layer variants of the diagnosis from cached activations, so a layer's run starts at the layer
 * instead of at the model input (issue 5).
 *
 * <p><b>Why it is exact.</b> With only layer L quantized, everything before L is FP32: the tensors crossing the cut
 * just before L (every tensor produced before L and read by L or later, skip connections included) are the FP32
 * model's. With every quantizer but L's, everything before L is exactly the fully quantized model: the tensors
 * crossing the cut are the fully quantized model's. The cut is placed before L's first node and before the
 * producer of any tensor one of L's quantizers reads (a layer-input quantizer) and any user of L's weight, so the
 * graphs before the cut are identical to the ones the cache was filled from. Each variant then runs
 * {@link GraphCut#suffix} with the variant's quantizers ({@link QuantizationSimulator#simulationOfPart}), fed from
 * the cache, against FP32 logits computed once. The results equal the full runs up to float summation order.
 *
 * <p><b>Memory.</b> The cache holds, for all {@code samples}, the FP32 cut tensors and output of each layer and the
 * fully quantized cut tensors, in float32: {@code 4 x samples x (elements per sample)} bytes per tensor. Layers are
 * grouped in graph order into segments whose tensors together fit {@link DiagnoseSettings#activationCacheBytes};
 * each segment is filled by one FP32 run and one fully quantized run over the samples (batch by batch), and dropped
 * before the next one is filled. A layer whose own tensors do not fit, or whose cut is crossed by a non-float
 * tensor, runs from the model input as before (the reason is kept per layer). The FP32 logits and labels
 * ({@code samples x classes}) are kept for the whole diagnosis.
 */
final class SensitivityCache {

    /** How one layer's variants run: from a cut (with {@code segment}), or from the model input (with a reason). */
    static final class LayerPlan {
        final Layer layer;
        final String output;
        final Predicate<QuantizerState> own;
        final GraphCut cut;
        String naiveReason;
        final List<String> fp32Tensors = new ArrayList<>();
        final List<String> quantTensors = new ArrayList<>();
        int segment = -1;
        private OnnxModel suffix;

        LayerPlan(Layer layer, String output, GraphCut cut, String naiveReason) {
            this.layer = layer;
            this.output = output;
            this.own = q -> layer.name().equals(q.site().layer());
            this.cut = cut;
            this.naiveReason = naiveReason;
        }

        /** Whether the variants run from the cache. */
        boolean cached() {
            return segment >= 0;
        }

        /** Why not, or empty. */
        String reason() {
            return naiveReason;
        }
    }

    private final QuantizedModel qm;
    private final Dataset data;
    private final int n;
    private final DiagnoseSettings settings;
    private final SessionSettings session;
    private final List<LayerPlan> plans;
    private final Map<String, long[]> sampleShapes;
    private final String modelInput;
    private final String logitsName;
    private final int segments;
    private int filled = -1;
    private final Map<String, float[]> fp32 = new HashMap<>();
    private final Map<String, float[]> quant = new HashMap<>();
    private float[] logits;
    private int[] labels;

    private SensitivityCache(QuantizedModel qm, Dataset data, int n, DiagnoseSettings settings,
                             SessionSettings session, List<LayerPlan> plans, Map<String, long[]> sampleShapes,
                             int segments) {
        this.qm = qm;
        this.data = data;
        this.n = n;
        this.settings = settings;
        this.session = session;
        this.plans = plans;
        this.sampleShapes = sampleShapes;
        this.segments = segments;
        this.modelInput = qm.prepared().inputs().get(0).name();
        this.logitsName = qm.prepared().outputs().get(0).name();
    }

    /**
     * Plans the cuts and segments. Runs the FP32 model on one sample to learn the size of every tensor to cache.
     *
     * @param qm       the calibrated model
     * @param data     the samples
     * @param n        how many samples
     * @param outputs  per layer name, the tensor its errors are measured at
     * @param settings cache budget and batch size
     * @param session  ONNX Runtime settings
     * @param cancel   cancellation
     * @return the plan
     */
    static SensitivityCache plan(QuantizedModel qm, Dataset data, int n, Map<String, String> outputs,
                                 DiagnoseSettings settings, SessionSettings session, CancellationToken cancel) {
        if (n <= 0) {
            throw new org.quantscope.core.InputException(data.description() + " has no samples to compare on");
        }
        OnnxModel fp32 = qm.prepared();
        String input = fp32.inputs().get(0).name();
        String logits = fp32.outputs().get(0).name();
        List<LayerPlan> plans = new ArrayList<>();
        Set<String> probe = new LinkedHashSet<>();
        for (Layer l : fp32.layers()) {
            String t = outputs.get(l.name());
            String reason = "";
            GraphCut cut = null;
            if (settings.activationCacheBytes() == 0) {
                reason = "activation cache off";
            } else if (fp32.inputs().size() != 1) {
                reason = "the model has " + fp32.inputs().size() + " inputs";
            } else {
                cut = GraphCut.before(fp32, cutIndex(qm, l), List.of(logits, t));
                reason = cut.obstacle().orElse("");
            }
            LayerPlan p = new LayerPlan(l, t, reason.isEmpty() ? cut : null, reason);
            if (p.cut != null) {
                for (String c : cut.tensors()) {
                    p.fp32Tensors.add(c);
                    if (settings.sensitivity() && !c.equals(input)) {
                        p.quantTensors.add(c);
                    }
                }
                if (!p.fp32Tensors.contains(t)) {
                    p.fp32Tensors.add(t);
                }
                p.fp32Tensors.stream().filter(c -> !c.equals(input)).forEach(probe::add);
            }
            plans.add(p);
        }
        Map<String, long[]> shapes = new HashMap<>();
        if (plans.stream().anyMatch(p -> p.cut != null)) {
            Batch one = data.read(0, 1);
            shapes.put(input, one.shape());
            List<String> capture = new ArrayList<>(probe);
            try (InferenceSession s = InferenceSession.open(fp32, session, capture)) {
                s.run(one.data(), one.shape(), capture, cancel).forEach((k, v) -> shapes.put(k, v.shape()));
            }
        }
        // never more than half the capture budget (an eighth of the heap): the cache, the batches being compared and
        // ONNX Runtime's copies of its outputs are alive at the same time (measured: peak heap about twice the cache
        // on the demo; ResNet-50 at 224x224 with the cache at a quarter of a 2 GiB heap ran out of memory once the
        // early 112x112 layers fitted in it)
        long budget = Math.min(settings.activationCacheBytes(),
                org.quantscope.core.util.MemoryBudget.captureBytes() / 2);
        int segment = -1;
        Set<String> segFp32 = new LinkedHashSet<>();
        Set<String> segQuant = new LinkedHashSet<>();
        for (LayerPlan p : plans) {
            if (p.cut == null) {
                continue;
            }
            long own = bytes(p.fp32Tensors, shapes, n) + bytes(p.quantTensors, shapes, n);
            if (own > budget || own / 4 > Integer.MAX_VALUE) {
                p.naiveReason = String.format(java.util.Locale.ROOT,
                        "its cut tensors need %.1f MiB, more than the %.1f MiB cache", own / 1048576.0,
                        budget / 1048576.0);
                continue;
            }
            Set<String> f = new LinkedHashSet<>(segFp32);
            f.addAll(p.fp32Tensors);
            Set<String> q = new LinkedHashSet<>(segQuant);
            q.addAll(p.quantTensors);
            if (segment < 0 || bytes(f, shapes, n) + bytes(q, shapes, n) > budget) {
                segment++;
                f = new LinkedHashSet<>(p.fp32Tensors);
                q = new LinkedHashSet<>(p.quantTensors);
            }
            segFp32 = f;
            segQuant = q;
            p.segment = segment;
        }
        return new SensitivityCache(qm, data, n, settings, session, plans, shapes, segment + 1);
    }

    /**
     * Where layer L's cut goes: before its first node, before the first user of its weight, and before the producer
     * of any tensor one of its activation quantizers reads (0 for a model input).
     */
    private static int cutIndex(QuantizedModel qm, Layer l) {
        OnnxModel m = qm.prepared();
        int at = GraphCut.indexOf(m, l.linear().name());
        for (QuantizerState q : qm.quantizersOfLayer(l.name())) {
            if (!q.enabled()) {
                continue;
            }
            if (q.site().isWeight()) {
                for (Layer user : m.layers()) {
                    if (user.weightName().equals(q.site().tensor())) {
                        at = Math.min(at, GraphCut.indexOf(m, user.linear().name()));
                    }
                }
            } else {
                at = Math.min(at, m.producerOf(q.site().tensor())
                        .map(p -> GraphCut.indexOf(m, p.name())).orElse(0));
            }
        }
        return Math.max(at, 0);
    }

    private static long bytes(Iterable<String> tensors, Map<String, long[]> shapes, int n) {
        long total = 0;
        for (String t : tensors) {
            long per = 1;
            long[] s = shapes.get(t);
            for (int i = 1; i < s.length; i++) {
                per *= s[i];
            }
            total += 4L * per * n;
        }
        return total;
    }

    /** The layer plans, in layer order. */
    List<LayerPlan> plans() {
        return plans;
    }

    /** Number of runs that fill the cache (one FP32 run per segment, plus one fully quantized run with sensitivity). */
    int fillRuns() {
        int runs = 0;
        for (int s = 0; s < segments; s++) {
            int seg = s;
            runs += 1 + (plans.stream().anyMatch(p -> p.segment == seg && !p.quantTensors.isEmpty()) ? 1 : 0);
        }
        return runs;
    }

    /**
     * Fills the cache with the segment of {@code p}, unless it holds it already (segments are filled in order, each
     * once). {@code runProgress} gives the listener of the next run each time a run starts.
     */
    void fill(LayerPlan p, java.util.function.Function<String, ProgressListener> runProgress,
              CancellationToken cancel) {
        if (p.segment == filled) {
            return;
        }
        fp32.clear();
        quant.clear();
        filled = -1;
        Set<String> f = new LinkedHashSet<>();
        Set<String> q = new LinkedHashSet<>();
        for (LayerPlan o : plans) {
            if (o.segment == p.segment) {
                f.addAll(o.fp32Tensors);
                q.addAll(o.quantTensors);
            }
        }
        String layers = p.layer.name() + (segments > 1 ? " (segment " + (p.segment + 1) + "/" + segments + ")" : "");
        capture(qm.prepared(), session, f, fp32, true, runProgress.apply("Caching FP32 activations from " + layers),
                cancel);
        if (!q.isEmpty()) {
            capture(qm.simulation(), session.forSimulation(), q, quant, false,
                    runProgress.apply("Caching quantized activations from " + layers), cancel);
        }
        filled = p.segment;
    }

    private void capture(OnnxModel model, SessionSettings s, Set<String> tensors, Map<String, float[]> into,
                         boolean fp32Side, ProgressListener progress, CancellationToken cancel) {
        List<String> capture = tensors.stream().filter(t -> !t.equals(modelInput)).toList();
        List<String> outs = new ArrayList<>();
        outs.add(logitsName);
        capture.stream().filter(t -> !t.equals(logitsName)).forEach(outs::add);
        for (String t : tensors) {
            into.put(t, new float[Math.toIntExact(rowLength(t) * (long) n)]);
        }
        boolean keepLogits = fp32Side && logits == null;
        float[] lg = null;
        int[] lb = keepLogits ? new int[n] : null;
        int done = 0;
        progress.onProgress(0, n, "Caching");
        try (InferenceSession session = InferenceSession.open(model, s, capture);
             BatchPrefetcher batches = BatchPrefetcher.everySample(data, n, CaptureBatch.size(
                     settings.batchSize(), data.sampleShape(), outs, "the sensitivity cache", null, cancel, session),
                     "The per-layer activation cache")) {
            while (batches.hasNext()) {
                cancel.throwIfCancelled();
                Batch b = batches.next();
                Map<String, FloatTensor> out = session.run(b.data(), b.shape(), outs, cancel);
                for (String t : tensors) {
                    float[] src = t.equals(modelInput) ? b.data() : out.get(t).data();
                    System.arraycopy(src, 0, into.get(t), done * rowLength(t), src.length);
                }
                if (keepLogits) {
                    float[] l = out.get(logitsName).data();
                    if (lg == null) {
                        lg = new float[Math.toIntExact((long) (l.length / b.count()) * n)];
                    }
                    System.arraycopy(l, 0, lg, done * (l.length / b.count()), l.length);
                    System.arraycopy(b.labels(), 0, lb, done, b.count());
                }
                done += b.count();
                progress.onProgress(done, n, "Caching");
            }
        }
        if (keepLogits) {
            logits = lg;
            labels = lb;
        }
    }

    private int rowLength(String t) {
        long[] s = sampleShapes.get(t);
        long per = 1;
        for (int i = 1; i < s.length; i++) {
            per *= s[i];
        }
        return Math.toIntExact(per);
    }

    /**
     * Only layer L quantized, run from the FP32 tensors at L's cut: the logits and the error at L's output.
     *
     * @param p        a cached layer whose segment is {@link #fill filled}
     * @param scales   quantizer scales for rmse/scale
     * @param progress samples done / total
     * @param cancel   cancellation
     * @return the comparison, as {@link ModelComparison#compare} would give it for the whole model
     */
    ComparisonResult onlyThisLayer(LayerPlan p, Map<String, Double> scales, ProgressListener progress,
                                   CancellationToken cancel) {
        OnnxModel sim = QuantizationSimulator.simulationOfPart(qm, suffix(p), p.own, Set.of());
        return run(p, sim, fp32, List.of(p.output), scales, progress, cancel);
    }

    /**
     * Every quantizer but L's, run from the fully quantized tensors at L's cut (whose quantizers are therefore not
     * applied again).
     *
     * @param p        a cached layer whose segment is {@link #fill filled}
     * @param progress samples done / total
     * @param cancel   cancellation
     * @return the comparison (no intermediate tensors)
     */
    ComparisonResult allButThisLayer(LayerPlan p, ProgressListener progress, CancellationToken cancel) {
        OnnxModel sim = QuantizationSimulator.simulationOfPart(qm, suffix(p), p.own.negate(), appliedAtCut(p));
        return run(p, sim, quant, List.of(), Map.of(), progress, cancel);
    }

    /**
     * Every quantizer as in the cached model except L's, which take their state from {@code variant} (the same
     * prepared graph, differing from the cached model only in L's quantizers, for example one of them at other bits:
     * mixed precision), run from the fully quantized tensors at L's cut. Exact for the same reason as
     * {@link #allButThisLayer}, which is the case of L's quantizers off: the graph before the cut holds none of L's
     * quantizers.
     *
     * @param p        a cached layer whose segment is {@link #fill filled}
     * @param variant  the model whose states L's quantizers take
     * @param progress samples done / total
     * @param cancel   cancellation
     * @return the comparison (no intermediate tensors)
     */
    ComparisonResult withLayerOf(LayerPlan p, QuantizedModel variant, ProgressListener progress,
                                 CancellationToken cancel) {
        OnnxModel sim = QuantizationSimulator.simulationOfPart(variant, suffix(p), q -> true, appliedAtCut(p));
        return run(p, sim, quant, List.of(), Map.of(), progress, cancel);
    }

    /** The activation tensors at L's cut whose cached quantized values already carry their quantizer. */
    private Set<String> appliedAtCut(LayerPlan p) {
        Set<String> applied = new java.util.HashSet<>();
        for (QuantizerState q : qm.quantizers()) {
            if (q.enabled() && !q.site().isWeight() && p.quantTensors.contains(q.site().tensor())) {
                applied.add(q.site().tensor());
            }
        }
        return applied;
    }

    private OnnxModel suffix(LayerPlan p) {
        if (p.suffix == null) {
            p.suffix = p.cut.suffix(sampleShapes);
        }
        return p.suffix;
    }

    private ComparisonResult run(LayerPlan p, OnnxModel sim, Map<String, float[]> source, List<String> tensors,
                                 Map<String, Double> scales, ProgressListener progress, CancellationToken cancel) {
        if (p.segment != filled) {
            throw new IllegalStateException("segment " + p.segment + " of " + p.layer.name() + " is not filled");
        }
        List<String> outs = new ArrayList<>();
        outs.add(logitsName);
        outs.addAll(tensors);
        ComparisonAccumulator acc = new ComparisonAccumulator(tensors);
        progress.onProgress(0, n, "Comparing");
        try (InferenceSession s = InferenceSession.open(sim, session.forSimulation())) {
            for (int start = 0; start < n; start += settings.batchSize()) {
                cancel.throwIfCancelled();
                int count = Math.min(settings.batchSize(), n - start);
                Map<String, FloatTensor> in = new LinkedHashMap<>();
                for (String t : p.cut.tensors()) {
                    float[] all = t.equals(modelInput) ? fp32.get(t) : source.get(t);
                    int row = rowLength(t);
                    long[] shape = sampleShapes.get(t).clone();
                    shape[0] = count;
                    in.put(t, new FloatTensor(shape, Arrays.copyOfRange(all, start * row, (start + count) * row)));
                }
                Map<String, FloatTensor> out = s.run(in, outs, cancel);
                for (String t : tensors) {
                    acc.addTensor(t, fp32.get(t), start * rowLength(t), out.get(t).data());
                }
                acc.addLogits(logits, out.get(logitsName).data(), labels, start, count);
                progress.onProgress(start + count, n, "Comparing");
            }
        }
        return acc.result(scales);
    }
}
