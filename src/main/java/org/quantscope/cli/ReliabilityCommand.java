package org.quantscope.cli;

import org.quantscope.core.workflow.ReliabilityWorkflow;
import org.quantscope.core.InputException;
import org.quantscope.core.data.DataSpec;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.DatasetLoader;
import org.quantscope.core.data.ExpectedInput;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.eval.ModelInputs;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.reliability.Configuration;
import org.quantscope.core.reliability.ReliabilityResult;
import org.quantscope.core.reliability.ReliabilitySettings;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.CancelledException;
import org.quantscope.report.ReliabilityCsv;
import org.quantscope.report.ReliabilityJson;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code quantscope reliability}: per-class accuracy drop over many calibration seeds (Yuan et al. 2023), with
 * optional perturbations of the calibration set or range metric and a side-by-side comparison of two configurations.
 * The CSV and JSON are rewritten after every finished trial, so an interrupted run keeps its trials and can be
 * continued with {@code --continue}.
 */
@Command(name = "reliability", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Reliability trials: calibrate on K calibration sets drawn with different seeds, evaluate each, "
                + "and summarize the per-class accuracy drop (box plots: quartiles, whiskers, outliers, worst class). "
                + "Perturbations compare calibration sizes, noise, class imbalance or range metrics.")
final class ReliabilityCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @ArgGroup(exclusive = false, heading = "Data%n")
    DataOptions dataOptions = new DataOptions();

    @Mixin
    QuantOptions quant;

    @Mixin
    ReliabilityOptions rel;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "256", description = "Evaluation batch size "
            + "(default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Evaluate only the first N test "
            + "samples (0 = all).")
    int limit;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "0",
            description = "ONNX Runtime intra-op threads per trial (0 = all cores divided by --parallel).")
    int threads;

    @Option(names = "--csv", paramLabel = "FILE", description = "Write the trials as long-format CSV (trial, seed, "
            + "class, fp32, quantized, drop, condition, configuration), rewritten after every trial.")
    Path csv;

    @Option(names = "--json", paramLabel = "FILE", description = "Write trials, box summaries and provenance as "
            + "JSON, rewritten after every trial (continue from it with --continue).")
    Path json;

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
        if (threads < 0) {
            throw new InputException("--threads must be 0 (automatic) or positive, got " + threads + ".");
        }
        classTable.check();
        PrintWriter out = spec.commandLine().getOut();
        ConsoleProgress progress = new ConsoleProgress(spec.commandLine().getErr(), quiet);
        CancellationToken cancel = CliCancellation.onInterrupt();
        OutputFiles.check("--csv", csv);
        OutputFiles.check("--json", json);
        ReliabilityResult previous = rel.previous();
        OnnxModel model = OnnxModelLoader.load(modelOptions.resolveModel());
        List<Configuration> configs = rel.configurations(quant, model);
        quant.calibration();
        DataSpec testSpec = dataOptions.toSpec(modelOptions.demo, limit);
        DataSpec calibSpec = quant.calibSpec(modelOptions.demo, dataOptions);
        ExpectedInput expected = ModelInputs.expected(model);
        int parallel = rel.parallel();
        SessionSettings session = new SessionSettings(threads > 0 ? threads
                : Math.max(1, Runtime.getRuntime().availableProcessors() / parallel), true);
        ReliabilityResult result;
        try (Dataset test = DatasetLoader.open(testSpec, expected, progress, cancel);
             Dataset pool = DatasetLoader.open(calibSpec, expected, false, progress, cancel)) {
            org.quantscope.core.onnx.CaptureBatch.preflight(model, test.sampleShape(), session, cancel);
            ReliabilitySettings settings = rel.settings(quant, pool, parallel);
            EvaluationSettings eval = new EvaluationSettings(batch, 0); // --limit cuts the test data itself
            try { // refuse another experiment before the calibrations and caches of this one
                ReliabilityWorkflow.checkContinues(configs, settings, pool, eval, previous);
            } catch (InputException e) {
                throw new InputException("--continue " + rel.continueFrom + ": " + e.template(), e);
            }
            int total = rel.trials + (previous == null ? 0 : maxDone(previous));
            ReliabilityResult[] latest = {null};
            try {
                result = ReliabilityWorkflow.run(model, test, pool, configs, settings, eval, session,
                        rel.cacheBytes(), previous, total, now -> {
                            synchronized (latest) {
                                if (latest[0] == null) {
                                    out.printf(java.util.Locale.ROOT, "%s: FP32 %.2f %%; %d trial(s) per condition"
                                            + "%s, %d condition(s), %s%n", model.path().getFileName(),
                                            100 * now.fp32Accuracy(), total, previous != null ? " ("
                                            + maxDone(previous) + " from " + rel.continueFrom + ")" : "",
                                            settings.conditions().size(), configs.size() == 2 ? "comparing "
                                            + configs.get(0).label() + " with " + configs.get(1).label()
                                            : configs.get(0).label());
                                } else {
                                    checkpoint(now); // the files after every trial: Ctrl+C keeps them
                                }
                                latest[0] = now;
                            }
                        }, progress, cancel);
            } catch (CancelledException e) {
                if (latest[0] == null) {
                    throw e;
                }
                result = latest[0].withTrials(List.of(), false, total);
            }
        }
        ReliabilityTables.print(out, result, classTable);
        write(result, out);
        if (!result.complete()) {
            spec.commandLine().getErr().println("cancelled: " + result.trials().size() + " finished trial(s) kept"
                    + (json != null ? "; continue with --continue " + json : ""));
            return QuantScopeCommand.EXIT_CANCELLED;
        }
        return 0;
    }

    private void write(ReliabilityResult r, PrintWriter out) {
        if (csv != null) {
            ReliabilityCsv.write(r, csv);
            out.println("Wrote " + csv);
        }
        if (json != null) {
            ReliabilityJson.write(r, json);
            out.println("Wrote " + json);
        }
    }

    /** Keeps the finished trials and rewrites the files after each one, so an interrupted run loses nothing. */
    private void checkpoint(ReliabilityResult now) {
        if (csv != null) {
            ReliabilityCsv.write(now, csv);
        }
        if (json != null) {
            ReliabilityJson.write(now, json);
        }
    }

    /** The most trials any configuration and condition of an earlier result has. */
    private static int maxDone(ReliabilityResult r) {
        int m = 0;
        for (int k = 0; k < r.configurations().size(); k++) {
            for (int c = 0; c < r.conditions().size(); c++) {
                m = Math.max(m, r.trials(k, c).size());
            }
        }
        return m;
    }

    static List<String> tokens(String s) {
        List<String> t = new ArrayList<>();
        for (String p : s.trim().split("\\s+")) {
            if (!p.isEmpty()) {
                t.add(p);
            }
        }
        return t;
    }
}
