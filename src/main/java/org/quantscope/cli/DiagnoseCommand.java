package org.quantscope.cli;

import org.quantscope.core.config.QuantConfig;
import org.quantscope.core.workflow.DiagnosisWorkflow;
import org.quantscope.core.InputException;
import org.quantscope.core.analysis.DiagnoseSettings;
import org.quantscope.core.analysis.DiagnosisResult;
import org.quantscope.core.data.DataSpec;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.DatasetLoader;
import org.quantscope.core.data.ExpectedInput;
import org.quantscope.core.eval.ModelInputs;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.report.DiagnosisJson;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code quantscope diagnose}: where the quantization error comes from, layer by layer. */
@Command(name = "diagnose", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Find where quantization error comes from: FP32 sanity check, weights-only and activations-only "
                + "accuracy, and per layer the weight statistics, the error at the layer output (propagated and "
                + "isolated), the sensitivity and the float gain. Takes the options of 'quantize'.")
final class DiagnoseCommand implements Callable<Integer> {

    /** Largest --cache-mib accepted (1 TiB). */
    static final long MAX_CACHE_MIB = 1L << 20;

    @Mixin
    ModelOptions modelOptions;

    @ArgGroup(exclusive = false, heading = "Data%n")
    DataOptions dataOptions = new DataOptions();

    @Mixin
    QuantOptions quant;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "1000",
            description = "Test samples every analysis runs on (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "100", description = "Batch size (default "
            + "${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threshold", paramLabel = "T", defaultValue = "0.5",
            description = "Flag layers whose isolated RMSE exceeds T quantizer steps (default ${DEFAULT-VALUE}; pure "
                    + "rounding noise is 0.289).")
    double threshold;

    @Option(names = "--target-drop", paramLabel = "P", defaultValue = "1.0",
            description = "Accuracy drop in points the model may lose (default ${DEFAULT-VALUE}): within it no layer "
                    + "is flagged; weight (activation) remedies are suggested only where the weights (activations) "
                    + "alone cost more than half of it.")
    double targetDrop;

    @Option(names = "--layer-samples", paramLabel = "N", defaultValue = "0",
            description = "Samples of the --samples the per-layer runs (isolated error, sensitivity, float gain: two "
                    + "runs per layer) use; 0 (default) chooses by input size: all of them at 28x28, the first 111 at "
                    + "224x224x3 (64 MiB of input).")
    int layerSamples;

    @Option(names = "--no-sensitivity", description = "Skip the per-layer sensitivity and float-gain runs.")
    boolean noSensitivity;

    @Option(names = "--cache-mib", paramLabel = "M", defaultValue = "512",
            description = "Memory for activations cached at layer cuts, so per-layer runs start at the layer "
                    + "(default ${DEFAULT-VALUE}; 0 = every run from the model input, same results).")
    long cacheMib;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "0",
            description = ThreadOption.DESCRIPTION)
    int threads;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the diagnosis as JSON.")
    Path json;

    @Option(names = "--csv", paramLabel = "FILE", description = "Write the per-layer table as CSV.")
    Path csv;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (samples < 1) {
            throw new InputException("--samples must be at least 1, got " + samples + ".");
        }
        if (layerSamples < 0) {
            throw new InputException("--layer-samples must be 0 (chosen by input size) or positive, got "
                    + layerSamples + ".");
        }
        if (!(targetDrop >= 0) || Double.isInfinite(targetDrop)) {
            throw new InputException("--target-drop must be 0 or more points, got " + targetDrop + ".");
        }
        if (!(threshold > 0)) {
            throw new InputException("--threshold must be positive, got " + threshold + ".");
        }
        if (cacheMib < 0 || cacheMib > MAX_CACHE_MIB) {
            throw new InputException("--cache-mib must be 0 (off) to " + MAX_CACHE_MIB + ", got " + cacheMib + ".");
        }
        PrintWriter out = spec.commandLine().getOut();
        ConsoleProgress progress = new ConsoleProgress(spec.commandLine().getErr(), quiet);
        CancellationToken cancel = CliCancellation.onInterrupt();
        OutputFiles.check("--json", json);
        OutputFiles.check("--csv", csv);
        OnnxModel model = OnnxModelLoader.load(modelOptions.resolveModel());
        QuantSettings settings = quant.settingsFor(model);
        DataSpec testSpec = dataOptions.toSpec(modelOptions.demo, 0);
        DataSpec calibSpec = quant.calibSpec(modelOptions.demo, dataOptions);
        SessionSettings session = ThreadOption.settings(threads);
        ExpectedInput expected = ModelInputs.expected(model);
        DiagnoseSettings ds = new DiagnoseSettings(samples, batch, threshold, DiagnoseSettings.DEFAULT.sqnrThresholdDb(),
                DiagnoseSettings.DEFAULT.sensitivityThreshold(), !noSensitivity, cacheMib << 20, layerSamples, targetDrop);
        DiagnosisResult r;
        java.util.List<org.quantscope.core.analysis.ActivationStats> acts;
        try (Dataset test = DatasetLoader.open(testSpec, expected, progress, cancel);
             Dataset pool = DatasetLoader.open(calibSpec, expected, false, progress, cancel)) {
            org.quantscope.core.onnx.CaptureBatch.preflight(model, test.sampleShape(), session, cancel);
            QuantConfig config = quant.configuration().withScheme(settings);
            QuantizedModel qm = DiagnosisWorkflow.prepare(model, pool, config, session, progress, cancel);
            DiagnosisWorkflow.Run run = DiagnosisWorkflow.run(qm, config.fixes(), test, pool, ds,
                    dataOptions.provenance(testSpec, threads, 0), session, progress, progress, cancel);
            r = run.result();
            acts = run.activations();
        }
        DiagnosisTables.print(out, r);
        if (quant.fixes().any()) {
            out.println("note: the diagnosis ran on the model after the post-training fixes; its FP32 sanity check "
                    + "compares the simulation with every quantizer off against the FP32 model after the fixes (what "
                    + "the fixes do to the FP32 function itself is reported by quantize, fp32Change per fix).");
        }
        if (json != null) {
            DiagnosisJson.write(r, acts, json);
            out.println("Wrote " + json);
        }
        if (csv != null) {
            DiagnosisJson.writeCsv(r, csv);
            out.println("Wrote " + csv);
        }
        return 0;
    }
}
