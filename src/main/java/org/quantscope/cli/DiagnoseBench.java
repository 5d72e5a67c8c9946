package org.quantscope.cli;

import org.quantscope.core.InputException;
import org.quantscope.core.analysis.DiagnoseSettings;
import org.quantscope.core.analysis.DiagnosisResult;
import org.quantscope.core.analysis.LayerDiagnosis;
import org.quantscope.core.analysis.LayerDiagnostics;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.DatasetLoader;
import org.quantscope.core.eval.ModelInputs;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.sim.QuantizationSimulator;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench diagnose}: the layer diagnosis ({@link LayerDiagnostics#diagnose}) on the first {@code --samples} test
 * images. A first run with the activation cache measures peak resident memory (VmHWM, reset just before, as
 * {@code bench calibration} does) and peak Java heap, and serves as warm-up. Then {@code --repeat} rounds each run
 * the diagnosis with full re-runs from the model input (cache off) and with cached activations, in that order. The
 * per-layer phase (everything after the four whole-model comparisons: cache fills and the two variants per layer)
 * is timed from the first per-layer progress report to the end. Reports medians and checks that both ways give the
 * same per-layer figures.
 */
final class DiagnoseBench {

    private final BenchCommand cmd;

    DiagnoseBench(BenchCommand cmd) {
        this.cmd = cmd;
    }

    int run() {
        PrintWriter out = cmd.spec.commandLine().getOut();
        if (cmd.samples < 1) {
            throw new InputException("--samples must be at least 1, got " + cmd.samples + ".");
        }
        OnnxModel model = OnnxModelLoader.load(cmd.modelOptions.resolveModel());
        CancellationToken cancel = CliCancellation.onInterrupt();
        SessionSettings session = ThreadOption.settings(cmd.threads);
        try (Dataset test = DatasetLoader.open(cmd.dataOptions.toSpec(cmd.modelOptions.demo, 0),
                ModelInputs.expected(model), ProgressListener.NONE, cancel);
             Dataset pool = DatasetLoader.open(cmd.quant.calibSpec(cmd.modelOptions.demo, cmd.dataOptions),
                     ModelInputs.expected(model), false, ProgressListener.NONE, cancel)) {
            if (cmd.samples > test.size()) {
                throw new InputException("--samples " + cmd.samples + " exceeds the test data (" + test.size()
                        + " samples in " + test.description() + ").");
            }
            QuantizedModel qm = QuantizationSimulator.prepare(model, cmd.quant.settingsFor(model), pool,
                    cmd.quant.calibration(), session, ProgressListener.NONE, cancel);
            DiagnoseSettings cached = DiagnoseSettings.DEFAULT.withSamples(cmd.samples);
            DiagnoseSettings naive = cached.withActivationCache(0);
            System.gc();
            long rssBefore = BenchCommand.procStatusKiB("VmRSS");
            boolean hwmReset = BenchCommand.resetPeakRss();
            List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP).toList();
            heap.forEach(MemoryPoolMXBean::resetPeakUsage);
            double[] first = timed(qm, test, cached, session, cancel);
            long hwm = BenchCommand.procStatusKiB("VmHWM");
            long peakHeap = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            DiagnosisResult reference = lastResult;
            out.printf("%s, %d layers, %d samples, batch %d: diagnose (cached) %.1f s, peak RSS (VmHWM) %s MiB%s, "
                    + "peak Java heap %s MiB; RSS before %s MiB; %s layers from cached activations%n",
                    model.path().getFileName(), qm.prepared().layers().size(), cmd.samples, cached.batchSize(),
                    first[0], BenchCommand.mib(hwm * 1024), hwmReset ? "" : " (whole process)",
                    BenchCommand.mib(peakHeap), BenchCommand.mib(rssBefore * 1024),
                    reference.provenance().settings().get("layersRunFromCachedActivations"));
            int r = cmd.repeat;
            double[] naiveAll = new double[r];
            double[] naiveLayer = new double[r];
            double[] cachedAll = new double[r];
            double[] cachedLayer = new double[r];
            double maxKlRel = 0;
            boolean identical = true;
            for (int i = 0; i < r; i++) {
                double[] a = timed(qm, test, naive, session, cancel);
                DiagnosisResult naiveResult = lastResult;
                double[] b = timed(qm, test, cached, session, cancel);
                naiveAll[i] = a[0];
                naiveLayer[i] = a[1];
                cachedAll[i] = b[0];
                cachedLayer[i] = b[1];
                for (int k = 0; k < naiveResult.layers().size(); k++) {
                    LayerDiagnosis x = naiveResult.layers().get(k);
                    LayerDiagnosis y = lastResult.layers().get(k);
                    identical &= Double.compare(x.sensitivityDrop(), y.sensitivityDrop()) == 0
                            && Double.compare(x.floatGain(), y.floatGain()) == 0;
                    if (x.sensitivityKl() != 0) {
                        maxKlRel = Math.max(maxKlRel, Math.abs(x.sensitivityKl() - y.sensitivityKl())
                                / Math.abs(x.sensitivityKl()));
                    }
                }
                out.printf("round %d: full re-runs %.1f s (per-layer phase %.1f s), cached %.1f s (per-layer phase "
                        + "%.1f s), per-layer ratio %.2f%n", i + 1, a[0], a[1], b[0], b[1], b[1] / a[1]);
            }
            double ratio = BenchCommand.median(cachedLayer) / BenchCommand.median(naiveLayer);
            out.printf("%nmedian of %d: diagnose %.1f s (full re-runs) vs %.1f s (cached); per-layer phase %.1f s vs "
                    + "%.1f s, ratio %.2f (target at most 0.6)%n", r, BenchCommand.median(naiveAll),
                    BenchCommand.median(cachedAll), BenchCommand.median(naiveLayer),
                    BenchCommand.median(cachedLayer), ratio);
            out.printf("same sensitivity drops and float gains: %s; largest relative KL difference %.2g%n",
                    identical ? "yes" : "NO", maxKlRel);
            if (cmd.json != null) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("benchmark", "diagnose");
                m.put("model", model.path().toString());
                m.put("modelSha256", model.sha256());
                m.put("settings", qm.settings().describe());
                m.put("samples", cmd.samples);
                m.put("batch", cached.batchSize());
                m.put("layers", qm.prepared().layers().size());
                m.put("threads", cmd.threads);
                m.put("cores", Runtime.getRuntime().availableProcessors());
                m.put("activationCacheBytes", cached.activationCacheBytes());
                m.put("firstDiagnoseSeconds", first[0]);
                m.put("peakRssKiB", hwm);
                m.put("peakRssResetBeforeDiagnose", hwmReset);
                m.put("rssBeforeKiB", rssBefore);
                m.put("peakHeapUsedBytes", peakHeap);
                m.put("naiveSeconds", naiveAll);
                m.put("naiveLayerPhaseSeconds", naiveLayer);
                m.put("cachedSeconds", cachedAll);
                m.put("cachedLayerPhaseSeconds", cachedLayer);
                m.put("layerPhaseRatio", ratio);
                m.put("identicalDropsAndGains", identical);
                m.put("maxRelativeKlDifference", maxKlRel);
                cmd.writeJson(m);
            }
        }
        return 0;
    }

    private DiagnosisResult lastResult;

    /** Runs the diagnosis; returns {total seconds, per-layer phase seconds}. */
    private double[] timed(QuantizedModel qm, Dataset test, DiagnoseSettings s, SessionSettings session,
                           CancellationToken cancel) {
        long[] phase = {-1};
        ProgressListener p = (done, total, msg) -> {
            if (phase[0] < 0 && (msg.startsWith("Layer ") || msg.startsWith("Caching "))) {
                phase[0] = System.nanoTime();
            }
        };
        long t0 = System.nanoTime();
        lastResult = LayerDiagnostics.diagnose(qm, test, s, session, p, cancel);
        long t1 = System.nanoTime();
        return new double[] {(t1 - t0) / 1e9, phase[0] < 0 ? 0 : (t1 - phase[0]) / 1e9};
    }
}
