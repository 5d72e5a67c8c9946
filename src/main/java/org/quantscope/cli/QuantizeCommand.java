package org.quantscope.cli;

import org.quantscope.core.InputException;
import org.quantscope.core.data.DataSpec;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.DatasetLoader;
import org.quantscope.core.eval.EvaluationResult;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.data.ExpectedInput;
import org.quantscope.core.eval.ModelInputs;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.QuantizedGraphWriter;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.sim.QdqExport;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.sim.QuantizationSimulator;
import org.quantscope.core.sim.SimulationResult;
import org.quantscope.core.transform.BiasCorrection;
import org.quantscope.core.transform.PtqPipeline;
import org.quantscope.core.transform.CrossLayerEqualization;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.report.EncodingsJson;
import org.quantscope.report.Json;
import org.quantscope.report.QuantizationJson;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code quantscope quantize}: simulated quantization accuracy, encodings, and a deployable QDQ model. */
@Command(name = "quantize", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Simulate quantization (weights and activations) with ONNX Runtime: FP32 versus quantized "
                + "accuracy, overall and per class; export encodings and a deployable QDQ model.")
final class QuantizeCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @ArgGroup(exclusive = false, heading = "Data%n")
    DataOptions dataOptions = new DataOptions();

    @Mixin
    QuantOptions quant;

    @Mixin
    MixedPrecisionOptions mixed;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "256", description = "Evaluation batch size "
            + "(default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Evaluate only the first N test "
            + "samples (0 = all).")
    int limit;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "0",
            description = "ONNX Runtime intra-op threads (0 = all cores).")
    int threads;

    @Option(names = "--export-onnx", paramLabel = "FILE", description = "Write a deployable QDQ ONNX model.")
    Path exportOnnx;

    @Option(names = "--export-weight-type", paramLabel = "T", defaultValue = "auto",
            description = "Storage of signed weights in the QDQ model: auto (int8 for --preset tensorrt, else uint8 "
                    + "with zero point 128: same values, no U8S8 saturation on AVX2 CPUs), int8 or uint8.")
    String exportWeightType;

    @Option(names = "--export-encodings", paramLabel = "FILE",
            description = "Write the encodings (AIMET-style JSON: scale, offset, min, max, bitwidth per tensor).")
    Path exportEncodings;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the result as JSON.")
    Path json;

    @Option(names = "--list-quantizers", description = "Only list the quantizers the settings place, then exit.")
    boolean listOnly;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (batch < 1) {
            throw new InputException("--batch must be at least 1, got " + batch + ".");
        }
        PrintWriter out = spec.commandLine().getOut();
        ConsoleProgress progress = new ConsoleProgress(spec.commandLine().getErr(), quiet);
        CancellationToken cancel = CliCancellation.onInterrupt();
        OutputFiles.check("--json", json);
        OutputFiles.check("--export-onnx", exportOnnx);
        OutputFiles.check("--export-encodings", exportEncodings);
        QdqExport.WeightStorage storage = weightStorage(exportWeightType);
        OnnxModel model = OnnxModelLoader.load(modelOptions.resolveModel());
        QuantSettings settings = quant.settingsFor(model);
        if (listOnly) {
            ResultTables.printQuantizerSites(out, QuantizationSimulator.sites(model, settings), settings);
            return 0;
        }
        DataSpec testSpec = dataOptions.toSpec(modelOptions.demo, limit);
        DataSpec calibSpec = quant.calibSpec(modelOptions.demo, dataOptions);
        SessionSettings session = new SessionSettings(threads, true);
        ExpectedInput expected = ModelInputs.expected(model);
        PtqPipeline.Fixes fixes = quant.fixes();
        org.quantscope.core.transform.MixedPrecisionTarget mpTarget = mixed.check(fixes);
        MixedPrecisionOptions.Run mp = null;
        PtqPipeline.Outcome outcome;
        try (Dataset test = DatasetLoader.open(testSpec, expected, progress, cancel);
             Dataset pool = DatasetLoader.open(calibSpec, expected, false, progress, cancel)) {
            outcome = PtqPipeline.run(model, test, pool, settings, quant.calibration(),
                    new EvaluationSettings(batch, 0), session, fixes, null, progress, cancel);
            if (mpTarget != null) {
                mp = mixed.run(model, outcome, fixes, mpTarget, test, pool, calibSpec, expected, quant.calibration(),
                        new EvaluationSettings(batch, 0), session, progress, cancel);
            }
        }
        SimulationResult r = mp != null ? mp.after() : outcome.after();
        SimulationResult fixed = outcome.after();
        SimulationResult before = fixes.any() || mp != null ? outcome.before() : null;
        CrossLayerEqualization.Result cle = outcome.cle();
        BiasCorrection.Result bc = outcome.biasCorrection();
        EvaluationResult fp32AfterFixes = outcome.fp32AfterCle();
        String biasCorrection = fixes.biasCorrection();
        Map<String, String> more = new LinkedHashMap<>(dataOptions.provenance(testSpec, threads, limit));
        more.put("calibrationPool", calibSpec.data().toAbsolutePath().toString());
        r = new SimulationResult(r.fp32(), r.quantized(), r.model(), r.seconds(), r.provenance().withSettings(more));
        ResultTables.printSimulation(out, r);
        if (bc != null) {
            out.printf(java.util.Locale.ROOT, "%nFix: %s bias correction of %d layers (mean |shift| per layer: %s)"
                    + "; quantized %.2f %% before the fixes -> %.2f %% after%n", biasCorrection, bc.corrections().size(),
                    String.join(", ", bc.corrections().stream().map(c -> String.format(java.util.Locale.ROOT, "%.3g",
                            c.meanAbsShift())).toList()), 100 * before.quantized().accuracy(),
                    100 * fixed.quantized().accuracy());
        }
        if (cle != null) {
            String absorption = fixes.biasAbsorption() ? "; high biases absorbed in " + outcome.absorbed().size()
                    + " of the pairs" : "";
            out.printf(java.util.Locale.ROOT, "%nFix: cross-layer equalization of %d layer pairs (%d sweeps; %d ReLU6 "
                    + "replaced by ReLU%s): FP32 %.2f %% -> %.2f %%; quantized %.2f %% before the fixes -> %.2f %% "
                    + "after%n", cle.pairs().size(), cle.iterations(), cle.relu6Replaced().size(), absorption,
                    100 * r.fp32().accuracy(), 100 * fp32AfterFixes.accuracy(), 100 * before.quantized().accuracy(),
                    100 * fixed.quantized().accuracy());
        }
        if (mp != null) {
            MixedPrecisionTables.print(out, mp);
            if (mixed.exportPareto() != null) {
                org.quantscope.report.MixedPrecisionJson.writeCsv(mp.search(), mp.chosen(), mixed.exportPareto());
                out.println("Wrote " + mixed.exportPareto());
            }
        }
        if (exportOnnx != null) {
            OnnxModel qdq = QdqExport.deployable(r.model(), storage);
            QuantizedGraphWriter.save(qdq, exportOnnx);
            out.println("Wrote " + exportOnnx + " (QDQ model; check it with: quantscope eval --model " + exportOnnx
                    + " ...)");
            if (!settings.biasInt32()) {
                out.println("note: biases were simulated in float; ONNX Runtime's integer kernels quantize them to "
                        + "int32 themselves, so simulate with --bias int32 to get exactly what the exported model runs.");
            }
        }
        if (exportEncodings != null) {
            EncodingsJson.write(r.model(), exportEncodings);
            out.println("Wrote " + exportEncodings);
        }
        if (json != null) {
            Map<String, Object> tree = QuantizationJson.tree(r);
            List<Map<String, Object>> applied = new java.util.ArrayList<>();
            if (cle != null) {
                Map<String, Object> fix = new LinkedHashMap<>();
                fix.put("name", "cle");
                fix.put("pairs", cle.pairs().stream().map(p -> p.first() + " -> " + p.second()).toList());
                fix.put("relu6ReplacedByRelu", cle.relu6Replaced());
                fix.put("sweeps", cle.iterations());
                fix.put("fp32AccuracyAfter", fp32AfterFixes.accuracy());
                fix.put("fp32PerClassAccuracyAfter", Json.nums(fp32AfterFixes.perClassAccuracy()));
                fix.put("weightRangeRatio", rangeRatios(cle.folded(), cle.model()));
                applied.add(fix);
                if (fixes.biasAbsorption()) {
                    Map<String, Object> ab = new LinkedHashMap<>();
                    ab.put("name", "biasAbsorption");
                    ab.put("pairs", outcome.absorbed().stream().map(x -> Map.of("first", x.first(), "second", x.second(),
                            "absorbed", Json.nums(x.absorbed()))).toList());
                    applied.add(ab);
                }
            }
            if (bc != null) {
                Map<String, Object> fix = new LinkedHashMap<>();
                fix.put("name", "biasCorrection");
                fix.put("method", biasCorrection);
                List<Map<String, Object>> layers = new java.util.ArrayList<>();
                for (BiasCorrection.LayerCorrection c : bc.corrections()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("layer", c.layer());
                    m.put("meanAbsShiftBefore", c.meanAbsShift());
                    m.put("correction", Json.nums(c.correction()));
                    layers.add(m);
                }
                fix.put("layers", layers);
                applied.add(fix);
            }
            if (mp != null) {
                Map<String, Object> fix = new LinkedHashMap<>();
                fix.put("name", "mixedPrecision");
                fix.put("target", mp.search().target() == null ? "full front" : mp.search().target().describe());
                fix.put("changedQuantizers", List.copyOf(org.quantscope.core.transform.MixedPrecision.changed(
                        mp.chosen(), mp.search().base())));
                fix.put("avgWeightBits", mp.chosen().averageWeightBits());
                applied.add(fix);
                tree.put("mixedPrecision", org.quantscope.report.MixedPrecisionJson.tree(mp.search(), mp.chosen(),
                        mp.before(), mp.after()));
            }
            if (before != null) {
                tree.put("fixes", applied);
                Map<String, Object> b = new LinkedHashMap<>();
                b.put("accuracy", before.quantized().accuracy());
                b.put("perClassAccuracy", Json.nums(before.quantized().perClassAccuracy()));
                b.put("drop", before.dropPoints());
                b.put("perClassDrop", Json.nums(before.perClassDropPoints()));
                tree.put("beforeFixes", b);
            }
            Json.write(tree, json);
            out.println("Wrote " + json);
        }
        return 0;
    }

    /**
     * Per layer, the weight range ratio (largest over median output-channel range) before and after a transform:
     * what equalization is for (the per-channel ranges flatten).
     */
    private static List<Map<String, Object>> rangeRatios(OnnxModel before, OnnxModel after) {
        List<Map<String, Object>> rows = new java.util.ArrayList<>();
        for (org.quantscope.core.onnx.Layer l : before.layers()) {
            org.quantscope.core.onnx.Layer a = after.layers().stream().filter(x -> x.name().equals(l.name()))
                    .findFirst().orElse(null);
            if (a == null) {
                continue;
            }
            int axis = l.kind() == org.quantscope.core.onnx.LayerKind.GEMM && l.linear().longAttr("transB", 0) == 0
                    ? 1 : 0;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layer", l.name());
            m.put("before", Json.num(ratio(before, l, axis)));
            m.put("after", Json.num(ratio(after, a, axis)));
            rows.add(m);
        }
        return rows;
    }

    private static double ratio(OnnxModel m, org.quantscope.core.onnx.Layer l, int axis) {
        float[] w = m.constant(l.linear().input(1)).orElseThrow().floats();
        return org.quantscope.core.analysis.WeightStatistics.of(l.weightName(), l.name(), w, l.weightShape(), axis,
                Double.NaN, Double.NaN).rangeRatio();
    }

    private static QdqExport.WeightStorage weightStorage(String v) {
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> QdqExport.WeightStorage.AUTO;
            case "int8" -> QdqExport.WeightStorage.INT8;
            case "uint8" -> QdqExport.WeightStorage.UINT8;
            default -> throw new InputException("--export-weight-type must be auto, int8 or uint8, got '" + v + "'");
        };
    }
}
