package org.quantscope.cli;

import org.quantscope.core.data.CalibrationSampler;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.DatasetLoader;
import org.quantscope.core.eval.ModelInputs;
import org.quantscope.core.onnx.BatchNormFolding;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.sim.QuantizationSimulator;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.transform.AdaRound;
import org.quantscope.core.transform.AdaRoundSettings;
import org.quantscope.core.transform.BiasAbsorption;
import org.quantscope.core.transform.BiasCorrection;
import org.quantscope.core.transform.CrossLayerEqualization;
import org.quantscope.core.transform.PtqPipeline;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench fixes}: wall-clock time of each post-training fix alone (issue 6: AdaRound with its default schedule
 * under 10 minutes on 2 cores for the demo, and the time of every other fix). The fixes measured are the ones given
 * ({@code --cle}, {@code --bias-absorption}, {@code --bias-correction}, {@code --adaround} with its options), or all of
 * them with their defaults when none is given. Each time covers the transform only: the plain quantization it starts
 * from (weight encodings, one calibration) is prepared once beforehand and reported separately.
 */
final class FixesBench {

    private final BenchCommand cmd;

    FixesBench(BenchCommand cmd) {
        this.cmd = cmd;
    }

    int run() {
        PrintWriter out = cmd.spec.commandLine().getOut();
        OnnxModel model = OnnxModelLoader.load(cmd.modelOptions.resolveModel());
        QuantSettings settings = cmd.quant.settingsFor(model);
        CalibrationSettings cal = cmd.quant.calibration();
        PtqPipeline.Fixes asked = cmd.quant.fixes();
        boolean all = !asked.any();
        CancellationToken cancel = CliCancellation.onInterrupt();
        SessionSettings session = ThreadOption.settings(cmd.threads);
        Map<String, Object> figures = new LinkedHashMap<>();
        try (Dataset pool = DatasetLoader.open(cmd.quant.calibSpec(cmd.modelOptions.demo, cmd.dataOptions),
                ModelInputs.expected(model), false, ProgressListener.NONE, cancel)) {
            long t = System.nanoTime();
            QuantizedModel plain = QuantizationSimulator.prepare(model, settings, pool, cal, session,
                    ProgressListener.NONE, cancel);
            report(out, figures, "quantization without fixes (folding, weights, calibration)", "prepare", t);
            if (all || asked.cle()) {
                t = System.nanoTime();
                CrossLayerEqualization.Result cle = CrossLayerEqualization.equalize(BatchNormFolding.fold(model),
                        asked.relu6());
                report(out, figures, "cross-layer equalization (" + cle.pairs().size() + " pairs, "
                        + cle.iterations() + " sweeps)", "cle", t);
                if (all || asked.biasAbsorption()) {
                    t = System.nanoTime();
                    BiasAbsorption.absorb(cle, model);
                    report(out, figures, "bias absorption", "biasAbsorption", t);
                }
            }
            Dataset calib = CalibrationSampler.sample(pool, cal.sampling(), cal.size(), cal.seed());
            if (all || "empirical".equals(asked.biasCorrection())) {
                t = System.nanoTime();
                BiasCorrection.empirical(plain, calib, cal.batchSize(), session, ProgressListener.NONE, cancel);
                report(out, figures, "empirical bias correction (" + cal.size() + " samples)", "biasCorrectionEmpirical",
                        t);
            }
            if (all || "analytic".equals(asked.biasCorrection())) {
                t = System.nanoTime();
                BiasCorrection.analytic(plain);
                report(out, figures, "analytic bias correction", "biasCorrectionAnalytic", t);
            }
            if (all || asked.adaround() != null) {
                AdaRoundSettings as = asked.adaround() != null ? asked.adaround()
                        : AdaRoundSettings.DEFAULT.withSeed(cal.seed());
                Dataset samples = CalibrationSampler.sample(pool, cal.sampling(), as.samples(), as.seed());
                out.printf(Locale.ROOT, "running AdaRound: %,d iterations per layer on %,d samples (the defaults take "
                        + "about 6 minutes on 2 cores for the demo)...%n", as.iterations(), as.samples());
                out.flush();
                t = System.nanoTime();
                AdaRound.Result r = AdaRound.apply(plain, samples, cal.batchSize(), as, session, ProgressListener.NONE,
                        cancel);
                Map<String, Object> perLayer = new LinkedHashMap<>();
                for (AdaRound.LayerResult l : r.layers()) {
                    perLayer.put(l.layer(), l.seconds());
                }
                figures.put("adaroundLayerSeconds", perLayer);
                figures.put("adaroundIterations", as.iterations());
                figures.put("adaroundSamples", as.samples());
                report(out, figures, String.format(Locale.ROOT, "AdaRound (%,d iterations per layer, %,d samples, "
                        + "%d layers)", as.iterations(), as.samples(), r.layers().size()), "adaround", t);
                for (AdaRound.LayerResult l : r.layers()) {
                    out.printf(Locale.ROOT, "    %-32s %7.1f s  %s%n", l.layer(), l.seconds(), l.kept());
                }
            }
        }
        out.printf(Locale.ROOT, "%s, W%dA%d %s, %d cores, ONNX Runtime threads %s%n", model.path().getFileName(),
                settings.weightBits(), settings.activationBits(), BenchCommand.name(settings.weightGranularity()),
                Runtime.getRuntime().availableProcessors(), cmd.threads == 0 ? "all" : String.valueOf(cmd.threads));
        figures.put("model", model.path().toString());
        figures.put("modelSha256", model.sha256());
        figures.put("settings", settings.describe());
        figures.put("cores", Runtime.getRuntime().availableProcessors());
        if (cmd.json != null) {
            cmd.writeJson(figures);
            out.println("Wrote " + cmd.json);
        }
        return 0;
    }

    private static void report(PrintWriter out, Map<String, Object> figures, String what, String key, long start) {
        double s = (System.nanoTime() - start) / 1e9;
        figures.put(key + "Seconds", s);
        out.printf(Locale.ROOT, "%-64s %8.2f s%n", what, s);
        out.flush();
    }
}
