package org.quantscope.core.reliability;

import org.quantscope.core.data.Batch;
import org.quantscope.core.data.BatchPrefetcher;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.eval.EvaluationResult;
import org.quantscope.core.onnx.CaptureBatch;
import org.quantscope.core.onnx.FloatTensor;
import org.quantscope.core.onnx.GraphCut;
import org.quantscope.core.onnx.GraphNode;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.onnx.Layer;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.quant.Encoding;
import org.quantscope.core.sim.QuantizationSimulator;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.sim.QuantizerState;
import org.quantscope.core.util.CancellationToken;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The test-set activations at a cut of the quantized graph that many trials share, so those trials run only the
 * graph after the cut. Across calibration draws most activation encodings often do not change: a ReLU6 output
 * calibrated with min-max on 256 samples is [0, 6] in every trial, and the input's range is the data's. When every
 * quantizer the graph before the cut reads has the same encoding in a trial as in the cache's key, the graph before
 * the cut computes exactly the cached values for that trial too (its weights are quantized once), so the trial is
 * evaluated from the cut on ({@link GraphCut#suffix}, {@link QuantizationSimulator#simulationOfPart}), as the layer
 * diagnosis does from cached activations (decision 0009).
 *
 * <p><b>Deterministic.</b> The cut and the key come from two probe calibrations made before any trial (the draws of
 * seeds {@code firstSeed} and {@code firstSeed + 1}): quantizers with the same encoding in both are taken as stable,
 * and the cut is the latest one before which every quantizer read is stable and whose crossing tensors fit the
 * memory budget. Whether a trial takes the cached path depends only on its own encodings, never on which trials ran
 * before, so results do not depend on order, parallelism or continuation. A trial whose encodings differ runs the
 * whole graph.
 *
 * <p><b>Crossing tensors.</b> A crossing tensor whose quantizer is stable is cached after its quantizer (not
 * inserted again in the suffix); one whose quantizer is not stable (and is therefore read by no node before the cut)
 * is cached in float and quantized in the suffix with the trial's encoding.
 */
final class PrefixCache {

    private final GraphCut cut;
    private final OnnxModel suffix;
    private final Map<String, Encoding> key;
    private final Set<String> applied;
    private final Map<String, float[]> values;
    private final Map<String, long[]> shapes;
    private final int[] labels;
    private final int samples;
    private final String logits;

    private PrefixCache(GraphCut cut, OnnxModel suffix, Map<String, Encoding> key, Set<String> applied,
                        Map<String, float[]> values, Map<String, long[]> shapes, int[] labels, String logits) {
        this.cut = cut;
        this.suffix = suffix;
        this.key = key;
        this.applied = applied;
        this.values = values;
        this.shapes = shapes;
        this.labels = labels;
        this.samples = labels.length;
        this.logits = logits;
    }

    /** Bytes the cached tensors take. */
    long bytes() {
        long b = 0;
        for (float[] v : values.values()) {
            b += 4L * v.length;
        }
        return b;
    }

    /** Index of the first node after the cut. */
    int cutIndex() {
        return cut.nodeIndex();
    }

    /**
     * Builds the cache from two probe calibrations, or nothing when no useful cut fits.
     *
     * @param a       the first probe (its encodings are the key)
     * @param b       the second probe
     * @param test    the test data (every sample is cached)
     * @param limit   samples to evaluate (0: all)
     * @param budget  largest size of the cached tensors in bytes
     * @param batch   samples per run
     * @param session ONNX Runtime settings
     * @param cancel  cancellation
     * @return the cache, or empty
     */
    static Optional<PrefixCache> build(QuantizedModel a, QuantizedModel b, Dataset test, int limit, long budget,
                                       int batch, SessionSettings session, CancellationToken cancel) {
        OnnxModel g = a.prepared();
        Map<String, QuantizerState> byTensor = new HashMap<>();
        Set<String> stable = new HashSet<>();
        for (QuantizerState q : a.quantizers()) {
            if (q.site().isWeight() || !q.enabled()) {
                continue;
            }
            byTensor.put(q.site().tensor(), q);
            QuantizerState other = b.quantizer(q.site().name()).orElse(null);
            if (other != null && other.enabled() && same(q.encoding(), other.encoding())) {
                stable.add(q.site().tensor());
            }
        }
        List<GraphNode> nodes = g.nodes();
        int firstLinear = nodes.size();
        for (Layer l : g.layers()) {
            firstLinear = Math.min(firstLinear, nodes.indexOf(l.linear()));
        }
        String output = g.outputs().get(0).name();
        int n = limit > 0 ? Math.min(limit, test.size()) : test.size();
        // the latest cut before which every quantized tensor read is stable
        int last = nodes.size() - 1;
        for (int i = 0; i < nodes.size(); i++) {
            boolean reads = nodes.get(i).inputs().stream().anyMatch(t -> byTensor.containsKey(t)
                    && !stable.contains(t));
            if (reads) {
                last = i;
                break;
            }
        }
        for (int i = last; i > firstLinear; i--) {
            GraphCut c = GraphCut.before(g, i, List.of(output));
            if (c.obstacle().isPresent() || c.tensors().contains(g.inputs().get(0).name())) {
                continue;
            }
            Map<String, long[]> shapes = probeShapes(a, c, test, session, cancel);
            long bytes = 0;
            for (String t : c.tensors()) {
                bytes += 4L * n * rowLength(shapes.get(t));
            }
            if (bytes > budget) {
                continue;
            }
            return Optional.of(fill(a, c, stable, byTensor, shapes, test, n, batch, session, cancel));
        }
        return Optional.empty();
    }

    private static PrefixCache fill(QuantizedModel a, GraphCut c, Set<String> stable,
                                    Map<String, QuantizerState> byTensor, Map<String, long[]> shapes, Dataset test,
                                    int n, int batch, SessionSettings session, CancellationToken cancel) {
        Set<String> prefixTensors = new HashSet<>();
        a.prepared().inputs().forEach(t -> prefixTensors.add(t.name()));
        for (int i = 0; i < c.nodeIndex(); i++) {
            prefixTensors.addAll(a.prepared().nodes().get(i).outputs());
        }
        Map<String, Encoding> key = new LinkedHashMap<>();
        for (Map.Entry<String, QuantizerState> e : byTensor.entrySet()) {
            if (prefixTensors.contains(e.getKey()) && stable.contains(e.getKey())) {
                key.put(e.getValue().site().name(), e.getValue().encoding());
            }
        }
        Set<String> applied = new HashSet<>();
        for (String t : c.tensors()) {
            if (stable.contains(t)) {
                applied.add(t);
            }
        }
        // the graph before the cut as every matching trial runs it; unstable crossing tensors kept in float
        QuantizedModel source = QuantizationSimulator.withOnly(a, q -> q.site().isWeight()
                || !prefixTensors.contains(q.site().tensor()) || stable.contains(q.site().tensor()));
        Map<String, float[]> values = new LinkedHashMap<>();
        for (String t : c.tensors()) {
            values.put(t, new float[Math.toIntExact(rowLength(shapes.get(t)) * n)]);
        }
        int[] labels = new int[n];
        int done = 0;
        try (InferenceSession s = InferenceSession.open(source.simulation(), session.forSimulation(), c.tensors());
             BatchPrefetcher batches = BatchPrefetcher.everySample(test, n, CaptureBatch.size(batch,
                     test.sampleShape(), c.tensors(), "the reliability prefix cache", null, cancel, s),
                     "The reliability trials' activation cache")) {
            while (batches.hasNext()) {
                cancel.throwIfCancelled();
                Batch bt = batches.next();
                Map<String, FloatTensor> out = s.run(bt.data(), bt.shape(), c.tensors(), cancel);
                for (String t : c.tensors()) {
                    float[] v = out.get(t).data();
                    System.arraycopy(v, 0, values.get(t), Math.toIntExact(done * rowLength(shapes.get(t))), v.length);
                }
                System.arraycopy(bt.labels(), 0, labels, done, bt.count());
                done += bt.count();
            }
        }
        String output = a.prepared().outputs().get(0).name();
        return new PrefixCache(c, c.suffix(shapes), key, applied, values, shapes, labels, output);
    }

    /** Shapes of the crossing tensors, from a one-sample run. */
    private static Map<String, long[]> probeShapes(QuantizedModel a, GraphCut c, Dataset test,
                                                   SessionSettings session, CancellationToken cancel) {
        Map<String, long[]> shapes = new HashMap<>();
        Batch one = test.read(0, 1);
        try (InferenceSession s = InferenceSession.open(a.prepared(), session, c.tensors())) {
            s.run(one.data(), one.shape(), c.tensors(), cancel).forEach((k, v) -> shapes.put(k, v.shape()));
        }
        return shapes;
    }

    /** Whether a trial's encodings match the key, so it can run from the cut. */
    boolean matches(QuantizedModel qm) {
        for (Map.Entry<String, Encoding> e : key.entrySet()) {
            QuantizerState q = qm.quantizer(e.getKey()).orElse(null);
            if (q == null || !q.enabled() || !same(q.encoding(), e.getValue())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Evaluates a matching trial from the cut.
     *
     * @param qm         the trial's calibrated model ({@link #matches} must be true)
     * @param classNames class names, for the result
     * @param batch      samples per run
     * @param session    ONNX Runtime settings
     * @param cancel     cancellation
     * @return the evaluation (provenance null)
     */
    EvaluationResult evaluate(QuantizedModel qm, List<String> classNames, int batch, SessionSettings session,
                              CancellationToken cancel) {
        long t0 = System.nanoTime();
        OnnxModel sim = QuantizationSimulator.simulationOfPart(qm, suffix, q -> true, applied);
        int[] predictions = new int[samples];
        int classes = -1;
        // at most 4 MiB of cut tensors per run, as every ONNX Runtime run (issue 14): the suffix's intermediate
        // tensors grow with the run size (10-seed reliability on MobileNetV2 at 224x224 peaked at 10.5 GB with runs of
        // 256 samples)
        long perSample = 0;
        for (String t : cut.tensors()) {
            perSample += rowLength(shapes.get(t));
        }
        batch = Math.max(1, Math.min(batch, org.quantscope.core.util.MemoryBudget.runSamplesForInput(
                (int) Math.min(Integer.MAX_VALUE, perSample))));
        try (InferenceSession s = InferenceSession.open(sim, session.forSimulation())) {
            for (int start = 0; start < samples; start += batch) {
                cancel.throwIfCancelled();
                int count = Math.min(batch, samples - start);
                Map<String, FloatTensor> in = new LinkedHashMap<>();
                for (String t : cut.tensors()) {
                    int row = Math.toIntExact(rowLength(shapes.get(t)));
                    long[] shape = shapes.get(t).clone();
                    shape[0] = count;
                    in.put(t, new FloatTensor(shape, Arrays.copyOfRange(values.get(t), start * row,
                            (start + count) * row)));
                }
                FloatTensor out = s.run(in, List.of(logits), cancel).get(logits);
                int k = out.rowLength();
                classes = k;
                float[] v = out.data();
                for (int i = 0; i < count; i++) {
                    predictions[start + i] = argmax(v, i * k, k);
                }
            }
        }
        List<String> names = new ArrayList<>(classNames);
        for (int i = names.size(); i < classes; i++) {
            names.add(String.valueOf(i));
        }
        return org.quantscope.core.eval.Evaluator.summarize(predictions, labels, classes, names,
                (System.nanoTime() - t0) / 1e9, null);
    }

    private static int argmax(float[] v, int off, int k) {
        int best = 0;
        for (int j = 1; j < k; j++) {
            if (v[off + j] > v[off + best]) {
                best = j;
            }
        }
        return best;
    }

    private static long rowLength(long[] shape) {
        long r = 1;
        for (int d = 1; d < shape.length; d++) {
            r *= shape[d];
        }
        return r;
    }

    /** Same grid, scales and zero points. */
    static boolean same(Encoding a, Encoding b) {
        return a != null && b != null && a.spec().equals(b.spec()) && Arrays.equals(a.scales(), b.scales())
                && Arrays.equals(a.zeroPoints(), b.zeroPoints());
    }
}
