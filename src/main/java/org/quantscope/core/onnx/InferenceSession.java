package org.quantscope.core.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnx.proto.OnnxMl;
import org.quantscope.core.InputException;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.RuntimeProfile;
import org.quantscope.core.util.CancelledException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Owns one ONNX Runtime session for a model. Any intermediate tensor can be captured by naming it in
 * {@code captureOutputs}: the tensor is appended to the graph outputs before the session is created. A model exported
 * with a fixed batch size (often 1) is run in chunks of that size, so callers can always pass any batch. A cancel of
 * the token passed to {@link #run} reaches native code through {@code RunOptions.setTerminate}.
 *
 * <p>{@link #run} may be called from several threads at once (ONNX Runtime sessions take concurrent runs; each call
 * uses its own tensors); {@link #runReusingOutputs} keeps buffers in the session and takes one call at a time.
 */
public final class InferenceSession implements AutoCloseable {

    private final OnnxModel model;
    private final OrtEnvironment env;
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final TensorSpec input;
    private final int fixedBatch;
    private final List<String> outputNames;
    private final int reordersRemoved;
    private final int concurrentRuns;
    /** Native-order direct buffers of {@link #runReusingOutputs}, for one batch size and output list; or null. */
    private Pinned pinned;
    /** Bytes one sample of each output takes, measured by {@link #bytesPerSample}. */
    private final Map<String, Long> sampleBytes = new java.util.concurrent.ConcurrentHashMap<>();

    private InferenceSession(OnnxModel model, SessionSettings settings, List<String> capture) {
        long opened = System.nanoTime();
        this.model = model;
        if (model.inputs().isEmpty()) {
            ModelCapabilities.requireFeedable(model); // throws: nothing to feed
        }
        this.input = model.inputs().get(0);
        long b = input.rank() > 0 ? input.shape()[0] : -1;
        this.fixedBatch = b > 0 ? (int) b : 0;
        Set<String> outs = new LinkedHashSet<>();
        model.outputs().forEach(o -> outs.add(o.name()));
        outs.addAll(capture);
        this.outputNames = List.copyOf(outs);
        byte[] bytes = capture.isEmpty() || model.outputs().stream().map(TensorSpec::name).toList()
                .containsAll(capture) ? model.bytes() : withOutputs(model, capture);
        NativeLibraryCache.prepare();
        this.env = OrtEnvironment.getEnvironment();
        boolean relayout = settings.relayoutQuantizers() && settings.optimize() && probeShape() != null
                && model.nodes().stream().anyMatch(n -> n.opType().equals("Conv"));
        OrtSession created = null;
        OrtSession.SessionOptions kept = null;
        int reorders = 0;
        if (relayout) {
            // Any failure on this path (no room for the temporary file, ONNX Runtime unable to save the optimized
            // graph, a rewrite that does not load or disagrees) leaves the plain session below; it never stops the
            // evaluation.
            Path dump = null;
            OrtSession.SessionOptions opts = null;
            try {
                dump = Files.createTempFile("quantscope-optimized-", ".onnx");
                opts = dumpingOptions(settings, dump);
                created = env.createSession(bytes, opts);
                kept = opts;
                Relaid r = relaid(created, dump, settings);
                if (r != null) {
                    closeQuietly(created, opts);
                    created = r.session;
                    kept = r.options;
                    reorders = r.reorders;
                }
            } catch (OrtException | IOException | RuntimeException e) {
                closeQuietly(created, opts);
                created = null;
                kept = null;
            } finally {
                deleteQuietly(dump);
            }
        }
        if (created == null) {
            OrtSession.SessionOptions opts = null;
            try {
                opts = options(settings, true);
                created = env.createSession(bytes, opts);
                kept = opts;
            } catch (OrtException e) {
                if (opts != null) {
                    opts.close();
                }
                throw new InputException("ONNX Runtime cannot load " + model.path() + ": "
                        + firstLine(e.getMessage()), e);
            }
        }
        this.session = created;
        this.options = kept;
        this.reordersRemoved = reorders;
        this.concurrentRuns = settings.concurrentRuns();
        RuntimeProfile.open(System.nanoTime() - opened);
    }

    private static OrtSession.SessionOptions options(SessionSettings settings, boolean optimize) throws OrtException {
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        try {
            if (settings.intraOpThreads() > 0) {
                opts.setIntraOpNumThreads(settings.intraOpThreads());
            }
            opts.setOptimizationLevel(optimize ? OrtSession.SessionOptions.OptLevel.ALL_OPT
                    : OrtSession.SessionOptions.OptLevel.NO_OPT);
            if (!settings.qdqFusion()) {
                opts.addConfigEntry("session.disable_quant_qdq", "1");
            }
            return opts;
        } catch (OrtException e) {
            opts.close();
            throw e;
        }
    }

    /**
     * Options with all optimizations on that make ONNX Runtime write the graph it optimized to {@code dump}. That graph
     * depends on the CPU: ONNX Runtime picks its blocked layout from the instruction set (NCHWc blocks of 8 channels
     * with AVX2, 16 with AVX-512F; convolutions and pools whose channel counts do not fit the block stay in the plain
     * layout), so it is read and used on the machine that wrote it only.
     */
    private static OrtSession.SessionOptions dumpingOptions(SessionSettings settings, Path dump) throws OrtException {
        OrtSession.SessionOptions opts = options(settings, true);
        try {
            opts.setOptimizedModelFilePath(dump.toString());
            // ONNX Runtime warns that a saved NCHWc graph is specific to this machine; it is used here only.
            opts.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            return opts;
        } catch (OrtException e) {
            opts.close();
            throw e;
        }
    }

    /**
     * The graph ONNX Runtime optimizes {@code model} into on this machine with {@code settings}, exactly what the
     * relayout starts from ({@link NchwcQuantizerRelayout#rewrite}). For tests, which derive from it what the relayout
     * must remove on the CPU they run on.
     *
     * @param model    the model
     * @param settings threads and optimization (optimizations are on whatever it says, as for the relayout)
     * @return the optimized model as ONNX Runtime wrote it
     * @throws IOException  when the temporary file cannot be written or read
     * @throws OrtException when ONNX Runtime cannot load the model
     */
    static OnnxMl.ModelProto optimizedGraph(OnnxModel model, SessionSettings settings) throws IOException,
            OrtException {
        NativeLibraryCache.prepare();
        Path dump = Files.createTempFile("quantscope-optimized-", ".onnx");
        try (OrtSession.SessionOptions opts = dumpingOptions(settings, dump);
             OrtSession s = OrtEnvironment.getEnvironment().createSession(model.bytes(), opts)) {
            return OnnxMl.ModelProto.parseFrom(Files.readAllBytes(dump));
        } finally {
            deleteQuietly(dump);
        }
    }

    /** A session on the relaid graph, its options, and how many layout copies it saves. */
    private record Relaid(OrtSession session, OrtSession.SessionOptions options, int reorders) {
    }

    /**
     * Reads the graph ONNX Runtime optimized for {@code standard}, removes the layout copies around per-tensor
     * quantizers and opens it without further optimization (the graph is already optimized; optimizing again could
     * only change it). Kept only when a probe batch gives bit-identical outputs in both sessions; otherwise, or on
     * any failure, null and the standard session stays. A failure here never stops an evaluation.
     */
    private Relaid relaid(OrtSession standard, Path dump, SessionSettings settings) throws IOException, OrtException {
        for (ai.onnxruntime.NodeInfo info : standard.getOutputInfo().values()) {
            if (!(info.getInfo() instanceof ai.onnxruntime.TensorInfo)) {
                return null; // a sequence or map output: the probe cannot compare it
            }
        }
        OnnxMl.ModelProto optimized = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(dump));
        // First with residual Adds and global pooling in the blocked layout; if the probe disagrees (a broadcast the
        // optimized graph gave no shapes to rule out, a pooling kernel summing in another order), without one, then
        // the other, then with one-input chains only. A step whose graph is the previous one's is not tried again.
        boolean[][] ladder = {{true, true}, {true, false}, {false, true}, {false, false}};
        List<OnnxMl.ModelProto> tried = new ArrayList<>();
        for (boolean[] step : ladder) {
            Optional<NchwcQuantizerRelayout.Result> r = NchwcQuantizerRelayout.rewrite(optimized, step[0], step[1]);
            if (r.isEmpty() || tried.contains(r.get().model())) {
                continue;
            }
            tried.add(r.get().model());
            Relaid kept = tryRelaid(standard, r.get(), settings);
            if (kept != null) {
                return kept;
            }
        }
        return null;
    }

    private Relaid tryRelaid(OrtSession standard, NchwcQuantizerRelayout.Result r, SessionSettings settings) {
        OrtSession.SessionOptions opts = null;
        OrtSession candidate = null;
        boolean keep = false;
        try {
            opts = options(settings, false);
            candidate = env.createSession(r.model().toByteArray(), opts);
            keep = sameOutputs(standard, candidate);
            return keep ? new Relaid(candidate, opts, r.reordersRemoved()) : null;
        } catch (OrtException | RuntimeException e) {
            return null;
        } finally {
            if (!keep) {
                closeQuietly(candidate, opts);
            }
        }
    }

    /** The probe batch shape (four samples, or the fixed batch), or null when a dimension other than the batch is unknown. */
    private long[] probeShape() {
        if (model.inputs().size() != 1 || !"float32".equals(input.elementType()) || input.rank() == 0) {
            return null;
        }
        long[] s = input.shape();
        s[0] = fixedBatch > 0 ? fixedBatch : 4;
        for (int i = 1; i < s.length; i++) {
            if (s[i] <= 0) {
                return null;
            }
        }
        return s;
    }

    /**
     * Whether both sessions give bit-identical outputs on a fixed pseudo-random probe batch, and the probe says
     * something: every float output finite, and at least one output differing between the probe samples (a model
     * that saturates on noise, all zeros or ones after a Softmax say, would hide a wrong graph).
     */
    private boolean sameOutputs(OrtSession a, OrtSession b) throws OrtException {
        long[] shape = probeShape();
        int len = Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
        float[] data = new float[len];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(20261201L);
        for (int i = 0; i < len; i++) {
            data[i] = (float) (rnd.nextDouble(-1, 1) * 4);
        }
        Set<String> outs = new LinkedHashSet<>(outputNames);
        boolean varies = false;
        try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
             OrtSession.Result ra = a.run(Map.of(input.name(), in), outs);
             OrtSession.Result rb = b.run(Map.of(input.name(), in), outs)) {
            for (String o : outs) {
                if (!(ra.get(o).orElseThrow() instanceof OnnxTensor ta)
                        || !(rb.get(o).orElseThrow() instanceof OnnxTensor tb)) {
                    return false;
                }
                ByteBuffer x = ta.getByteBuffer();
                ByteBuffer y = tb.getByteBuffer();
                if (x == null || y == null || !x.equals(y)) {
                    return false;
                }
                if (ta.getInfo().type == ai.onnxruntime.OnnxJavaType.FLOAT) {
                    FloatBuffer f = x.order(ByteOrder.nativeOrder()).asFloatBuffer();
                    int rows = (int) shape[0];
                    int row = rows == 0 ? 0 : f.remaining() / rows;
                    for (int i = 0; i < f.remaining(); i++) {
                        if (!Float.isFinite(f.get(i))) {
                            return false;
                        }
                        if (row > 0 && i >= row && f.get(i) != f.get(i - row)) {
                            varies = true;
                        }
                    }
                } else {
                    varies = true; // compared byte for byte; no finer check for integer outputs
                }
            }
            return varies;
        }
    }

    private static void closeQuietly(OrtSession s, OrtSession.SessionOptions o) {
        try {
            if (s != null) {
                s.close();
            }
        } catch (OrtException e) {
            // nothing to act on
        } finally {
            if (o != null) {
                o.close();
            }
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                p.toFile().deleteOnExit();
            }
        }
    }

    /**
     * How many layout copies (NCHWc reorders) around quantizers this session's graph makes fewer than the graph ONNX
     * Runtime optimized ({@link SessionSettings#relayoutQuantizers}); 0 when it runs that graph as it is.
     */
    public int reordersRemoved() {
        return reordersRemoved;
    }

    /**
     * How many runs the session was set up to take at once ({@link SessionSettings#concurrentRuns}). The plain
     * {@link #run} methods may be called from that many threads at once; {@link #runReusingOutputs} may not.
     */
    public int concurrentRuns() {
        return concurrentRuns;
    }

    /**
     * Opens a session that returns the graph outputs.
     *
     * @param model    the model
     * @param settings threads and optimization
     * @return the session; close it
     */
    public static InferenceSession open(OnnxModel model, SessionSettings settings) {
        return new InferenceSession(model, settings, List.of());
    }

    /**
     * Opens a session that also returns the named intermediate tensors.
     *
     * @param model          the model
     * @param settings       threads and optimization
     * @param captureOutputs intermediate tensors to return in addition to the graph outputs
     * @return the session; close it
     */
    public static InferenceSession open(OnnxModel model, SessionSettings settings, List<String> captureOutputs) {
        for (String t : captureOutputs) {
            if (model.producerOf(t).isEmpty() && model.inputs().stream().noneMatch(i -> i.name().equals(t))) {
                throw new InputException(model.path() + " has no tensor named '" + t + "' to capture.");
            }
        }
        return new InferenceSession(model, settings, captureOutputs);
    }

    /** The model this session runs. */
    public OnnxModel model() {
        return model;
    }

    /** The graph input fed by {@link #run}. */
    public TensorSpec input() {
        return input;
    }

    /** Every output this session returns: graph outputs first, then captured tensors. */
    public List<String> outputNames() {
        return outputNames;
    }

    /** The model's fixed batch size, or 0 when the batch dimension is dynamic. */
    public int fixedBatch() {
        return fixedBatch;
    }

    /**
     * Runs a batch and returns every output of this session.
     *
     * @param data   {@code shape[0]} samples, row-major
     * @param shape  batch shape, {@code [n, sample dims...]}
     * @param cancel cancellation; a cancel terminates the native run
     * @return outputs by name, each with batch dimension {@code n}
     */
    public Map<String, FloatTensor> run(float[] data, long[] shape, CancellationToken cancel) {
        return run(data, shape, outputNames, cancel);
    }

    /**
     * Runs a batch and returns the named outputs.
     *
     * @param data    {@code shape[0]} samples, row-major
     * @param shape   batch shape, {@code [n, sample dims...]}
     * @param outputs which of {@link #outputNames()} to return
     * @param cancel  cancellation; a cancel terminates the native run
     * @return outputs by name, each with batch dimension {@code n}
     */
    public Map<String, FloatTensor> run(float[] data, long[] shape, List<String> outputs, CancellationToken cancel) {
        int n = (int) shape[0];
        if (fixedBatch == 0 || fixedBatch == n) {
            return runChunk(data, shape, outputs, cancel);
        }
        int per = n == 0 ? 0 : data.length / n;
        Map<String, List<FloatTensor>> parts = new LinkedHashMap<>();
        for (int start = 0; start < n; start += fixedBatch) {
            int count = Math.min(fixedBatch, n - start);
            float[] chunk = new float[fixedBatch * per];
            System.arraycopy(data, start * per, chunk, 0, count * per);
            long[] s = shape.clone();
            s[0] = fixedBatch;
            Map<String, FloatTensor> r = runChunk(chunk, s, outputs, cancel);
            for (Map.Entry<String, FloatTensor> e : r.entrySet()) {
                FloatTensor t = e.getValue();
                int row = t.rowLength();
                float[] kept = Arrays.copyOf(t.data(), count * row);
                long[] ks = t.shape();
                ks[0] = count;
                parts.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(new FloatTensor(ks, kept));
            }
        }
        Map<String, FloatTensor> joined = new LinkedHashMap<>();
        parts.forEach((k, v) -> joined.put(k, concat(v, n)));
        return joined;
    }

    /**
     * What one sample of the named outputs takes in memory, in bytes (one copy): measured once per output by running
     * a sample of zeros through the session (intermediate shapes depend on the input's shape, not on its values),
     * then remembered. Analyses that capture tensors size their runs from it (see
     * {@link org.quantscope.core.util.MemoryBudget}).
     *
     * @param sampleShape the shape of one input sample, without the batch dimension
     * @param outputs     outputs of this session
     * @param cancel      cancellation
     * @return bytes per sample, summed over the outputs
     */
    public long bytesPerSample(int[] sampleShape, Collection<String> outputs, CancellationToken cancel) {
        List<String> missing = outputs.stream().filter(o -> !sampleBytes.containsKey(o)).distinct().toList();
        if (!missing.isEmpty()) {
            long[] shape = new long[sampleShape.length + 1];
            shape[0] = 1;
            int length = 1;
            for (int i = 0; i < sampleShape.length; i++) {
                shape[i + 1] = sampleShape[i];
                length *= sampleShape[i];
            }
            run(new float[length], shape, missing, cancel).forEach((k, v) -> sampleBytes.put(k, 4L * v.rowLength()));
        }
        long total = 0;
        for (String o : new LinkedHashSet<>(outputs)) {
            total += sampleBytes.getOrDefault(o, 0L);
        }
        return total;
    }

    /** Every graph input the model is fed with (one for a whole model, several for a {@link GraphCut#suffix}). */
    public List<TensorSpec> inputs() {
        return model.inputs();
    }

    /**
     * Runs a batch fed through several named inputs (a {@link GraphCut#suffix} is fed by every tensor crossing the
     * cut) and returns the named outputs. A model with a fixed batch size is run in chunks of that size, as
     * {@link #run(float[], long[], List, CancellationToken)} does.
     *
     * @param inputs  one tensor per graph input, by name, all with the same batch dimension {@code n}
     * @param outputs which of {@link #outputNames()} to return
     * @param cancel  cancellation; a cancel terminates the native run
     * @return outputs by name, each with batch dimension {@code n}
     * @throws InputException when the inputs do not match the model's graph inputs
     */
    public Map<String, FloatTensor> run(Map<String, FloatTensor> inputs, List<String> outputs,
                                        CancellationToken cancel) {
        Set<String> expected = new LinkedHashSet<>();
        model.inputs().forEach(t -> expected.add(t.name()));
        if (!expected.equals(inputs.keySet())) {
            throw new InputException(model.path().getFileName() + " takes the inputs " + expected + ", got "
                    + inputs.keySet());
        }
        int n = -1;
        for (Map.Entry<String, FloatTensor> e : inputs.entrySet()) {
            int rows = e.getValue().rows();
            if (n >= 0 && rows != n) {
                throw new InputException("inputs of " + model.path().getFileName() + " differ in batch size: '"
                        + e.getKey() + "' has " + rows + " samples, the others " + n);
            }
            n = rows;
        }
        if (fixedBatch == 0 || fixedBatch == n) {
            return runChunk(inputs, outputs, cancel);
        }
        int total = n;
        Map<String, List<FloatTensor>> parts = new LinkedHashMap<>();
        for (int start = 0; start < n; start += fixedBatch) {
            int count = Math.min(fixedBatch, n - start);
            Map<String, FloatTensor> chunk = new LinkedHashMap<>();
            for (Map.Entry<String, FloatTensor> e : inputs.entrySet()) {
                FloatTensor t = e.getValue();
                int per = t.rowLength();
                float[] c = new float[fixedBatch * per];
                System.arraycopy(t.data(), start * per, c, 0, count * per);
                long[] s = t.shape().clone();
                s[0] = fixedBatch;
                chunk.put(e.getKey(), new FloatTensor(s, c));
            }
            for (Map.Entry<String, FloatTensor> e : runChunk(chunk, outputs, cancel).entrySet()) {
                FloatTensor t = e.getValue();
                long[] ks = t.shape().clone();
                ks[0] = count;
                parts.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                        .add(new FloatTensor(ks, Arrays.copyOf(t.data(), count * t.rowLength())));
            }
        }
        Map<String, FloatTensor> joined = new LinkedHashMap<>();
        parts.forEach((k, v) -> joined.put(k, concat(v, total)));
        return joined;
    }

    private Map<String, FloatTensor> runChunk(Map<String, FloatTensor> inputs, List<String> outputs,
                                              CancellationToken cancel) {
        cancel.throwIfCancelled();
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try (OrtSession.RunOptions ro = new OrtSession.RunOptions();
             CancellationToken.Registration reg = cancel.onCancel(() -> terminate(ro))) {
            for (Map.Entry<String, FloatTensor> e : inputs.entrySet()) {
                feed.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue().data()),
                        e.getValue().shape()));
            }
            long t0 = System.nanoTime();
            try (OrtSession.Result result = session.run(feed, new LinkedHashSet<>(outputs), ro)) {
                RuntimeProfile.run(System.nanoTime() - t0);
                Map<String, FloatTensor> out = new LinkedHashMap<>();
                for (Map.Entry<String, OnnxValue> e : result) {
                    out.put(e.getKey(), toFloat(e.getKey(), e.getValue()));
                }
                return out;
            }
        } catch (OrtException e) {
            if (cancel.isCancelled()) {
                throw new CancelledException();
            }
            throw new InputException("ONNX Runtime failed to run " + model.path().getFileName() + " on inputs "
                    + inputs.keySet() + ": " + firstLine(e.getMessage()), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    /**
     * Like {@link #run(float[], long[], List, CancellationToken)}, for a caller streaming many batches of one size
     * (calibration): from the second call with the same batch size and outputs on, the input is copied into a
     * direct buffer kept by this session and ONNX Runtime writes the outputs into kept direct buffers (pinned
     * outputs), which are copied into kept arrays. Added for issue 4: the plain path allocates per batch a direct
     * input copy, and per output a heap copy ({@code OnnxTensor.getFloatBuffer}) plus an array, all garbage after the
     * batch, and the JVM grew its heap (peak RSS) with the number of calibration samples. Same values as
     * {@link #run}: only where the numbers are stored differs. The returned tensors are valid until the next call.
     *
     * @param data    {@code shape[0]} samples, row-major
     * @param shape   batch shape, {@code [n, sample dims...]}
     * @param outputs which of {@link #outputNames()} to return
     * @param cancel  cancellation; a cancel terminates the native run
     * @return outputs by name, backed by arrays this session reuses
     */
    public Map<String, FloatTensor> runReusingOutputs(float[] data, long[] shape, List<String> outputs,
                                                      CancellationToken cancel) {
        int n = (int) shape[0];
        if (fixedBatch != 0 && fixedBatch != n) {
            return run(data, shape, outputs, cancel);
        }
        if (pinned == null || !pinned.matches(shape, outputs)) {
            Map<String, FloatTensor> plain = runChunk(data, shape, outputs, cancel);
            closePinned();
            pinned = allFloat(outputs) ? Pinned.create(env, shape, plain) : null;
            return plain;
        }
        cancel.throwIfCancelled();
        pinned.input.clear();
        pinned.input.put(data, 0, pinned.input.capacity());
        long t0 = System.nanoTime();
        try (OrtSession.RunOptions ro = new OrtSession.RunOptions();
             CancellationToken.Registration reg = cancel.onCancel(() -> terminate(ro));
             OrtSession.Result result = session.run(Map.of(input.name(), pinned.inputTensor), Set.of(),
                     pinned.outputTensors, ro)) {
            Map<String, FloatTensor> out = new LinkedHashMap<>();
            for (int i = 0; i < pinned.names.size(); i++) {
                FloatBuffer fb = pinned.outputs.get(i);
                fb.clear();
                fb.get(pinned.arrays.get(i));
                out.put(pinned.names.get(i), new FloatTensor(pinned.shapes.get(i).clone(), pinned.arrays.get(i)));
            }
            RuntimeProfile.run(System.nanoTime() - t0);
            return out;
        } catch (OrtException e) {
            if (cancel.isCancelled()) {
                throw new CancelledException();
            }
            throw new InputException("ONNX Runtime failed to run " + model.path().getFileName() + " on a batch of shape "
                    + Arrays.toString(shape) + " (model input '" + input.name() + "' " + input.shapeText() + "): "
                    + firstLine(e.getMessage()), e);
        }
    }

    /** Whether every named output is declared float32 (only those can be pinned to float buffers). */
    private boolean allFloat(List<String> outputs) {
        try {
            Map<String, ai.onnxruntime.NodeInfo> info = session.getOutputInfo();
            for (String o : outputs) {
                ai.onnxruntime.NodeInfo ni = info.get(o);
                if (ni == null || !(ni.getInfo() instanceof ai.onnxruntime.TensorInfo ti)
                        || ti.type != ai.onnxruntime.OnnxJavaType.FLOAT) {
                    return false;
                }
            }
            return true;
        } catch (OrtException e) {
            return false;
        }
    }

    /** The kept buffers of {@link #runReusingOutputs}: one batch shape, one list of float32 outputs. */
    private static final class Pinned {
        final long[] inputShape;
        final FloatBuffer input;
        final OnnxTensor inputTensor;
        final List<String> names = new ArrayList<>();
        final List<long[]> shapes = new ArrayList<>();
        final List<FloatBuffer> outputs = new ArrayList<>();
        final List<float[]> arrays = new ArrayList<>();
        final Map<String, OnnxTensor> outputTensors = new LinkedHashMap<>();

        private Pinned(OrtEnvironment env, long[] shape) throws OrtException {
            inputShape = shape.clone();
            int len = Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
            input = ByteBuffer.allocateDirect(4 * len).order(ByteOrder.nativeOrder()).asFloatBuffer();
            inputTensor = OnnxTensor.createTensor(env, input, inputShape);
        }

        /** Buffers shaped like the outputs of a plain run, or null when they cannot be pinned. */
        static Pinned create(OrtEnvironment env, long[] shape, Map<String, FloatTensor> plain) {
            Pinned p = null;
            try {
                p = new Pinned(env, shape);
                for (Map.Entry<String, FloatTensor> e : plain.entrySet()) {
                    long[] s = e.getValue().shape();
                    int len = e.getValue().data().length;
                    FloatBuffer fb = ByteBuffer.allocateDirect(4 * len).order(ByteOrder.nativeOrder())
                            .asFloatBuffer();
                    p.names.add(e.getKey());
                    p.shapes.add(s.clone());
                    p.outputs.add(fb);
                    p.arrays.add(new float[len]);
                    p.outputTensors.put(e.getKey(), OnnxTensor.createTensor(env, fb, s));
                }
                return p;
            } catch (OrtException | ArithmeticException | IllegalArgumentException e) {
                if (p != null) {
                    p.close();
                }
                return null; // keep using the plain path
            }
        }

        boolean matches(long[] shape, List<String> wanted) {
            return Arrays.equals(inputShape, shape) && names.equals(wanted);
        }

        void close() {
            inputTensor.close();
            outputTensors.values().forEach(OnnxTensor::close);
        }
    }

    private void closePinned() {
        if (pinned != null) {
            pinned.close();
            pinned = null;
        }
    }

    private static FloatTensor concat(List<FloatTensor> parts, int n) {
        int total = parts.stream().mapToInt(p -> p.data().length).sum();
        float[] all = new float[total];
        int at = 0;
        for (FloatTensor p : parts) {
            System.arraycopy(p.data(), 0, all, at, p.data().length);
            at += p.data().length;
        }
        long[] s = parts.get(0).shape();
        s[0] = n;
        return new FloatTensor(s, all);
    }

    private Map<String, FloatTensor> runChunk(float[] data, long[] shape, List<String> outputs,
                                              CancellationToken cancel) {
        cancel.throwIfCancelled();
        long t0 = System.nanoTime();
        try (OrtSession.RunOptions ro = new OrtSession.RunOptions();
             CancellationToken.Registration reg = cancel.onCancel(() -> terminate(ro));
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
             OrtSession.Result result = session.run(Map.of(input.name(), in), new LinkedHashSet<>(outputs), ro)) {
            Map<String, FloatTensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, OnnxValue> e : result) {
                out.put(e.getKey(), toFloat(e.getKey(), e.getValue()));
            }
            RuntimeProfile.run(System.nanoTime() - t0);
            return out;
        } catch (OrtException e) {
            if (cancel.isCancelled()) {
                throw new CancelledException();
            }
            throw new InputException("ONNX Runtime failed to run " + model.path().getFileName() + " on a batch of shape "
                    + Arrays.toString(shape) + " (model input '" + input.name() + "' " + input.shapeText() + "): "
                    + firstLine(e.getMessage()), e);
        }
    }

    private static void terminate(OrtSession.RunOptions ro) {
        try {
            ro.setTerminate(true);
        } catch (OrtException | IllegalStateException e) {
            // the run already finished and its options were closed: nothing left to stop
        }
    }

    private FloatTensor toFloat(String name, OnnxValue v) {
        if (!(v instanceof OnnxTensor t)) {
            throw new InputException(model.path().getFileName() + ": output '" + name + "' is not a tensor ("
                    + v.getType() + "); QuantScope reads float32 tensor outputs.");
        }
        long[] shape = t.getInfo().getShape();
        switch (t.getInfo().type) {
            case FLOAT: {
                FloatBuffer fb = t.getFloatBuffer();
                float[] f = new float[fb.remaining()];
                fb.get(f);
                return new FloatTensor(shape, f);
            }
            case DOUBLE: {
                double[] d = new double[(int) t.getInfo().getNumElements()];
                t.getDoubleBuffer().get(d);
                float[] f = new float[d.length];
                for (int i = 0; i < d.length; i++) {
                    f[i] = (float) d[i];
                }
                return new FloatTensor(shape, f);
            }
            case INT64: {
                long[] l = new long[(int) t.getInfo().getNumElements()];
                t.getLongBuffer().get(l);
                float[] f = new float[l.length];
                for (int i = 0; i < l.length; i++) {
                    f[i] = l[i];
                }
                return new FloatTensor(shape, f);
            }
            default:
                throw new InputException(model.path().getFileName() + ": output '" + name + "' has type "
                        + t.getInfo().type + "; QuantScope reads float outputs.");
        }
    }

    /** Serializes the model with extra graph outputs (float32, shape from value_info when known). */
    private static byte[] withOutputs(OnnxModel model, List<String> capture) {
        OnnxMl.GraphProto.Builder g = model.proto().getGraph().toBuilder();
        Set<String> existing = new LinkedHashSet<>();
        g.getOutputList().forEach(o -> existing.add(o.getName()));
        Map<String, OnnxMl.ValueInfoProto> infos = new LinkedHashMap<>();
        g.getValueInfoList().forEach(v -> infos.put(v.getName(), v));
        for (String t : capture) {
            if (existing.add(t)) {
                OnnxMl.ValueInfoProto vi = infos.get(t);
                if (vi == null || !vi.hasType()) {
                    vi = OnnxMl.ValueInfoProto.newBuilder().setName(t).setType(OnnxMl.TypeProto.newBuilder()
                            .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(1))).build();
                }
                g.addOutput(vi);
            }
        }
        return model.proto().toBuilder().setGraph(g).build().toByteArray();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public void close() {
        try {
            closePinned();
            session.close();
        } catch (OrtException e) {
            // closing a session cannot be acted on by the user; nothing else holds it
        } finally {
            options.close();
        }
    }
}
