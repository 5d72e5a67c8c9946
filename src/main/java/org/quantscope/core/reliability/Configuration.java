package org.quantscope.core.reliability;

import org.quantscope.core.InputException;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.transform.PtqPipeline;

/**
 * A quantization configuration the trials are run on: the settings and the post-training fixes.
 *
 * @param label    short name for charts and the CSV ({@code "W8A8 per-tensor"}, {@code "with CLE"}, ...)
 * @param settings quantization settings
 * @param fixes    post-training fixes (cross-layer equalization, bias absorption, bias correction)
 */
public record Configuration(String label, QuantSettings settings, PtqPipeline.Fixes fixes) {

    /** Validates. */
    public Configuration {
        if (label == null || label.isBlank()) {
            throw new InputException("a configuration needs a name");
        }
        if (settings == null) {
            throw new InputException("a configuration needs quantization settings");
        }
        fixes = fixes == null ? PtqPipeline.Fixes.NONE : fixes;
    }

    /** The complete configuration (the calibration draw is each trial's own). */
    public org.quantscope.core.config.QuantConfig config() {
        return org.quantscope.core.config.QuantConfig.of(settings, fixes);
    }

    /** Whether the fixes include empirical bias correction, the one fix that depends on the calibration draw. */
    public boolean empiricalBiasCorrection() {
        return "empirical".equals(fixes.biasCorrection());
    }
}
