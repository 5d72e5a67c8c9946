package org.quantscope.cli;

import org.quantscope.core.InputException;
import org.quantscope.core.data.Batch;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.DatasetLoader;
import org.quantscope.core.eval.EvaluationResult;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.eval.Evaluator;
import org.quantscope.core.eval.ModelInputs;
import org.quantscope.core.onnx.BareRuntimeLoop;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.sim.QuantizationSimulator;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;
import org.quantscope.report.Json;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code quantscope bench}: measurements behind the performance targets (docs/benchmarks.md).
 * <ul>
 *   <li>{@code eval}: throughput of QuantScope's FP32 evaluation (reading and preprocessing the data included)
 *       against a bare ONNX Runtime loop over the same, already prepared tensors;</li>
 *   <li>{@code quantize}: throughput of the simulated (fake-quantized) model against the FP32 model, both evaluated
 *       by QuantScope's {@link Evaluator} on the same data with the same threads;</li>
 *   <li>{@code calibration}: peak resident memory and peak Java heap of calibration alone
 *       ({@link QuantizationSimulator#prepare}); run one JVM per calibration size;</li>
 *   <li>{@code diagnose}: time and peak memory of the layer diagnosis, and its per-layer phase with activations
 *       cached at the layer cuts versus full re-runs from the model input ({@link DiagnoseBench}).</li>
 * </ul>
 * Throughput rounds alternate between the two sides, each with a fresh session (only one alive at a time); after
 * unmeasured warm-up rounds (JIT compilation of the data path), the median of the measured rounds is reported, and
 * the cold first round separately.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Benchmarks. 'bench eval': evaluation throughput versus a bare ONNX Runtime loop. "
                + "'bench quantize': simulated quantized versus FP32 throughput. 'bench calibration': peak memory of "
                + "calibration (one --calib-size per process). 'bench diagnose': layer diagnosis time and peak memory, "
                + "per-layer sensitivity from cached activations versus full re-runs.")
final class BenchCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "WHAT", description = "What to measure: ${COMPLETION-CANDIDATES}.")
    Target target;

    @Mixin
    ModelOptions modelOptions;

    @ArgGroup(exclusive = false, heading = "Data%n")
    DataOptions dataOptions = new DataOptions();

    @Option(names = "--batch", defaultValue = "256", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", defaultValue = "0", description = "ONNX Runtime intra-op threads (0 = all cores).")
    int threads;

    @Option(names = "--repeat", defaultValue = "5", description = "Measured repetitions of each (default ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--warmup", defaultValue = "5",
            description = "Unmeasured rounds first, so the JIT has compiled the data path (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "quantize: evaluate only the first N test samples (0 = all).")
    int limit;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "1000",
            description = "diagnose: test samples the diagnosis runs on (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the figures as JSON.")
    Path json;

    /** Quantization and calibration options (quantize, calibration; --calib-size is what calibration varies). */
    @Mixin
    QuantOptions quant;

    @Spec
    CommandSpec spec;

    /** Benchmarks available. */
    enum Target { eval, quantize, calibration, diagnose }

    @Override
    public Integer call() {
        if (repeat < 1 || batch < 1 || warmup < 0) {
            throw new InputException("--repeat and --batch must be at least 1, --warmup at least 0.");
        }
        return switch (target) {
            case eval -> eval();
            case quantize -> quantize();
            case calibration -> calibration();
            case diagnose -> new DiagnoseBench(this).run();
        };
    }

    private int eval() {
        PrintWriter out = spec.commandLine().getOut();
        OnnxModel model = OnnxModelLoader.load(modelOptions.resolveModel());
        CancellationToken cancel = CliCancellation.onInterrupt();
        try (Dataset data = DatasetLoader.open(dataOptions.toSpec(modelOptions.demo, 0), ModelInputs.expected(model),
                ProgressListener.NONE, cancel)) {
            List<float[]> batches = new ArrayList<>();
            List<long[]> shapes = new ArrayList<>();
            List<int[]> labels = new ArrayList<>();
            for (int from = 0; from < data.size(); from += batch) {
                Batch b = data.read(from, Math.min(data.size(), from + batch));
                batches.add(b.data());
                shapes.add(b.shape());
                labels.add(b.labels());
            }
            int n = data.size();
            EvaluationSettings settings = new EvaluationSettings(batch, 0);
            double[] app = new double[repeat];
            double[] bare = new double[repeat];
            double accApp = 0;
            int correctBare = 0;
            double firstApp = 0;
            // Only one session lives at a time: ONNX Runtime's worker threads keep spinning after a run and would
            // otherwise slow down whichever side runs next.
            for (int r = -warmup; r < repeat; r++) {
                double a;
                double b;
                try (InferenceSession session = InferenceSession.open(model, new SessionSettings(threads, true))) {
                    EvaluationResult res = Evaluator.evaluate(session, data, settings, ProgressListener.NONE, cancel);
                    a = n / res.seconds();
                    accApp = res.accuracy();
                }
                try (BareRuntimeLoop bareLoop = new BareRuntimeLoop(model, threads)) {
                    long t0 = System.nanoTime();
                    correctBare = bareLoop.correctPredictions(batches, shapes, labels);
                    b = n / ((System.nanoTime() - t0) / 1e9);
                }
                if (r == -warmup) {
                    firstApp = a;
                }
                out.printf("%s %d: QuantScope %.0f images/s, bare ONNX Runtime %.0f images/s%n",
                        r < 0 ? "warm-up" : "run", r < 0 ? r + warmup + 1 : r + 1, a, b);
                if (r >= 0) {
                    app[r] = a;
                    bare[r] = b;
                }
            }
            double mApp = median(app);
            double mBare = median(bare);
            double overhead = mBare / mApp - 1;
            out.printf("%nmedian of %d: QuantScope %.0f images/s, bare ONNX Runtime %.0f images/s, overhead %.1f %%%n",
                    repeat, mApp, mBare, 100 * overhead);
            out.printf("accuracy: QuantScope %.4f, bare loop %.4f (must agree)%n", accApp, correctBare / (double) n);
            out.printf("first round in this process (cold JIT): %.0f images/s%n", firstApp);
            if (json != null) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("benchmark", "eval");
                m.put("model", model.path().toString());
                m.put("modelSha256", model.sha256());
                m.put("samples", n);
                m.put("batch", batch);
                m.put("threads", threads);
                m.put("cores", Runtime.getRuntime().availableProcessors());
                m.put("quantscopeImagesPerSecond", app);
                m.put("bareImagesPerSecond", bare);
                m.put("medianQuantscope", mApp);
                m.put("medianBare", mBare);
                m.put("overhead", overhead);
                m.put("warmupRounds", warmup);
                m.put("firstQuantscopeImagesPerSecond", firstApp);
                Json.write(m, json);
            }
        }
        return 0;
    }

    /**
     * Prepares the quantized model once, then alternates FP32 and simulated evaluation rounds over the same dataset
     * with the same session settings (the simulated side with QDQ fusion off, exactly as {@code quantize} runs it).
     */
    private int quantize() {
        PrintWriter out = spec.commandLine().getOut();
        OnnxModel model = OnnxModelLoader.load(modelOptions.resolveModel());
        QuantSettings settings = quant.settings();
        CalibrationSettings calibration = quant.calibration();
        CancellationToken cancel = CliCancellation.onInterrupt();
        SessionSettings session = new SessionSettings(threads, true);
        try (Dataset test = DatasetLoader.open(dataOptions.toSpec(modelOptions.demo, limit), ModelInputs.expected(model),
                ProgressListener.NONE, cancel);
             Dataset pool = DatasetLoader.open(quant.calibSpec(modelOptions.demo, dataOptions),
                     ModelInputs.expected(model), false, ProgressListener.NONE, cancel)) {
            long p0 = System.nanoTime();
            QuantizedModel qm = QuantizationSimulator.prepare(model, settings, pool, calibration, session,
                    ProgressListener.NONE, cancel);
            double prepareSeconds = (System.nanoTime() - p0) / 1e9;
            int n = test.size();
            EvaluationSettings eval = new EvaluationSettings(batch, 0);
            double[] fp = new double[repeat];
            double[] sim = new double[repeat];
            double accFp = 0;
            double accSim = 0;
            double firstFp = 0;
            double firstSim = 0;
            int simRun = Math.min(batch, QuantizationSimulator.SIMULATION_RUN_SAMPLES);
            out.printf("%s, %s weights, %s convention, %d-bit weights, %d-bit activations; prepared in %.1f s%n",
                    model.path().getFileName(), name(settings.weightGranularity()), name(settings.convention()),
                    settings.weightBits(), settings.activationBits(), prepareSeconds);
            out.printf("FP32: batches of %d; simulated: batches of %d, run in ONNX Runtime %d samples at a time "
                    + "(as 'quantize' runs it)%n", batch, batch, simRun);
            double[] fpCpu = new double[repeat];
            double[] simCpu = new double[repeat];
            for (int r = -warmup; r < repeat; r++) {
                double a;
                double b;
                long c0 = processCpuNanos();
                try (InferenceSession s = InferenceSession.open(model, session)) {
                    EvaluationResult res = Evaluator.evaluate(s, test, eval, ProgressListener.NONE, cancel);
                    a = n / res.seconds();
                    accFp = res.accuracy();
                }
                long c1 = processCpuNanos();
                EvaluationResult q = QuantizationSimulator.evaluate(qm, test, eval, session, ProgressListener.NONE,
                        cancel);
                long c2 = processCpuNanos();
                b = n / q.seconds();
                accSim = q.accuracy();
                if (r >= 0 && c0 >= 0) {
                    fpCpu[r] = n / ((c1 - c0) / 1e9);
                    simCpu[r] = n / ((c2 - c1) / 1e9);
                }
                if (r == -warmup) {
                    firstFp = a;
                    firstSim = b;
                }
                out.printf("%s %d: FP32 %.0f images/s, simulated %.0f images/s (%.2fx)%n",
                        r < 0 ? "warm-up" : "run", r < 0 ? r + warmup + 1 : r + 1, a, b, b / a);
                if (r >= 0) {
                    fp[r] = a;
                    sim[r] = b;
                }
            }
            double mFp = median(fp);
            double mSim = median(sim);
            double[] ratios = new double[repeat];
            for (int i = 0; i < repeat; i++) {
                ratios[i] = sim[i] / fp[i];
            }
            out.printf("%nmedian of %d: FP32 %.0f images/s, simulated %.0f images/s, ratio %.2f (median of per-round "
                    + "ratios %.2f)%n", repeat, mFp, mSim, mSim / mFp, median(ratios));
            out.printf("per CPU second of the process (session creation included; a steadier figure on a busy "
                    + "machine with --threads 1): FP32 %.0f, simulated %.0f images, ratio %.2f%n", median(fpCpu),
                    median(simCpu), median(simCpu) / median(fpCpu));
            out.printf("accuracy: FP32 %.4f, simulated %.4f%n", accFp, accSim);
            out.printf("first round in this process (cold JIT): FP32 %.0f images/s, simulated %.0f images/s%n",
                    firstFp, firstSim);
            if (json != null) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("benchmark", "quantize");
                m.put("model", model.path().toString());
                m.put("modelSha256", model.sha256());
                m.put("settings", qm.settings().describe());
                m.put("calibrationSize", calibration.size());
                m.put("samples", n);
                m.put("batch", batch);
                m.put("simulationRunSamples", simRun);
                m.put("threads", threads);
                m.put("cores", Runtime.getRuntime().availableProcessors());
                m.put("prepareSeconds", prepareSeconds);
                m.put("fp32ImagesPerSecond", fp);
                m.put("simulatedImagesPerSecond", sim);
                m.put("medianFp32", mFp);
                m.put("medianSimulated", mSim);
                m.put("ratio", mSim / mFp);
                m.put("medianRoundRatio", median(ratios));
                m.put("fp32ImagesPerCpuSecond", fpCpu);
                m.put("simulatedImagesPerCpuSecond", simCpu);
                m.put("cpuRatio", median(simCpu) / median(fpCpu));
                m.put("fp32Accuracy", accFp);
                m.put("simulatedAccuracy", accSim);
                m.put("warmupRounds", warmup);
                m.put("firstFp32ImagesPerSecond", firstFp);
                m.put("firstSimulatedImagesPerSecond", firstSim);
                Json.write(m, json);
            }
        }
        return 0;
    }

    /**
     * Runs calibration only ({@link QuantizationSimulator#prepare}) and reports the peak resident set (VmHWM, reset
     * through {@code /proc/self/clear_refs} once model and pool are loaded, where the kernel allows it) and the peak
     * Java heap (sum of the heap pools' peaks, reset just before calibration), plus the heap still in use after a
     * full GC with the result held. Only one size per process: a JVM never gives back what an earlier, larger run
     * made it reserve, so sizes must be compared in separate processes.
     */
    private int calibration() {
        PrintWriter out = spec.commandLine().getOut();
        OnnxModel model = OnnxModelLoader.load(modelOptions.resolveModel());
        QuantSettings settings = quant.settings();
        CalibrationSettings calibration = quant.calibration();
        CancellationToken cancel = CliCancellation.onInterrupt();
        SessionSettings session = new SessionSettings(threads, true);
        try (Dataset pool = DatasetLoader.open(quant.calibSpec(modelOptions.demo, dataOptions),
                ModelInputs.expected(model), false, ProgressListener.NONE, cancel)) {
            if (calibration.size() > pool.size()) {
                throw new InputException("--calib-size " + calibration.size() + " exceeds the calibration pool ("
                        + pool.size() + " samples in " + pool.description() + ").");
            }
            System.gc();
            long rssBefore = procStatusKiB("VmRSS");
            long hwmAtStart = procStatusKiB("VmHWM");
            boolean hwmReset = resetPeakRss();
            List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP).toList();
            long heapBefore = heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
            heap.forEach(MemoryPoolMXBean::resetPeakUsage);
            long t0 = System.nanoTime();
            QuantizedModel qm = QuantizationSimulator.prepare(model, settings, pool, calibration, session,
                    ProgressListener.NONE, cancel);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long peakHeap = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            long hwm = procStatusKiB("VmHWM");
            long rssAfter = procStatusKiB("VmRSS");
            System.gc();
            long heapAfterGc = heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
            int quantizers = qm.quantizers().size();
            out.printf("%s: calibration with %d of %d samples (batch %d) took %.2f s, %d quantizers%n",
                    model.path().getFileName(), calibration.size(), pool.size(), calibration.batchSize(), seconds,
                    quantizers);
            out.printf("peak RSS (VmHWM) %s MiB%s; RSS before %s MiB, after %s MiB%n", mib(hwm * 1024),
                    hwmReset ? " (reset before calibration)" : " (whole process: /proc/self/clear_refs not writable)",
                    mib(rssBefore * 1024), mib(rssAfter * 1024));
            out.printf("peak Java heap used %s MiB (before %s MiB); after a full GC, result held: %s MiB%n",
                    mib(peakHeap), mib(heapBefore), mib(heapAfterGc));
            if (json != null) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("benchmark", "calibration");
                m.put("model", model.path().toString());
                m.put("modelSha256", model.sha256());
                m.put("calibrationSize", calibration.size());
                m.put("poolSize", pool.size());
                m.put("calibrationBatch", calibration.batchSize());
                m.put("threads", threads);
                m.put("seconds", seconds);
                m.put("peakRssKiB", hwm);
                m.put("peakRssResetBeforeCalibration", hwmReset);
                m.put("peakRssAtStartKiB", hwmAtStart);
                m.put("rssBeforeKiB", rssBefore);
                m.put("rssAfterKiB", rssAfter);
                m.put("peakHeapUsedBytes", peakHeap);
                m.put("heapUsedBeforeBytes", heapBefore);
                m.put("heapUsedAfterGcBytes", heapAfterGc);
                m.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
                m.put("quantizers", quantizers);
                Json.write(m, json);
            }
        }
        return 0;
    }

    /** CPU time of the whole JVM process (all threads, ONNX Runtime's included), or -1 where not available. */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** A field of /proc/self/status in KiB, or -1 where there is no /proc (not Linux). */
    static long procStatusKiB(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Resets VmHWM to the current RSS (Linux 4.0+: writing 5 to clear_refs); false where that is not allowed. */
    static boolean resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format(java.util.Locale.ROOT, "%.1f", bytes / 1048576.0);
    }

    private static String name(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
