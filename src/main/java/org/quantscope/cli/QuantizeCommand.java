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
import org.quantscope.core.transform.ActivationRangeChange;
import org.quantscope.core.transform.AdaRound;
import org.quantscope.core.transform.BiasCorrection;
import org.quantscope.core.transform.CrossLayerEqualization;
import org.quantscope.core.transform.FixEffects;
import org.quantscope.core.transform.MixedPrecisionTarget;
import org.quantscope.core.transform.PtqPipeline;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.report.EncodingsJson;
import org.quantscope.report.FixesJson;
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

    @Option(names = "--batch", paramLabel = "B", defaultValue = "256", description = "Samples read at a time (default ${DEFAULT-VALUE}); ONNX Runtime runs at most 32 of "
            + "them at once, which is faster and gives the same results.")
    int batch;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Evaluate only the first N test "
            + "samples (0 = all).")
    int limit;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "0",
            description = ThreadOption.DESCRIPTION)
    int threads;

    @Option(names = "--export-onnx", paramLabel = "FILE", description = "Write a deployable QDQ ONNX model.")
    Path exportOnnx;

    @Option(names = "--export-weight-type", paramLabel = "T", defaultValue = "auto",
            description = "Storage of signed weights in the QDQ model: auto (int8 for --preset tensorrt, else uint8 "
                    + "with zero point 128: same values, no U8S8 saturation on x86 CPUs without VNNI), int8 or uint8.")
    String exportWeightType;

    @Option(names = "--export-encodings", paramLabel = "FILE",
            description = "Write the encodings (AIMET-style JSON: scale, offset, min, max, bitwidth per tensor).")
    Path exportEncodings;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the result as JSON.")
    Path json;

    @Option(names = "--list-quantizers", description = "Only list the quantizers the settings place, then exit.")
    boolean listOnly;

    @Mixin
    ClassTableOptions classTable = new ClassTableOptions();

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (batch < 1) {
            throw new InputException("--batch must be at least 1, got " + batch + ".");
        }
        classTable.check();
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
        SessionSettings session = ThreadOption.settings(threads);
        ExpectedInput expected = ModelInputs.expected(model);
        PtqPipeline.Fixes fixes = quant.fixes();
        org.quantscope.core.transform.MixedPrecisionTarget mpTarget = mixed.check(fixes);
        MixedPrecisionOptions.Run mp = null;
        String mpWarning = null;
        PtqPipeline.Outcome outcome;
        FixEffects effects;
        Map<String, String> skippedProvenance = new LinkedHashMap<>();
        try (Dataset test = DatasetLoader.open(testSpec, expected, progress, cancel);
             Dataset pool = DatasetLoader.open(calibSpec, expected, false, progress, cancel)) {
            org.quantscope.core.onnx.CaptureBatch.preflight(model, test.sampleShape(), session, cancel);
            org.quantscope.core.workflow.SimulationWorkflow.Run run = org.quantscope.core.workflow.SimulationWorkflow
                    .run(model, test, pool, quant.configuration().withScheme(settings), new EvaluationSettings(batch,
                            0), session, null, Map.of(), progress, cancel);
            outcome = run.outcome();
            effects = run.effects();
            if (mpTarget != null) {
                mp = mixed.run(model, outcome, fixes, mpTarget, test, pool, calibSpec, expected, quant.calibration(),
                        new EvaluationSettings(batch, 0), session, progress, cancel);
            }
            SkippedFilesReport.warn(spec.commandLine().getErr(), "test data", test);
            SkippedFilesReport.warn(spec.commandLine().getErr(), "calibration pool", pool);
            skippedProvenance.putAll(SkippedFilesReport.provenance("", test));
            skippedProvenance.putAll(SkippedFilesReport.provenance("calibration", pool));
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
        more.putAll(skippedProvenance);
        // everything that made the numbers, in the form --config reads back (mixed-precision widths as overrides)
        more.putAll(org.quantscope.core.config.QuantConfig.of(r.model(), fixes).provenance());
        r = new SimulationResult(r.fp32(), r.quantized(), r.model(), r.seconds(), r.provenance().withSettings(more));
        ResultTables.printSimulation(out, r, classTable);
        if (bc != null) {
            out.printf(java.util.Locale.ROOT, "%nFix: %s bias correction of %d layers (mean |shift| per layer: %s)"
                    + "; quantized %.2f %% before the fixes -> %.2f %% after%n", biasCorrection, bc.corrections().size(),
                    String.join(", ", bc.corrections().stream().map(c -> String.format(java.util.Locale.ROOT, "%.3g",
                            c.meanAbsShift())).toList()), 100 * before.quantized().accuracy(),
                    100 * fixed.quantized().accuracy());
        }
        if (cle != null) {
            out.printf(java.util.Locale.ROOT, "%nFix: cross-layer equalization of %s%n", cle.describe());
            if (fixes.biasAbsorption()) {
                out.printf("Fix: high biases absorbed in %d of the pairs%s%n", outcome.absorbed().size(),
                        outcome.skipped().isEmpty() ? "" : "; " + outcome.skipped().size() + " pairs left alone where "
                        + "absorption is not exact (the next layer pads its input)");
            }
            out.printf(java.util.Locale.ROOT, "FP32 %.2f %% -> %.2f %% after the fixes; quantized %.2f %% before the "
                    + "fixes -> %.2f %% after%n", 100 * r.fp32().accuracy(), 100 * fp32AfterFixes.accuracy(),
                    100 * before.quantized().accuracy(), 100 * fixed.quantized().accuracy());
            outcome.fp32Changes().forEach(c -> out.println("  " + c.describe()));
            List<ActivationRangeChange> ranges = outcome.activationRanges();
            if (!ranges.isEmpty()) {
                out.println("Calibrated output ranges of the equalized layers, widest growth first (the per-tensor "
                        + "activation grid every channel shares):");
                ranges.stream().limit(3).forEach(x -> out.println("  " + x.describe()));
            }
        }
        if (mp != null) {
            MixedPrecisionTables.print(out, mp);
            MixedPrecisionTarget t = mp.search().target();
            if (t != null && t.isDrop() && mp.after().dropPoints() > t.maxDrop()) {
                String w = String.format(java.util.Locale.ROOT, "the chosen point meets the %.2f-point target on the "
                        + "search samples but drops %.2f points on the test data: the search set is small or unlike "
                        + "the test data (more --mp-samples, or a lower --target-drop)", t.maxDrop(),
                        mp.after().dropPoints());
                out.println("warning: " + w);
                mpWarning = w;
            }
            if (mixed.exportPareto() != null) {
                org.quantscope.report.MixedPrecisionJson.writeCsv(mp.search(), mp.chosen(), mixed.exportPareto());
                out.println("Wrote " + mixed.exportPareto());
            }
        }
        AdaRound.Result ada = outcome.adaround();
        if (ada != null) {
            long kept = ada.layers().stream().filter(x -> x.kept().equals("adaround")).count();
            out.printf(java.util.Locale.ROOT, "%nFix: AdaRound, %d iterations per layer on %d samples, %.1f s; learned "
                    + "rounding kept in %d of %d layers; quantized %.2f %% with round-to-nearest -> %.2f %%%n",
                    ada.settings().iterations(), ada.settings().samples(), ada.seconds(), kept, ada.layers().size(),
                    100 * before.quantized().accuracy(), 100 * fixed.quantized().accuracy());
            FixTables.printAdaRound(out, ada);
        }
        if (effects != null) {
            FixTables.printFixEffects(out, effects);
        }
        if (exportOnnx != null) {
            OnnxModel qdq = QdqExport.deployable(r.model(), storage);
            QuantizedGraphWriter.save(qdq, exportOnnx);
            out.println("Wrote " + exportOnnx + " (QDQ model; check it with: quantscope eval --model " + exportOnnx
                    + " ...)");
            int clipped = QdqExport.floatConvolutionsBeforeChannelClip(r.model()).size();
            if (clipped > 0) {
                out.println("note: " + clipped + " layers end in a per-channel clip (ReLU6 kept exact by equalization: "
                        + "Relu + Min); ONNX Runtime runs them as float convolutions on dequantized values (same "
                        + "numbers, no integer speed-up). --cle-relu6 relu deploys them as integer convolutions, at the "
                        + "FP32 change reported above.");
            }
            int gated = QdqExport.floatConvolutionsBeforeActivation(r.model()).size();
            if (gated > 0) {
                out.println("note: " + gated + " convolution layers end in HardSwish, SiLU or a Sigmoid-like gate, "
                        + "quantized after the activation; ONNX Runtime's CPU provider runs them as float convolutions "
                        + "on dequantized values (same numbers, no integer speed-up); back-ends that fuse convolution "
                        + "and activation in INT8 (TensorRT) run them in integer.");
            }
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
            FixesJson.add(tree, fixes, outcome, effects);
            if (mp != null) {
                Map<String, Object> fix = new LinkedHashMap<>();
                fix.put("name", "mixedPrecision");
                fix.put("target", mp.search().target() == null ? "full front" : mp.search().target().describe());
                fix.put("changedQuantizers", List.copyOf(org.quantscope.core.transform.MixedPrecision.changed(
                        mp.chosen(), mp.search().base())));
                fix.put("avgWeightBits", mp.chosen().averageWeightBits());
                FixesJson.append(tree, fix, outcome.before());
                if (mpWarning != null) {
                    List<Object> warnings = new java.util.ArrayList<>((List<?>) tree.getOrDefault("warnings",
                            List.of()));
                    warnings.add("Mixed precision: " + mpWarning + ".");
                    tree.put("warnings", warnings);
                }
                tree.put("mixedPrecision", org.quantscope.report.MixedPrecisionJson.tree(mp.search(), mp.chosen(),
                        mp.before(), mp.after()));
            }
            Json.write(tree, json);
            out.println("Wrote " + json);
        }
        return 0;
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
