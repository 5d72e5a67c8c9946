package org.quantscope.core.workflow;

import org.quantscope.core.analysis.ActivationStatistics;
import org.quantscope.core.analysis.ActivationStats;
import org.quantscope.core.analysis.DiagnoseSettings;
import org.quantscope.core.analysis.DiagnosisResult;
import org.quantscope.core.analysis.LayerDiagnostics;
import org.quantscope.core.config.QuantConfig;
import org.quantscope.core.data.CalibrationSampler;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.sim.QuantizedModel;
import org.quantscope.core.transform.PtqPipeline;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Diagnose a quantized model: the layer diagnosis (sanity check, weights vs activations, per-layer error and
 * sensitivity), then the activation statistics of its calibration set. What {@code quantscope diagnose} and the
 * window's Diagnose run; the window diagnoses the model of its last simulation, the command line prepares one.
 */
public final class DiagnosisWorkflow {

    private DiagnosisWorkflow() {
    }

    /**
     * What one diagnosis produced.
     *
     * @param result        the layer diagnosis; its provenance carries the complete configuration
     * @param activations   activation statistics per activation quantizer, on the calibration set
     * @param configuration the configuration that was diagnosed
     */
    public record Run(DiagnosisResult result, List<ActivationStats> activations, QuantConfig configuration) {
    }

    /**
     * The calibrated model of a configuration, fixes applied, without evaluating it.
     *
     * @param model         the model as loaded
     * @param pool          calibration pool
     * @param configuration what to quantize (its calibration draw must be set)
     * @param session       ONNX Runtime settings
     * @param progress      progress
     * @param cancel        cancellation
     * @return the quantized model
     */
    public static QuantizedModel prepare(OnnxModel model, Dataset pool, QuantConfig configuration,
                                         SessionSettings session, ProgressListener progress,
                                         CancellationToken cancel) {
        return PtqPipeline.prepare(model, pool, configuration.scheme(), configuration.calibration(), session,
                configuration.fixes(), progress, cancel);
    }

    /**
     * Diagnoses.
     *
     * @param qm                  the calibrated model
     * @param fixes               the fixes {@code qm} was made with ({@link PtqPipeline.Fixes#NONE} for none)
     * @param test                labelled test data
     * @param pool                the calibration pool {@code qm} was calibrated from
     * @param settings            samples, batch size, thresholds
     * @param provenance          more provenance entries (data options, thread counts), or an empty map
     * @param session             ONNX Runtime settings
     * @param diagnosisProgress   progress of the layer diagnosis
     * @param activationsProgress progress of the activation statistics
     * @param cancel              cancellation
     * @return the diagnosis
     */
    public static Run run(QuantizedModel qm, PtqPipeline.Fixes fixes, Dataset test, Dataset pool,
                          DiagnoseSettings settings, Map<String, String> provenance, SessionSettings session,
                          ProgressListener diagnosisProgress, ProgressListener activationsProgress,
                          CancellationToken cancel) {
        DiagnosisResult r = LayerDiagnostics.diagnose(qm, fixes.any(), test, settings, session, diagnosisProgress,
                cancel);
        Dataset calib = CalibrationSampler.sample(pool, qm.calibration().sampling(), qm.calibration().size(),
                qm.calibration().seed());
        List<ActivationStats> acts = ActivationStatistics.collect(qm, calib, calib.size(), settings.batchSize(),
                session, activationsProgress, cancel);
        QuantConfig config = QuantConfig.of(qm, fixes);
        Map<String, String> more = new LinkedHashMap<>(provenance);
        more.putAll(config.provenance());
        r = r.withProvenance(r.provenance().withSettings(more));
        return new Run(r, acts, config);
    }
}
