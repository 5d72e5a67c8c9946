package org.quantscope.cli;

import org.quantscope.core.InputException;
import org.quantscope.core.data.Batch;
import org.quantscope.core.data.BatchPrefetcher;
import org.quantscope.core.data.DataSpec;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.DatasetLoader;
import org.quantscope.core.data.ImageFolderDataset;
import org.quantscope.core.data.Preprocessing;
import org.quantscope.core.eval.EvaluationResult;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.eval.Evaluator;
import org.quantscope.core.eval.ModelInputs;
import org.quantscope.core.onnx.BareRuntimeLoop;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench eval-folder}: what decoding an image folder costs, so that it is visible next to the model's own time.
 * Three rates over the same number of images, each a full pass, one after the other:
 * <ol>
 *   <li>decode only: the folder read through QuantScope's data path (listing order, batches of
 *       {@link Evaluator#runSamples} read ahead by {@link BatchPrefetcher}, images decoded, resized, cropped and
 *       normalized on the decode threads), no model;</li>
 *   <li>QuantScope: the FP32 evaluation of the folder ({@link Evaluator}, decoding included), as {@code eval} runs it;
 *       </li>
 *   <li>bare ONNX Runtime: {@link BareRuntimeLoop} over already decoded tensors of the same count (the first
 *       {@code --bare-images} images decoded once before the clock starts and cycled), as many runs of the
 *       same size at once as the evaluation runs.</li>
 * </ol>
 * Memory stays flat in the folder size: no pass holds more than a few batches, and the bare loop's tensors are a
 * fixed number of images. Peak resident memory is printed. With {@code --reference X.npy} (the folder preprocessed by
 * Pillow/torchvision in the same order, {@code tools/image_folder_reference.py folder}) it also prints the largest
 * and mean difference of the decoded values in 0..255 pixel units and how many top-1 predictions agree.
 */
final class EvalFolderBench {

    private final BenchCommand cmd;

    EvalFolderBench(BenchCommand cmd) {
        this.cmd = cmd;
    }

    int run() {
        PrintWriter out = cmd.spec.commandLine().getOut();
        OnnxModel model = OnnxModelLoader.load(cmd.modelOptions.resolveModel());
        CancellationToken cancel = CliCancellation.onInterrupt();
        DataSpec spec = cmd.dataOptions.toSpec(cmd.modelOptions.demo, cmd.limit);
        if (!java.nio.file.Files.isDirectory(spec.data())) {
            throw new InputException("bench eval-folder measures an image folder; " + spec.data() + " is not a folder"
                    + " (use 'bench eval' for arrays)");
        }
        SessionSettings appSession = ThreadOption.settings(cmd.threads).forEvaluation();
        Map<String, Object> m = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        try (Dataset data = DatasetLoader.open(spec, ModelInputs.expected(model), ProgressListener.NONE, cancel)) {
            double listSeconds = (System.nanoTime() - t0) / 1e9;
            ImageFolderDataset folder = unwrap(data);
            int n = data.size();
            // the evaluation's run size, so that the three passes read and run the same batches
            int run = Evaluator.runSamples(Evaluator.RUN_SAMPLES, data.sampleLength());
            out.printf(Locale.ROOT, "%s on %s; listing %.2f s%n", model.path().getFileName(), data.description(),
                    listSeconds);
            out.printf(Locale.ROOT, "decode threads %d; QuantScope and the bare loop: %d run(s) of %d images at once, "
                    + "%s; %d cores%n", folder.decodeThreads(), appSession.concurrentRuns(), run,
                    cmd.threads > 0 ? cmd.threads + " ONNX Runtime thread(s) each" : appSession.concurrentRuns() > 1
                    ? "one thread each" : "ONNX Runtime's default threads", Runtime.getRuntime().availableProcessors());
            List<Double> decode = new ArrayList<>();
            List<Double> app = new ArrayList<>();
            List<Double> bare = new ArrayList<>();
            EvaluationResult last = null;
            int bareImages = Math.min(n, Math.max(run, cmd.bareImages));
            List<float[]> tensors = new ArrayList<>();
            List<long[]> shapes = new ArrayList<>();
            List<int[]> labels = new ArrayList<>();
            for (int from = 0; from < bareImages; from += run) {
                Batch b = data.read(from, Math.min(bareImages, from + run));
                if (b.count() > 0) {
                    tensors.add(b.data());
                    shapes.add(b.shape());
                    labels.add(b.labels());
                }
            }
            for (int r = -cmd.warmup; r < cmd.repeat; r++) {
                double d = decodeOnly(data, n, run, cancel);
                double a;
                try (InferenceSession session = InferenceSession.open(model, appSession)) {
                    last = Evaluator.evaluate(session, data, new EvaluationSettings(run, 0), ProgressListener.NONE,
                            cancel);
                    a = last.samples() / last.seconds();
                }
                double b = bareLoop(model, tensors, shapes, labels, last.samples(), appSession.concurrentRuns(),
                        cancel);
                out.printf(Locale.ROOT, "%s %d: decode only %.1f images/s, QuantScope eval %.1f images/s, bare ONNX "
                        + "Runtime %.1f images/s%n", r < 0 ? "warm-up" : "run", r < 0 ? r + cmd.warmup + 1 : r + 1, d,
                        a, b);
                if (r >= 0) {
                    decode.add(d);
                    app.add(a);
                    bare.add(b);
                }
            }
            double md = BenchCommand.median(decode.stream().mapToDouble(Double::doubleValue).toArray());
            double ma = BenchCommand.median(app.stream().mapToDouble(Double::doubleValue).toArray());
            double mb = BenchCommand.median(bare.stream().mapToDouble(Double::doubleValue).toArray());
            long rss = BenchCommand.procStatusKiB("VmHWM");
            out.printf(Locale.ROOT, "%nmedian of %d: decode only %.1f images/s (%.2f ms of wall time per image on %d "
                    + "decode thread(s)), QuantScope eval %.1f images/s, bare ONNX Runtime on decoded tensors %.1f "
                    + "images/s: "
                    + "evaluation from the folder takes %.2fx the bare loop's time%n", cmd.repeat, md,
                    1000.0 / md, folder.decodeThreads(), ma, mb, mb / ma);
            out.printf(Locale.ROOT, "images %d (%d skipped as unreadable), accuracy %.4f; peak resident memory %s MiB, "
                    + "heap limit %s MiB%n", n, data.skippedFiles().size(), last.accuracy(),
                    BenchCommand.mib(rss < 0 ? -1 : rss * 1024), BenchCommand.mib(Runtime.getRuntime().maxMemory()));
            SkippedFilesReport.warn(cmd.spec.commandLine().getErr(), "folder", data);
            m.put("benchmark", "eval-folder");
            m.put("model", model.path().toString());
            m.put("modelSha256", model.sha256());
            m.put("data", data.description());
            m.put("images", n);
            m.put("skippedFiles", data.skippedFiles().size());
            m.put("decodeThreads", folder.decodeThreads());
            m.put("concurrentRuns", appSession.concurrentRuns());
            m.put("threads", cmd.threads);
            m.put("runSamples", run);
            m.put("bareImagesCycled", bareImages);
            m.put("listingSeconds", listSeconds);
            m.put("decodeImagesPerSecond", decode);
            m.put("quantscopeImagesPerSecond", app);
            m.put("bareImagesPerSecond", bare);
            m.put("medianDecode", md);
            m.put("medianQuantscope", ma);
            m.put("medianBare", mb);
            m.put("accuracy", last.accuracy());
            m.put("peakRssKiB", rss);
            m.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
            if (cmd.reference != null) {
                m.putAll(compare(out, model, data, last, appSession, cancel));
            }
        }
        if (cmd.json != null) {
            cmd.writeJson(m);
        }
        return 0;
    }

    private static ImageFolderDataset unwrap(Dataset d) {
        Dataset x = d;
        while (x instanceof org.quantscope.core.data.SubsetDataset s) {
            x = s.base();
        }
        if (x instanceof ImageFolderDataset f) {
            return f;
        }
        throw new InputException(d.description() + " is not an image folder");
    }

    /**
     * Images per second of {@code runs} bare loops at once (as many as the evaluation runs at once, each on
     * {@code --threads} threads, or one thread when automatic), together doing {@code count} images from the decoded
     * tensors, cycled.
     */
    private double bareLoop(OnnxModel model, List<float[]> tensors, List<long[]> shapes, List<int[]> labels,
                            int count, int runs, CancellationToken cancel) {
        int threadsEach = cmd.threads > 0 ? cmd.threads : runs > 1 ? 1 : 0;
        List<BareRuntimeLoop> loops = new ArrayList<>();
        try {
            for (int w = 0; w < runs; w++) {
                loops.add(new BareRuntimeLoop(model, threadsEach));
            }
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicReference<RuntimeException> failure =
                    new java.util.concurrent.atomic.AtomicReference<>();
            long s = System.nanoTime();
            List<Thread> threads = new ArrayList<>();
            for (BareRuntimeLoop loop : loops) {
                Thread t = new Thread(() -> {
                    try {
                        while (done.get() < count && failure.get() == null && !cancel.isCancelled()) {
                            int i = next.getAndIncrement() % tensors.size();
                            if (done.addAndGet(labels.get(i).length) - labels.get(i).length >= count) {
                                break;
                            }
                            loop.correctPredictions(List.of(tensors.get(i)), List.of(shapes.get(i)),
                                    List.of(labels.get(i)));
                        }
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    }
                }, "quantscope-bare-loop");
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new org.quantscope.core.util.CancelledException();
                }
            }
            if (failure.get() != null) {
                throw failure.get();
            }
            cancel.throwIfCancelled();
            return Math.min(done.get(), count) / ((System.nanoTime() - s) / 1e9);
        } finally {
            loops.forEach(BareRuntimeLoop::close);
        }
    }

    /** Images per second of reading the whole data set as the evaluation does, without running the model. */
    private static double decodeOnly(Dataset data, int n, int run, CancellationToken cancel) {
        long s = System.nanoTime();
        int done = 0;
        try (BatchPrefetcher batches = new BatchPrefetcher(data, n, run, 1, 2)) {
            while (batches.hasNext()) {
                cancel.throwIfCancelled();
                done += batches.next().count();
            }
        }
        return done / ((System.nanoTime() - s) / 1e9);
    }

    /**
     * Compares the folder's decoded values with a reference array of the same samples (same order) and the top-1
     * predictions made from each.
     */
    private Map<String, Object> compare(PrintWriter out, OnnxModel model, Dataset data, EvaluationResult folderResult,
                                        SessionSettings session, CancellationToken cancel) {
        java.nio.file.Path descFile = cmd.dataOptions.description != null ? cmd.dataOptions.description
                : org.quantscope.core.data.DatasetDescription.findFor(cmd.dataOptions.data);
        Preprocessing p = cmd.dataOptions.toSpec(false, 0).preprocessing().resolve(descFile == null ? null
                : org.quantscope.core.data.DatasetDescription.read(descFile));
        Map<String, Object> m = new LinkedHashMap<>();
        try (Dataset ref = DatasetLoader.open(DataSpec.of(cmd.reference).withLabels(null).withDecodeThreads(1),
                new org.quantscope.core.data.ExpectedInput(null, data.sampleShape(), -1), false,
                ProgressListener.NONE, cancel)) {
            if (ref.size() != data.size()) {
                throw new InputException(cmd.reference + " holds " + ref.size() + " samples, the folder "
                        + data.size() + "; make the reference from the same folder");
            }
            int channels = data.sampleShape()[0];
            int plane = data.sampleLength() / channels;
            double max = 0;
            double sum = 0;
            long count = 0;
            long over1 = 0;
            for (int from = 0; from < data.size(); from += 32) {
                cancel.throwIfCancelled();
                int to = Math.min(data.size(), from + 32);
                Batch a = data.read(from, to);
                Batch b = ref.read(from, to);
                int[] pos = Batch.positionsIn(b.indices(), a.indices());
                for (int k = 0; k < a.count(); k++) {
                    for (int c = 0; c < channels; c++) {
                        // x = (raw * scale - mean) / std, so a difference in x is std / scale raw pixel units
                        double unit = p.stdOf(c) / p.scale();
                        for (int i = 0; i < plane; i++) {
                            int o = c * plane + i;
                            double d = Math.abs(a.data()[k * data.sampleLength() + o]
                                    - b.data()[pos[k] * data.sampleLength() + o]) * unit;
                            max = Math.max(max, d);
                            sum += d;
                            over1 += d >= 1.5 ? 1 : 0;
                            count++;
                        }
                    }
                }
            }
            // Reference predictions: the same samples from the array, labelled with the folder's labels.
            int[] labels = new int[data.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = data.label(i);
            }
            int agree = 0;
            int[] refPredictions = predictions(model, ref, session, cancel);
            int[] folderPredictions = folderResult.predictions();
            int skippedBefore = 0;
            java.util.Set<Integer> skipped = new java.util.HashSet<>();
            data.skippedFiles().forEach(f -> skipped.add(f.index()));
            for (int i = 0, j = 0; i < refPredictions.length; i++) {
                if (skipped.contains(i)) {
                    skippedBefore++;
                    continue;
                }
                agree += refPredictions[i] == folderPredictions[j++] ? 1 : 0;
            }
            int compared = refPredictions.length - skippedBefore;
            out.printf(Locale.ROOT, "against %s: |difference| in 0..255 pixel units max %.3f, mean %.4f, %.4f %% of "
                    + "values off by 1.5 or more; top-1 predictions agree on %d of %d images (%.2f %%)%n",
                    cmd.reference.getFileName(), max, sum / count, 100.0 * over1 / count, agree, compared,
                    100.0 * agree / compared);
            m.put("reference", cmd.reference.toString());
            m.put("maxAbsDifferencePixels", max);
            m.put("meanAbsDifferencePixels", sum / count);
            m.put("top1Agreement", agree / (double) compared);
        }
        return m;
    }

    private static int[] predictions(OnnxModel model, Dataset ref, SessionSettings session,
                                     CancellationToken cancel) {
        int[] out = new int[ref.size()];
        String output = model.outputs().get(0).name();
        try (InferenceSession s = InferenceSession.open(model, session.forEvaluation())) {
            for (int from = 0; from < ref.size(); from += 32) {
                Batch b = ref.read(from, Math.min(ref.size(), from + 32));
                float[] v = s.run(b.data(), b.shape(), List.of(output), cancel).get(output).data();
                int k = v.length / b.count();
                for (int i = 0; i < b.count(); i++) {
                    int best = 0;
                    for (int j = 1; j < k; j++) {
                        if (v[i * k + j] > v[i * k + best]) {
                            best = j;
                        }
                    }
                    out[from + i] = best;
                }
            }
        }
        return out;
    }
}
