package org.quantscope.core.workflow;

import org.quantscope.core.InputException;
import org.quantscope.core.config.QuantConfig;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.transform.MixedPrecision;
import org.quantscope.core.transform.MixedPrecisionTarget;
import org.quantscope.core.transform.PtqPipeline;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.util.Optional;

/**
 * The mixed-precision search of a configuration, written once: which fixes it can start from, which model it
 * starts from (the configuration's model after its fixes), and which samples it measures on. What {@code quantize
 * --mixed-precision} and the window's search run.
 */
public final class MixedPrecisionWorkflow {

    private MixedPrecisionWorkflow() {
    }

    /**
     * A fix the search cannot start from.
     *
     * @param fix    which ({@code adaround} or {@code biasCorrection}, the configuration's field names)
     * @param reason why, in plain words
     */
    public record Conflict(String fix, String reason) {
    }

    /** Where the search measures accuracy. */
    public enum SearchData {
        /** Labelled samples of the calibration pool not used for calibration (an honest choice). */
        POOL,
        /** The test data (optimistic: the choice is then measured on what it was chosen on). */
        TEST
    }

    /**
     * Whether the search can start from these fixes: the fixes that depend on each layer's bit width (AdaRound's
     * learned rounding, bias correction's measured shifts) would have to be redone for every candidate.
     *
     * @param fixes the configuration's fixes
     * @return the first conflict, or empty
     */
    public static Optional<Conflict> conflict(PtqPipeline.Fixes fixes) {
        if (fixes.adaround() != null) {
            return Optional.of(new Conflict("adaround", "the learned rounding depends on each layer's weight bits"));
        }
        if (fixes.biasCorrection() != null) {
            return Optional.of(new Conflict("biasCorrection", "the corrections depend on each layer's weight bits"));
        }
        return Optional.empty();
    }

    /**
     * The graph the search quantizes: the configuration's model after its fixes, or null without fixes (the loaded
     * model, folded as the scheme says).
     *
     * @param prepared the configuration's calibrated model (from a simulation or {@link DiagnosisWorkflow#prepare})
     * @param fixes    its fixes
     * @return the transformed graph, or null
     */
    public static OnnxModel startingModel(QuantizedModel prepared, PtqPipeline.Fixes fixes) {
        return fixes.any() ? prepared.prepared() : null;
    }

    /**
     * Searches.
     *
     * @param model         the model as loaded
     * @param start         {@link #startingModel}
     * @param configuration the configuration the search starts from (its scheme is the uniform base point)
     * @param pool          calibration pool
     * @param labelledPool  the same pool with its labels, or null when it has none
     * @param test          labelled test data
     * @param where         where accuracy is measured
     * @param options       candidates, cost axis, metric, samples
     * @param target        the target to stop at, or null for the whole front
     * @param session       ONNX Runtime settings
     * @param progress      progress
     * @param cancel        cancellation
     * @return the search
     * @throws InputException on a conflicting fix, or {@link SearchData#POOL} without pool labels
     */
    public static MixedPrecision.Result search(OnnxModel model, OnnxModel start, QuantConfig configuration,
                                               Dataset pool, Dataset labelledPool, Dataset test, SearchData where,
                                               MixedPrecision.Options options, MixedPrecisionTarget target,
                                               SessionSettings session, ProgressListener progress,
                                               CancellationToken cancel) {
        conflict(configuration.fixes()).ifPresent(c -> {
            throw new InputException("the mixed-precision search cannot start from " + c.fix() + ": " + c.reason());
        });
        Dataset search;
        if (where == SearchData.POOL) {
            if (labelledPool == null) {
                throw new InputException("the mixed-precision search measures accuracy on labelled samples of the "
                        + "calibration pool, and the pool has no labels; give its labels, or search on the test data");
            }
            search = MixedPrecision.searchSplit(pool, labelledPool, configuration.calibration(),
                    configuration.calibration().seed());
        } else {
            search = test;
        }
        return MixedPrecision.search(model, start, configuration.scheme(), pool, search, configuration.calibration(),
                options, target, session, progress, cancel);
    }
}
