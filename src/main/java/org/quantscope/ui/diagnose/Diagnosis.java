package org.quantscope.ui.diagnose;

import org.quantscope.core.analysis.ActivationStats;
import org.quantscope.core.analysis.DiagnosisResult;
import org.quantscope.core.sim.SimulationResult;

import java.util.List;

/**
 * One run of the Diagnose action: the layer diagnosis on the test data, the activation statistics on the calibration
 * samples, and the simulation they examined.
 *
 * @param result      the layer diagnosis
 * @param activations statistics of every activation quantizer
 * @param source      the simulation whose quantized model was diagnosed
 * @param seconds     wall-clock time of the run
 */
public record Diagnosis(DiagnosisResult result, List<ActivationStats> activations, SimulationResult source,
                        double seconds) {

    /** Copies the list. */
    public Diagnosis {
        activations = List.copyOf(activations);
    }
}
