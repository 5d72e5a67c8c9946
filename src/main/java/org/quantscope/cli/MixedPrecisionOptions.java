package org.quantscope.cli;

import org.quantscope.core.config.QuantConfig;
import org.quantscope.core.workflow.MixedPrecisionWorkflow;
import org.quantscope.core.InputException;
import org.quantscope.core.data.DataSpec;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.DatasetLoader;
import org.quantscope.core.data.ExpectedInput;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.sim.QuantizationSimulator;
import org.quantscope.core.sim.SimulationResult;
import org.quantscope.core.transform.MixedPrecision;
import org.quantscope.core.transform.MixedPrecisionCandidates;
import org.quantscope.core.transform.MixedPrecisionPoint;
import org.quantscope.core.transform.MixedPrecisionTarget;
import org.quantscope.core.transform.PtqPipeline;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The mixed-precision options of {@code quantize} ({@code --mixed-precision --target-drop P | --target-bits B} and
 * the {@code --mp-*} knobs) and the run they ask for: search, pick the point, simulate it like any other settings.
 */
final class MixedPrecisionOptions {

    @Option(names = "--mixed-precision", description = "Search per-quantizer bit widths (sensitivity-guided, Pareto "
            + "front of accuracy versus cost) and quantize with the point the target picks.")
    boolean enabled;

    @Option(names = "--target-drop", paramLabel = "P", description = "With --mixed-precision: the cheapest "
            + "configuration at most P points below FP32 on the search samples.")
    Double targetDrop;

    @Option(names = "--target-bits", paramLabel = "B", description = "With --mixed-precision: the most accurate "
            + "configuration with at most B average weight bits.")
    Double targetBits;

    @Option(names = "--mp-candidates", paramLabel = "LIST", defaultValue = "w4,w8,w16,a8,a16,float",
            description = "Candidate widths: wN, aN (N = 2..16), float (float fallback), wfloat, afloat "
                    + "(default ${DEFAULT-VALUE}).")
    String candidates;

    @Option(names = "--mp-cost", paramLabel = "C", defaultValue = "bops", description = "Cost axis: bops (MACs x "
            + "weight bits x activation bits; default) or size (weight memory; only weights are searched).")
    String cost;

    @Option(names = "--mp-metric", paramLabel = "M", defaultValue = "kl", description = "Sensitivity measure: kl "
            + "(logit KL divergence from FP32; default) or accuracy.")
    String metric;

    @Option(names = "--mp-samples", paramLabel = "N", defaultValue = "2000", description = "Search samples "
            + "(default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--mp-search-data", paramLabel = "D", defaultValue = "pool", description = "Where points are "
            + "measured: pool (labelled calibration-pool samples the calibration draw did not take; default) or test "
            + "(the test set itself: the choice is then made on the data it is reported on).")
    String searchData;

    @Option(names = "--mp-cache-mib", paramLabel = "MIB", defaultValue = "256", description = "Memory for the "
            + "activations cached at layer cuts during the sensitivity phase (default ${DEFAULT-VALUE}; 0 runs every "
            + "raise from the model input, same results).")
    long cacheMib;

    @Option(names = "--mp-full-front", description = "Walk until every quantizer is at its highest candidate instead "
            + "of stopping at the target.")
    boolean fullFront;

    @Option(names = "--export-pareto", paramLabel = "FILE", description = "Write every measured point (accuracy, "
            + "size, average bits, BOPs, on the front or not) as CSV.")
    Path exportPareto;

    /** The search and the test-set figures of the base and of the chosen point. */
    record Run(MixedPrecision.Result search, MixedPrecisionPoint chosen, SimulationResult before,
               SimulationResult after) {
    }

    /** Checks the combination before any data is read (messages name the flags). */
    MixedPrecisionTarget check(PtqPipeline.Fixes fixes) {
        if (!enabled) {
            if (targetDrop != null || targetBits != null || exportPareto != null || fullFront) {
                throw new InputException((targetDrop != null ? "--target-drop" : targetBits != null ? "--target-bits"
                        : exportPareto != null ? "--export-pareto" : "--mp-full-front")
                        + " belongs to the mixed-precision search; give --mixed-precision too");
            }
            String tuned = !"w4,w8,w16,a8,a16,float".equals(candidates) ? "--mp-candidates"
                    : !"bops".equals(cost) ? "--mp-cost" : !"kl".equals(metric) ? "--mp-metric"
                    : samples != 2000 ? "--mp-samples" : !"pool".equals(searchData) ? "--mp-search-data"
                    : cacheMib != 256 ? "--mp-cache-mib" : null;
            if (tuned != null) {
                throw new InputException(tuned + " tunes the mixed-precision search; give --mixed-precision too");
            }
            return null;
        }
        MixedPrecisionWorkflow.conflict(fixes).ifPresent(c -> {
            String flag = c.fix().equals("adaround") ? "--adaround" : "--bias-correction";
            throw new InputException("--mixed-precision cannot follow " + flag + " yet: " + c.reason() + "; run "
                    + flag + " on the chosen configuration (its --override flags) instead");
        });
        OutputFiles.check("--export-pareto csv", exportPareto);
        MixedPrecisionTarget t = new MixedPrecisionTarget(targetDrop == null ? Double.NaN : targetDrop,
                targetBits == null ? Double.NaN : targetBits);
        options();
        searchOnPool();
        return t;
    }

    MixedPrecision.Options options() {
        MixedPrecisionCandidates c = MixedPrecisionCandidates.parse(candidates);
        MixedPrecision.CostAxis axis = switch (cost.trim().toLowerCase(Locale.ROOT)) {
            case "bops" -> MixedPrecision.CostAxis.BOPS;
            case "size" -> MixedPrecision.CostAxis.SIZE;
            default -> throw new InputException("--mp-cost must be bops or size, got '" + cost + "'");
        };
        MixedPrecision.Metric m = switch (metric.trim().toLowerCase(Locale.ROOT)) {
            case "kl" -> MixedPrecision.Metric.KL;
            case "accuracy" -> MixedPrecision.Metric.ACCURACY;
            default -> throw new InputException("--mp-metric must be kl or accuracy, got '" + metric + "'");
        };
        if (samples < 1) {
            throw new InputException("--mp-samples must be at least 1, got " + samples);
        }
        if (cacheMib < 0) {
            throw new InputException("--mp-cache-mib must be 0 (off) or more, got " + cacheMib);
        }
        return new MixedPrecision.Options(c, axis, m, samples, 100, cacheMib << 20, fullFront);
    }

    private boolean searchOnPool() {
        return switch (searchData.trim().toLowerCase(Locale.ROOT)) {
            case "pool" -> true;
            case "test" -> false;
            default -> throw new InputException("--mp-search-data must be pool or test, got '" + searchData + "'");
        };
    }

    /**
     * Searches on top of the pipeline's outcome (its fixes kept), picks the point and simulates it on the test data.
     */
    Run run(OnnxModel model, PtqPipeline.Outcome outcome, PtqPipeline.Fixes fixes, MixedPrecisionTarget target,
            Dataset test, Dataset pool, DataSpec calibSpec, ExpectedInput expected, CalibrationSettings calibration,
            EvaluationSettings eval, SessionSettings session, ProgressListener progress, CancellationToken cancel) {
        SimulationResult base = outcome.after();
        OnnxModel transformed = MixedPrecisionWorkflow.startingModel(base.model(), fixes);
        QuantConfig config = QuantConfig.of(base.model(), fixes);
        Dataset labelled = null;
        if (searchOnPool()) {
            try {
                labelled = DatasetLoader.open(calibSpec, expected, true, progress, cancel);
            } catch (InputException e) {
                throw new InputException("the mixed-precision search measures accuracy on labelled samples of the "
                        + "calibration pool: " + e.getMessage() + " Give --calib-labels, or --mp-search-data test.",
                        e);
            }
        }
        MixedPrecision.Result r;
        try (Dataset closing = labelled) {
            r = MixedPrecisionWorkflow.search(model, transformed, config, pool, labelled, test, searchOnPool()
                    ? MixedPrecisionWorkflow.SearchData.POOL : MixedPrecisionWorkflow.SearchData.TEST, options(), target,
                    session, progress, cancel);
        }
        MixedPrecisionPoint chosen = target.select(r.points(), r.options().cost());
        SimulationResult after = QuantizationSimulator.simulate(model, transformed, test, pool, r.settings(chosen),
                calibration, eval, session, base.fp32(), progress, cancel);
        return new Run(r, chosen, base, after);
    }

    Path exportPareto() {
        return exportPareto;
    }
}
