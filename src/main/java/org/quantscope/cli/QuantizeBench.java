package org.quantscope.cli;

import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.DatasetLoader;
import org.quantscope.core.eval.EvaluationResult;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.eval.Evaluator;
import org.quantscope.core.eval.ModelInputs;
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

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bench quantize}: simulated versus FP32 evaluation throughput on the same data (issue 4). */
final class QuantizeBench {

    private final BenchCommand cmd;

    QuantizeBench(BenchCommand cmd) {
        this.cmd = cmd;
    }

    /**
     * Prepares the quantized model once, then alternates FP32 and simulated evaluation rounds over the same dataset
     * with the same session settings (the simulated side with QDQ fusion off, exactly as {@code quantize} runs it).
     */
    int run() {
        PrintWriter out = cmd.spec.commandLine().getOut();
        OnnxModel model = OnnxModelLoader.load(cmd.modelOptions.resolveModel());
        QuantSettings settings = cmd.quant.settings();
        CalibrationSettings calibration = cmd.quant.calibration();
        CancellationToken cancel = CliCancellation.onInterrupt();
        SessionSettings session = ThreadOption.settings(cmd.threads);
        try (Dataset test = DatasetLoader.open(cmd.dataOptions.toSpec(cmd.modelOptions.demo, cmd.limit), ModelInputs.expected(model),
                ProgressListener.NONE, cancel);
             Dataset pool = DatasetLoader.open(cmd.quant.calibSpec(cmd.modelOptions.demo, cmd.dataOptions),
                     ModelInputs.expected(model), false, ProgressListener.NONE, cancel)) {
            long p0 = System.nanoTime();
            QuantizedModel qm = QuantizationSimulator.prepare(model, settings, pool, calibration, session,
                    ProgressListener.NONE, cancel);
            double prepareSeconds = (System.nanoTime() - p0) / 1e9;
            int n = test.size();
            EvaluationSettings eval = new EvaluationSettings(cmd.batch, 0);
            double[] fp = new double[cmd.repeat];
            double[] sim = new double[cmd.repeat];
            double accFp = 0;
            double accSim = 0;
            double firstFp = 0;
            double firstSim = 0;
            int simRun = Math.min(cmd.batch, QuantizationSimulator.SIMULATION_RUN_SAMPLES);
            out.printf("%s, %s weights, %s convention, %d-bit weights, %d-bit activations; prepared in %.1f s%n",
                    model.path().getFileName(), BenchCommand.name(settings.weightGranularity()), BenchCommand.name(settings.convention()),
                    settings.weightBits(), settings.activationBits(), prepareSeconds);
            int cores = Runtime.getRuntime().availableProcessors();
            SessionSettings fpSession = session.forEvaluation();
            int chains;
            try (InferenceSession s = InferenceSession.open(qm.simulation(),
                    session.forSimulation().withRelayout(true).forEvaluation())) {
                chains = s.reordersRemoved();
            }
            out.printf("both graphs: batches of %d, run in ONNX Runtime %d samples at a time (as 'eval' and "
                    + "'quantize' run them)%n", cmd.batch, simRun);
            out.printf("both: %d run(s) at once on %d cores; simulation graph: %d layout copies (NCHWc reorders) around "
                    + "quantizers removed%n", fpSession.concurrentRuns(), cores, chains);
            double[] fpCpu = new double[cmd.repeat];
            double[] simCpu = new double[cmd.repeat];
            for (int r = -cmd.warmup; r < cmd.repeat; r++) {
                double a;
                double b;
                long c0 = BenchCommand.processCpuNanos();
                try (InferenceSession s = InferenceSession.open(model, session.forEvaluation())) {
                    EvaluationResult res = Evaluator.evaluate(s, test, eval, ProgressListener.NONE, cancel);
                    a = n / res.seconds();
                    accFp = res.accuracy();
                }
                long c1 = BenchCommand.processCpuNanos();
                EvaluationResult q = QuantizationSimulator.evaluate(qm, test, eval, session, ProgressListener.NONE,
                        cancel);
                long c2 = BenchCommand.processCpuNanos();
                b = n / q.seconds();
                accSim = q.accuracy();
                if (r >= 0 && c0 >= 0) {
                    fpCpu[r] = n / ((c1 - c0) / 1e9);
                    simCpu[r] = n / ((c2 - c1) / 1e9);
                }
                if (r == -cmd.warmup) {
                    firstFp = a;
                    firstSim = b;
                }
                out.printf("%s %d: FP32 %.0f images/s, simulated %.0f images/s (%.2fx)%n",
                        r < 0 ? "warm-up" : "run", r < 0 ? r + cmd.warmup + 1 : r + 1, a, b, b / a);
                if (r >= 0) {
                    fp[r] = a;
                    sim[r] = b;
                }
            }
            double mFp = BenchCommand.median(fp);
            double mSim = BenchCommand.median(sim);
            double[] ratios = new double[cmd.repeat];
            for (int i = 0; i < cmd.repeat; i++) {
                ratios[i] = sim[i] / fp[i];
            }
            out.printf("%nmedian of %d: FP32 %.0f images/s, simulated %.0f images/s, ratio %.2f (median of per-round "
                    + "ratios %.2f)%n", cmd.repeat, mFp, mSim, mSim / mFp, BenchCommand.median(ratios));
            out.printf("per CPU second of the process (session creation included; a steadier figure on a busy "
                    + "machine with --threads 1): FP32 %.0f, simulated %.0f images, ratio %.2f%n", BenchCommand.median(fpCpu),
                    BenchCommand.median(simCpu), BenchCommand.median(simCpu) / BenchCommand.median(fpCpu));
            out.printf("accuracy: FP32 %.4f, simulated %.4f%n", accFp, accSim);
            out.printf("first round in this process (cold JIT): FP32 %.0f images/s, simulated %.0f images/s%n",
                    firstFp, firstSim);
            if (cmd.json != null) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("benchmark", "quantize");
                m.put("model", model.path().toString());
                m.put("modelSha256", model.sha256());
                m.put("settings", qm.settings().describe());
                m.put("calibrationSize", calibration.size());
                m.put("samples", n);
                m.put("batch", cmd.batch);
                m.put("simulationRunSamples", simRun);
                m.put("concurrentRuns", fpSession.concurrentRuns());
                m.put("reordersRemoved", chains);
                m.put("threads", cmd.threads);
                m.put("cores", Runtime.getRuntime().availableProcessors());
                m.put("prepareSeconds", prepareSeconds);
                m.put("fp32ImagesPerSecond", fp);
                m.put("simulatedImagesPerSecond", sim);
                m.put("medianFp32", mFp);
                m.put("medianSimulated", mSim);
                m.put("ratio", mSim / mFp);
                m.put("medianRoundRatio", BenchCommand.median(ratios));
                m.put("fp32ImagesPerCpuSecond", fpCpu);
                m.put("simulatedImagesPerCpuSecond", simCpu);
                m.put("cpuRatio", BenchCommand.median(simCpu) / BenchCommand.median(fpCpu));
                m.put("fp32Accuracy", accFp);
                m.put("simulatedAccuracy", accSim);
                m.put("warmupRounds", cmd.warmup);
                m.put("firstFp32ImagesPerSecond", firstFp);
                m.put("firstSimulatedImagesPerSecond", firstSim);
                if (cmd.executionVariants) {
                    m.put("executionVariants", variants(out, model, qm, test, session, cancel));
                }
                cmd.writeJson(m);
            } else if (cmd.executionVariants) {
                variants(out, model, qm, test, session, cancel);
            }
        }
        return 0;
    }

    /** One way of running a graph for {@link #variants}. */
    private record Variant(String name, boolean simulation, int batch, boolean relayout, boolean concurrent) {
    }

    /**
     * Times every way of running the FP32 and the simulation graph, interleaved round by round (the machine's speed
     * drifts; interleaving spreads the drift over all variants), and prints the median of each. Every variant must
     * give the same accuracy as the others of its graph, or the benchmark fails.
     */
    private Map<String, Object> variants(PrintWriter out, OnnxModel model, QuantizedModel qm, Dataset test,
                                         SessionSettings session, CancellationToken cancel) {
        List<Variant> vs = List.of(
                new Variant("FP32, one run at a time", false, cmd.batch, false, false),
                new Variant("FP32, one run per core (eval's way)", false, cmd.batch, false, true),
                new Variant("simulated, one run at a time, no relayout", true, cmd.batch, false, false),
                new Variant("simulated, one run at a time, relayout", true, cmd.batch, true, false),
                new Variant("simulated, one run per core, no relayout", true, cmd.batch, false, true),
                new Variant("simulated, one run per core, relayout (quantize's way)", true, cmd.batch, true, true));
        double[][] t = new double[vs.size()][cmd.repeat];
        double[] acc = new double[vs.size()];
        out.printf("%nexecution variants, %d rounds after %d warm-up rounds, interleaved:%n", cmd.repeat, cmd.warmup);
        for (int r = -cmd.warmup; r < cmd.repeat; r++) {
            for (int k = 0; k < vs.size(); k++) {
                Variant v = vs.get(k);
                SessionSettings s = v.simulation() ? session.forSimulation().withRelayout(v.relayout()) : session;
                if (v.concurrent()) {
                    s = s.forEvaluation();
                }
                try (InferenceSession ses = InferenceSession.open(v.simulation() ? qm.simulation() : model, s)) {
                    EvaluationResult res = Evaluator.evaluate(ses, test, new EvaluationSettings(v.batch(), 0),
                            ProgressListener.NONE, cancel);
                    if (r >= 0) {
                        t[k][r] = test.size() / res.seconds();
                    }
                    acc[k] = res.accuracy();
                }
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int k = 0; k < vs.size(); k++) {
            Variant v = vs.get(k);
            int ref = v.simulation() ? 2 : 0;
            if (acc[k] != acc[ref]) {
                throw new IllegalStateException(v.name() + " gave accuracy " + acc[k] + ", " + vs.get(ref).name()
                        + " " + acc[ref] + ": the ways of running must agree");
            }
            double[] sorted = t[k].clone();
            java.util.Arrays.sort(sorted);
            out.printf("  %-58s %8.0f images/s (range %.0f-%.0f)%n", v.name(), BenchCommand.median(t[k]), sorted[0],
                    sorted[sorted.length - 1]);
            m.put(v.name(), BenchCommand.median(t[k]));
        }
        return m;
    }
}
