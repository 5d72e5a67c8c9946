package org.quantscope.core.workflow;

import org.quantscope.core.InputException;
import org.quantscope.core.config.QuantConfig;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.eval.EvaluationResult;
import org.quantscope.core.eval.EvaluationSettings;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.sim.SimulationResult;
import org.quantscope.core.transform.FixEffects;
import org.quantscope.core.transform.PtqPipeline;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Simulate a configuration: calibrate and evaluate without fixes, apply the fixes, calibrate and evaluate again, and
 * measure what the fixes did to each layer's error. What {@code quantscope quantize} and the window's Simulate run.
 */
public final class SimulationWorkflow {

    /** Test samples the per-layer error before and after the fixes is measured on (fewer for large inputs). */
    public static final int EFFECT_SAMPLES = 1000;

    private SimulationWorkflow() {
    }

    /**
     * What one simulation produced.
     *
     * @param outcome       the pipeline's steps (before and after the fixes, what each fix did)
     * @param effects       per-layer error before and after the fixes, or null without fixes
     * @param result        the final result; its provenance carries the complete configuration
     * @param configuration the configuration that was simulated
     */
    public record Run(PtqPipeline.Outcome outcome, FixEffects effects, SimulationResult result,
                      QuantConfig configuration) {
    }

    /**
     * Simulates.
     *
     * @param model         the model as loaded
     * @param test          labelled test data
     * @param pool          calibration pool
     * @param configuration what to simulate (its calibration draw must be set)
     * @param eval          evaluation batch size and limit
     * @param session       ONNX Runtime settings
     * @param fp32          the FP32 evaluation of {@code model} on {@code test} to reuse, or null
     * @param provenance    more provenance entries for the result (data options, thread counts), or an empty map
     * @param progress      progress of every step
     * @param cancel        cancellation
     * @return the run
     */
    public static Run run(OnnxModel model, Dataset test, Dataset pool, QuantConfig configuration,
                          EvaluationSettings eval, SessionSettings session, EvaluationResult fp32,
                          Map<String, String> provenance, ProgressListener progress, CancellationToken cancel) {
        if (configuration.calibration() == null) {
            throw new InputException("a simulation needs a calibration draw (size, seed, sampling)");
        }
        PtqPipeline.Fixes fixes = configuration.fixes();
        PtqPipeline.Outcome o = PtqPipeline.run(model, test, pool, configuration.scheme(),
                configuration.calibration(), eval, session, fixes, fp32, progress, cancel);
        FixEffects effects = fixes.any() ? FixEffects.measure(o, test, EFFECT_SAMPLES, eval.batchSize(), session,
                progress, cancel) : null;
        SimulationResult r = o.after();
        QuantConfig done = QuantConfig.of(r.model(), fixes);
        Map<String, String> more = new LinkedHashMap<>(provenance);
        more.putAll(done.provenance());
        r = new SimulationResult(r.fp32(), r.quantized(), r.model(), r.seconds(), r.provenance().withSettings(more));
        return new Run(o, effects, r, done);
    }
}
