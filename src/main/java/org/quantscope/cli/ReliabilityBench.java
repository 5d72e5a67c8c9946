package org.quantscope.cli;

import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.DatasetLoader;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.eval.ModelInputs;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.reliability.Condition;
import org.quantscope.core.reliability.ConditionSummary;
import org.quantscope.core.reliability.Configuration;
import org.quantscope.core.reliability.Perturbation;
import org.quantscope.core.reliability.ReliabilityExperiment;
import org.quantscope.core.reliability.ReliabilityResult;
import org.quantscope.core.reliability.ReliabilitySettings;
import org.quantscope.core.reliability.TrialListener;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.transform.PtqPipeline;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench reliability}: wall-clock time of a reliability experiment (issue 7's target: 50 trials of 256
 * calibration samples on the demo, 10,000 test images, W8A8 per-tensor, under 60 s on 2 cores). Reports the whole
 * run (data loading excluded), the preparation (FP32 evaluation and the configuration, done once) and the trials,
 * the time per stage summed over the worker threads, and the peak resident memory.
 */
final class ReliabilityBench {

    private final BenchCommand cmd;

    ReliabilityBench(BenchCommand cmd) {
        this.cmd = cmd;
    }

    int run() {
        PrintWriter out = cmd.spec.commandLine().getOut();
        OnnxModel model = OnnxModelLoader.load(cmd.modelOptions.resolveModel());
        QuantSettings settings = cmd.quant.settingsFor(model);
        CalibrationSettings cal = cmd.quant.calibration();
        CancellationToken cancel = CliCancellation.onInterrupt();
        int parallel = cmd.parallel > 0 ? cmd.parallel : Math.max(1, Runtime.getRuntime().availableProcessors());
        int threads = cmd.threads > 0 ? cmd.threads : Math.max(1, Runtime.getRuntime().availableProcessors() / parallel);
        SessionSettings session = ThreadOption.settings(threads);
        try (Dataset test = DatasetLoader.open(cmd.dataOptions.toSpec(cmd.modelOptions.demo, cmd.limit),
                ModelInputs.expected(model), ProgressListener.NONE, cancel);
             Dataset pool = DatasetLoader.open(cmd.quant.calibSpec(cmd.modelOptions.demo, cmd.dataOptions),
                     ModelInputs.expected(model), false, ProgressListener.NONE, cancel)) {
            ReliabilitySettings rs = new ReliabilitySettings(cmd.trials, cal.seed(), cal.sampling(), cal.batchSize(),
                    Perturbation.NONE, List.of(Condition.baseline(cal.size())), parallel);
            Configuration config = new Configuration(ReliabilityOptions.label(settings, PtqPipeline.Fixes.NONE),
                    settings, PtqPipeline.Fixes.NONE);
            BenchCommand.resetPeakRss();
            long t0 = System.nanoTime();
            ReliabilityExperiment exp = ReliabilityExperiment.prepare(model, test, pool, List.of(config), rs,
                    new EvaluationSettings(cmd.batch, 0), session, cmd.cacheMib << 20, ProgressListener.NONE, cancel);
            long t1 = System.nanoTime();
            ReliabilityResult r = exp.run(TrialListener.NONE, ProgressListener.NONE, cancel);
            long t2 = System.nanoTime();
            double prepare = (t1 - t0) / 1e9;
            double trials = (t2 - t1) / 1e9;
            long rssKiB = BenchCommand.procStatusKiB("VmHWM");
            ConditionSummary s = r.summary(0, 0);
            out.printf(java.util.Locale.ROOT, "%s, %s; %d trials x (%d calibration + %d test samples); %d trial(s) "
                    + "at once, %d ONNX Runtime thread(s) each, %d cores%n", model.path().getFileName(),
                    config.label(), cmd.trials, cal.size(), test.size(), parallel, threads,
                    Runtime.getRuntime().availableProcessors());
            out.printf(java.util.Locale.ROOT, "total %.1f s: preparation %.1f s (FP32 evaluation, folding, weights, "
                    + "one calibration), trials %.1f s (%.2f s per trial, %.0f test images/s)%n", prepare + trials,
                    prepare, trials, trials / cmd.trials, cmd.trials * (double) test.size() / trials);
            Map<String, Double> stages = exp.stageSeconds();
            out.printf(java.util.Locale.ROOT, "per stage, summed over threads: %s; %d of %d trials evaluated from "
                    + "cached activations%n", stages, exp.cachedTrials(), cmd.trials);
            out.printf(java.util.Locale.ROOT, "peak RSS %s MiB; FP32 %.2f %%, median overall drop %.2f points, "
                    + "median worst-class drop %.2f points%n", rssKiB < 0 ? "n/a" : BenchCommand.mib(rssKiB * 1024),
                    100 * r.fp32Accuracy(), s.overall().median(), s.worst().median());
            if (cmd.json != null) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("benchmark", "reliability");
                m.put("model", model.path().toString());
                m.put("modelSha256", model.sha256());
                m.put("settings", settings.describe());
                m.put("trials", cmd.trials);
                m.put("calibrationSize", cal.size());
                m.put("testSamples", test.size());
                m.put("parallel", parallel);
                m.put("threadsPerTrial", threads);
                m.put("cores", Runtime.getRuntime().availableProcessors());
                m.put("totalSeconds", prepare + trials);
                m.put("prepareSeconds", prepare);
                m.put("trialSeconds", trials);
                m.put("stageSeconds", stages);
                m.put("trialsFromCache", exp.cachedTrials());
                m.put("cacheMib", cmd.cacheMib);
                m.put("peakRssKiB", rssKiB);
                m.put("fp32Accuracy", r.fp32Accuracy());
                m.put("medianOverallDrop", s.overall().median());
                m.put("medianWorstClassDrop", s.worst().median());
                cmd.writeJson(m);
            }
        }
        return 0;
    }
}
