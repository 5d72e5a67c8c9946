package org.quantscope.cli;

import org.quantscope.core.InputException;
import org.quantscope.core.Provenance;
import org.quantscope.core.config.QuantConfig;
import org.quantscope.core.config.QuantConfigJson;
import org.quantscope.core.data.DataSpec;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.DatasetLoader;
import org.quantscope.core.data.ExpectedInput;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.eval.ModelInputs;
import org.quantscope.core.investigate.Investigation;
import org.quantscope.core.investigate.InvestigationJson;
import org.quantscope.core.investigate.InvestigationSettings;
import org.quantscope.core.investigate.InvestigationSetup;
import org.quantscope.core.investigate.Investigator;
import org.quantscope.core.investigate.Lock;
import org.quantscope.core.investigate.Measurement;
import org.quantscope.core.investigate.Step;
import org.quantscope.core.investigate.StepId;
import org.quantscope.core.investigate.Targets;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.report.Json;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code quantscope investigate}: the debugging flowchart, walked with the recommended action at every step. */
@Command(name = "investigate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Walk the PTQ debugging flowchart (white paper §3.7, Fig. 9): FP32 sanity, baseline, weights "
                + "vs activations, per-channel, CLE, bias correction, AdaRound, activation ranges, per-layer "
                + "remedies, mixed precision, reliability over calibration seeds, verdict. Every remedy is measured "
                + "and kept only when it helps. Takes the options of 'quantize' as the starting point. Exit code 0 "
                + "when the target is met, 3 when it is not.")
final class InvestigateCommand implements Callable<Integer> {

    /** Exit code when the investigation ran and the target is not met. */
    static final int EXIT_NOT_MET = 3;

    @Mixin
    ModelOptions modelOptions;

    @ArgGroup(exclusive = false, heading = "Data%n")
    DataOptions dataOptions = new DataOptions();

    @Mixin
    QuantOptions quant;

    @Option(names = "--target-drop", paramLabel = "P", defaultValue = "1.0",
            description = "Accuracy drop in points the quantized model may lose (default ${DEFAULT-VALUE}).")
    double targetDrop;

    @Option(names = "--target-worst-class-drop", paramLabel = "Q",
            description = "Drop in points the worst class may lose (default: no worst-class target).")
    Double targetWorstClassDrop;

    @Option(names = "--lock", paramLabel = "K", split = ",",
            description = "A setting the target hardware does not let change: granularity, bits, range, float, "
                    + "fixes (repeatable). A device preset with per-tensor weights (snpe, tvm) locks granularity.")
    List<String> locks = new ArrayList<>();

    @Option(names = "--trials", paramLabel = "K", defaultValue = "10",
            description = "Calibration seeds of the reliability step (default ${DEFAULT-VALUE}; 0 skips it).")
    int trials;

    @Option(names = "--adaround-step-iters", paramLabel = "N", defaultValue = "1000",
            description = "AdaRound iterations per layer in the AdaRound step (default ${DEFAULT-VALUE}).")
    int adaroundStepIters;

    @Option(names = "--adaround-step-samples", paramLabel = "N", defaultValue = "256",
            description = "Calibration samples of the AdaRound step (default ${DEFAULT-VALUE}).")
    int adaroundStepSamples;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "256",
            description = "Samples read at a time (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "Evaluate only the first N test samples (0 = all).")
    int limit;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "0",
            description = "ONNX Runtime intra-op threads (0 = all cores).")
    int threads;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the investigation as JSON.")
    Path json;

    @Option(names = "--session", paramLabel = "FILE",
            description = "Save the investigation after every step (the window opens it; docs/investigation.md).")
    Path session;

    @Option(names = "--export-config", paramLabel = "FILE",
            description = "Write the final configuration; 'quantize --config FILE' reproduces the final accuracy.")
    Path exportConfig;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (batch < 1) {
            throw new InputException("--batch must be at least 1, got " + batch + ".");
        }
        if (limit < 0) {
            throw new InputException("--limit must be 0 (all) or positive, got " + limit + ".");
        }
        Targets targets = new Targets(targetDrop, targetWorstClassDrop == null ? Double.NaN : targetWorstClassDrop);
        EnumSet<Lock> locked = EnumSet.noneOf(Lock.class);
        for (String l : locks) {
            locked.add(Lock.of(l));
        }
        InvestigationSettings settings = InvestigationSettings.DEFAULT.withTrials(trials)
                .withAdaRound(adaroundStepIters, adaroundStepSamples);
        PrintWriter out = spec.commandLine().getOut();
        ConsoleProgress progress = new ConsoleProgress(spec.commandLine().getErr(), quiet);
        CancellationToken cancel = CliCancellation.onInterrupt();
        OutputFiles.check("--json", json);
        OutputFiles.check("--session", session);
        OutputFiles.check("--export-config", exportConfig);
        OnnxModel model = OnnxModelLoader.load(modelOptions.resolveModel());
        QuantSettings scheme = quant.settingsFor(model);
        QuantConfig start = quant.configuration().withScheme(scheme);
        DataSpec testSpec = dataOptions.toSpec(modelOptions.demo, limit);
        DataSpec calibSpec = quant.calibSpec(modelOptions.demo, dataOptions);
        SessionSettings sessionSettings = ThreadOption.settings(threads);
        ExpectedInput expected = ModelInputs.expected(model);
        Map<String, String> prov = new LinkedHashMap<>(dataOptions.provenance(testSpec, threads, limit));
        prov.put("calibrationPool", calibSpec.data().toAbsolutePath().toString());
        Investigation inv;
        try (Dataset test = DatasetLoader.open(testSpec, expected, progress, cancel);
             Dataset pool = DatasetLoader.open(calibSpec, expected, false, progress, cancel);
             Dataset labelled = labelledPool(calibSpec, expected, progress, cancel)) {
            org.quantscope.core.onnx.CaptureBatch.preflight(model, test.sampleShape(), sessionSettings, cancel);
            InvestigationSetup setup = new InvestigationSetup(model.path().toString(), model.sha256(),
                    test.description(), pool.description(), start.withCalibration(start.calibration(),
                    pool.description()), targets, locked, settings);
            Provenance provenance = Provenance.of(model.path().toString(), model.sha256(), test.description(), prov);
            Map<String, Object> provTree = Json.provenance(provenance);
            out.printf(Locale.ROOT, "Investigating %s on %s%nStart      %s%nTarget     %s%s%n%n",
                    model.path().getFileName(), test.description(), start.label(), targets.describe(),
                    setup.locks().isEmpty() ? "" : "; locked: " + String.join(", ",
                            setup.locks().stream().map(Lock::id).toList()));
            out.flush();
            Investigator investigator = new Investigator(new Investigator.Context(model, test, pool, labelled,
                    new EvaluationSettings(batch, 0), sessionSettings, prov));
            Investigation[] now = {Investigation.start(setup)};
            try {
                inv = investigator.run(now[0], step -> {
                    now[0] = now[0].with(step);
                    print(out, now[0].steps().size(), step);
                    if (session != null) {
                        InvestigationJson.write(now[0], provTree, session);
                    }
                }, progress, cancel);
            } catch (RuntimeException e) {
                if (session != null && !now[0].steps().isEmpty()) {
                    InvestigationJson.write(now[0], provTree, session);
                    spec.commandLine().getErr().println("The " + now[0].steps().size() + " steps taken so far are "
                            + "saved in " + session + ".");
                }
                throw e;
            }
            if (json != null) {
                InvestigationJson.write(inv, provTree, json);
            }
        }
        if (exportConfig != null) {
            QuantConfigJson.write(inv.configuration(), exportConfig);
        }
        Step verdict = inv.step(StepId.VERDICT).orElseThrow();
        boolean met = "met".equals(verdict.evidence().get("verdict"));
        out.println();
        out.printf(Locale.ROOT, "Verdict    %s%n", met ? "target met" : "target NOT met");
        out.println("           " + verdict.decision());
        if (!met) {
            out.println("           why: " + verdict.reason());
        }
        for (Path p : new Path[] {json, session, exportConfig}) {
            if (p != null) {
                out.println("Wrote " + p);
            }
        }
        return met ? 0 : EXIT_NOT_MET;
    }

    private Dataset labelledPool(DataSpec calibSpec, ExpectedInput expected, ConsoleProgress progress,
                                 CancellationToken cancel) {
        if (calibSpec.labels() == null) {
            return null;
        }
        return DatasetLoader.open(calibSpec, expected, true, progress, cancel);
    }

    private static void print(PrintWriter out, int index, Step s) {
        Measurement m = s.after();
        String acc = m == null || s.status() == org.quantscope.core.investigate.StepStatus.SKIPPED
                || !s.id().isFix() && s.id() != StepId.BASELINE ? ""
                : String.format(Locale.ROOT, "   -> %.2f %% (drop %.2f, worst class %.2f)", 100 * m.accuracy(),
                m.drop(), m.worstClassDrop());
        out.printf(Locale.ROOT, "%2d. %-34s %-8s%s%n", index, s.id().title(), s.status().id(), acc);
        if (!s.finding().isEmpty()) {
            out.println("    " + s.finding());
        }
        out.println("    " + s.decision() + (s.reason().isEmpty() ? "" : " (" + s.reason() + ")"));
        out.flush();
    }
}
