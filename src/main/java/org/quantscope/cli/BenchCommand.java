package org.quantscope.cli;

import org.quantscope.core.CpuInfo;
import org.quantscope.core.InputException;
import org.quantscope.core.Version;
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
import org.quantscope.core.sim.QuantizationSimulator;
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
 *       cached at the layer cuts versus full re-runs from the model input ({@link DiagnoseBench});</li>
 *   <li>{@code reliability}: time of a reliability experiment, preparation and trials ({@link ReliabilityBench});</li>
 *   <li>{@code fixes}: time of each post-training fix ({@link FixesBench}).</li>
 * </ul>
 * Throughput rounds alternate between the two sides, each with a fresh session (only one alive at a time); after
 * unmeasured warm-up rounds (JIT compilation of the data path), the median of the measured rounds is reported, and
 * the cold first round separately.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Benchmarks. 'bench eval': evaluation throughput versus a bare ONNX Runtime loop. "
                + "'bench eval-folder': an image folder's decode rate, its evaluation and a bare ONNX Runtime loop on "
                + "decoded tensors of the same count, peak memory. 'bench quantize': simulated quantized versus FP32 throughput. 'bench calibration': peak memory of "
                + "calibration (one --calib-size per process). 'bench diagnose': layer diagnosis time and peak memory, "
                + "per-layer sensitivity from cached activations versus full re-runs. 'bench reliability': time of a "
                + "reliability experiment (--trials, --calib-size). 'bench fixes': time of each post-training fix (the ones given, "
                + "or all; AdaRound with its defaults, 10,000 iterations and 1,024 samples).")
final class BenchCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "WHAT", converter = TargetConverter.class,
            description = "What to measure: eval, eval-folder, quantize, calibration, diagnose, reliability, fixes.")
    Target target;

    @Mixin
    ModelOptions modelOptions;

    @ArgGroup(exclusive = false, heading = "Data%n")
    DataOptions dataOptions = new DataOptions();

    @Option(names = "--batch", defaultValue = "256", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", defaultValue = "0", description = ThreadOption.DESCRIPTION)
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

    @Option(names = "--trials", paramLabel = "K", defaultValue = "50",
            description = "reliability: calibration seeds (default ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--parallel", paramLabel = "P", defaultValue = "0",
            description = "reliability: trials run at once (0 = one per core).")
    int parallel;

    @Option(names = "--cache-mib", paramLabel = "M", defaultValue = "256",
            description = "reliability: memory for activations cached where trials share the graph (0 = off).")
    long cacheMib;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the figures as JSON.")
    Path json;

    @Option(names = "--bare-images", paramLabel = "N", defaultValue = "256",
            description = "eval-folder: images decoded once for the bare ONNX Runtime loop, which cycles them to the "
                    + "folder's count (default ${DEFAULT-VALUE}; memory stays flat in the folder size).")
    int bareImages;

    @Option(names = "--reference", paramLabel = "NPY",
            description = "eval-folder: the folder preprocessed elsewhere (e.g. Pillow/torchvision with "
                    + "tools/image_folder_reference.py), same order; prints the pixel difference and top-1 agreement.")
    Path reference;

    @Option(names = "--execution-variants",
            description = "quantize: also time, interleaved, each way of running the two graphs: FP32 one run at a "
                    + "time or one run per core at once; the simulation graph with and without the quantizer "
                    + "relayout, one run at a time or one per core.")
    boolean executionVariants;

    /** Quantization and calibration options (quantize, calibration; --calib-size is what calibration varies). */
    @Mixin
    QuantOptions quant;

    @Spec
    CommandSpec spec;

    /** Benchmarks available. */
    enum Target { eval, eval_folder, quantize, calibration, diagnose, reliability, fixes }

    /** Reads a target name as written on the command line ({@code eval-folder}). */
    static final class TargetConverter implements picocli.CommandLine.ITypeConverter<Target> {
        @Override
        public Target convert(String value) {
            String v = value.trim().toLowerCase(java.util.Locale.ROOT).replace('-', '_');
            for (Target t : Target.values()) {
                if (t.name().equals(v)) {
                    return t;
                }
            }
            throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a benchmark; choose one of "
                    + "eval, eval-folder, quantize, calibration, diagnose, reliability, fixes");
        }
    }

    @Override
    public Integer call() {
        if (repeat < 1 || batch < 1 || warmup < 0) {
            throw new InputException("--repeat and --batch must be at least 1, --warmup at least 0.");
        }
        OutputFiles.check("--json", json);
        if (target != Target.fixes && quant.fixes().any()) {
            throw new InputException("bench " + target + " measures quantization without post-training fixes; drop "
                    + "--cle, --bias-absorption, --bias-correction and --adaround (or use 'bench fixes')");
        }
        spec.commandLine().getOut().printf("CPU: %s; %d cores; %s%n", CpuInfo.current().describe(),
                Runtime.getRuntime().availableProcessors(), Version.runtime());
        return switch (target) {
            case eval -> eval();
            case eval_folder -> new EvalFolderBench(this).run();
            case quantize -> new QuantizeBench(this).run();
            case calibration -> new CalibrationBench(this).run();
            case diagnose -> new DiagnoseBench(this).run();
            case reliability -> new ReliabilityBench(this).run();
            case fixes -> new FixesBench(this).run();
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
            SessionSettings appSession = ThreadOption.settings(threads).forEvaluation();
            out.printf("%s, %d samples; QuantScope: batches of %d read from the file, %d samples per ONNX Runtime run, "
                    + "%d run(s) at once; bare loop: prepared batches of %d, one run at a time on %s%n",
                    model.path().getFileName(), n, batch, Math.min(batch, org.quantscope.core.eval.Evaluator.RUN_SAMPLES),
                    appSession.concurrentRuns(), batch, threads > 0 ? threads + " thread(s)" : "ONNX Runtime's default threads");
            // Only one session lives at a time: ONNX Runtime's worker threads keep spinning after a run and would
            // otherwise slow down whichever side runs next.
            for (int r = -warmup; r < repeat; r++) {
                double a;
                double b;
                try (InferenceSession session = InferenceSession.open(model, appSession)) {
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
                writeJson(m);
            }
        }
        return 0;
    }

    /**
     * Writes a benchmark's figures to {@code --json} with the processor they were measured on (model, the flags that
     * decide ONNX Runtime's kernels, cores) and the software versions: figures from an AVX2 and an AVX-512 machine
     * are not comparable.
     */
    void writeJson(Map<String, Object> figures) {
        Map<String, Object> m = new LinkedHashMap<>(figures);
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("model", CpuInfo.current().model());
        cpu.put("flags", CpuInfo.current().relevantFlags());
        cpu.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("cpu", cpu);
        m.put("runtime", Version.runtime());
        m.put("quantscopeVersion", Version.version());
        Json.write(m, json);
    }

    /** CPU time of the whole JVM process (all threads, ONNX Runtime's included), or -1 where not available. */
    static long processCpuNanos() {
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

    static String name(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
