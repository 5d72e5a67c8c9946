package org.quantscope.cli;

import org.quantscope.core.InputException;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.DatasetLoader;
import org.quantscope.core.eval.ModelInputs;
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
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bench calibration}: peak memory of calibration alone, one calibration size per process (issue 4). */
final class CalibrationBench {

    private final BenchCommand cmd;

    CalibrationBench(BenchCommand cmd) {
        this.cmd = cmd;
    }

    /**
     * Runs calibration only ({@link QuantizationSimulator#prepare}) and reports the peak resident set (VmHWM, reset
     * through {@code /proc/self/clear_refs} once model and pool are loaded, where the kernel allows it) and the peak
     * Java heap (sum of the heap pools' peaks, reset just before calibration), plus the heap still in use after a
     * full GC with the result held. Only one size per process: a JVM never gives back what an earlier, larger run
     * made it reserve, so sizes must be compared in separate processes.
     */
    int run() {
        PrintWriter out = cmd.spec.commandLine().getOut();
        OnnxModel model = OnnxModelLoader.load(cmd.modelOptions.resolveModel());
        QuantSettings settings = cmd.quant.settings();
        CalibrationSettings calibration = cmd.quant.calibration();
        CancellationToken cancel = CliCancellation.onInterrupt();
        SessionSettings session = ThreadOption.settings(cmd.threads);
        try (Dataset pool = DatasetLoader.open(cmd.quant.calibSpec(cmd.modelOptions.demo, cmd.dataOptions),
                ModelInputs.expected(model), false, ProgressListener.NONE, cancel)) {
            if (calibration.size() > pool.size()) {
                throw new InputException("--calib-size " + calibration.size() + " exceeds the calibration pool ("
                        + pool.size() + " samples in " + pool.description() + ").");
            }
            System.gc();
            long rssBefore = BenchCommand.procStatusKiB("VmRSS");
            long hwmAtStart = BenchCommand.procStatusKiB("VmHWM");
            boolean hwmReset = BenchCommand.resetPeakRss();
            List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP).toList();
            long heapBefore = heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
            heap.forEach(MemoryPoolMXBean::resetPeakUsage);
            long t0 = System.nanoTime();
            QuantizedModel qm = QuantizationSimulator.prepare(model, settings, pool, calibration, session,
                    ProgressListener.NONE, cancel);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long peakHeap = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            long hwm = BenchCommand.procStatusKiB("VmHWM");
            long rssAfter = BenchCommand.procStatusKiB("VmRSS");
            System.gc();
            long heapAfterGc = heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
            int quantizers = qm.quantizers().size();
            out.printf("%s: calibration with %d of %d samples (batch %d) took %.2f s, %d quantizers%n",
                    model.path().getFileName(), calibration.size(), pool.size(), calibration.batchSize(), seconds,
                    quantizers);
            out.printf("peak RSS (VmHWM) %s MiB%s; RSS before %s MiB, after %s MiB%n", BenchCommand.mib(hwm * 1024),
                    hwmReset ? " (reset before calibration)" : " (whole process: /proc/self/clear_refs not writable)",
                    BenchCommand.mib(rssBefore * 1024), BenchCommand.mib(rssAfter * 1024));
            out.printf("peak Java heap used %s MiB (before %s MiB); after a full GC, result held: %s MiB%n",
                    BenchCommand.mib(peakHeap), BenchCommand.mib(heapBefore), BenchCommand.mib(heapAfterGc));
            if (cmd.json != null) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("benchmark", "calibration");
                m.put("model", model.path().toString());
                m.put("modelSha256", model.sha256());
                m.put("calibrationSize", calibration.size());
                m.put("poolSize", pool.size());
                m.put("calibrationBatch", calibration.batchSize());
                m.put("threads", cmd.threads);
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
                cmd.writeJson(m);
            }
        }
        return 0;
    }
}
