package org.quantscope.ui.quantize;

import org.quantscope.core.quant.Granularity;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.ui.main.DataSelection;

import java.util.Locale;

/**
 * Everything the user chose for one simulation. Two equal requests give the same numbers, so a result is stale
 * exactly when the current request differs from the one that made it.
 *
 * @param settings    quantization settings
 * @param calibration calibration draw
 * @param pool        calibration pool, or {@code null} for the test data
 */
record SimulationRequest(QuantSettings settings, CalibrationSettings calibration, DataSelection pool) {

    /** e.g. {@code W8A8 per-channel (tensorrt)}. */
    String shortName() {
        String preset = "custom".equals(settings.preset()) ? "" : " (" + settings.preset() + ")";
        return "W" + settings.weightBits() + "A" + settings.activationBits() + " "
                + (settings.weightGranularity() == Granularity.PER_CHANNEL ? "per-channel" : "per-tensor") + preset;
    }

    /** The settings in one line, e.g. {@code W8A8 per-channel · ranges minmax / minmax · 256 samples, seed 0}. */
    String describe() {
        return String.format(Locale.ROOT, "%s · ranges %s / %s · %,d %s calibration samples, seed %d", shortName(),
                settings.weightRange(), settings.activationRange(), calibration.size(),
                calibration.sampling().name().toLowerCase(Locale.ROOT), calibration.seed());
    }
}
