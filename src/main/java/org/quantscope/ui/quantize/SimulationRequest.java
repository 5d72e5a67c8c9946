package org.quantscope.ui.quantize;

import org.quantscope.core.quant.Granularity;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.transform.PtqPipeline;
import org.quantscope.ui.main.DataSelection;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Everything the user chose for one simulation. Two equal requests give the same numbers, so a result is stale
 * exactly when the current request differs from the one that made it.
 *
 * @param settings    quantization settings
 * @param calibration calibration draw
 * @param pool        calibration pool, or {@code null} for the test data
 * @param fixes       post-training fixes ({@link PtqPipeline.Fixes#NONE} for none)
 */
record SimulationRequest(QuantSettings settings, CalibrationSettings calibration, DataSelection pool,
                         PtqPipeline.Fixes fixes) {

    /** e.g. {@code W8A8 per-channel (tensorrt)}. */
    String shortName() {
        String preset = "custom".equals(settings.preset()) ? "" : " (" + settings.preset() + ")";
        return "W" + settings.weightBits() + "A" + settings.activationBits() + " "
                + (settings.weightGranularity() == Granularity.PER_CHANNEL ? "per-channel" : "per-tensor") + preset
                + (fixes.any() ? " + " + fixNames() : "");
    }

    /** The fixes, e.g. {@code CLE, bias absorption, AdaRound}. */
    String fixNames() {
        List<String> n = new ArrayList<>();
        if (fixes.cle()) {
            n.add("CLE");
        }
        if (fixes.biasAbsorption()) {
            n.add("bias absorption");
        }
        if (fixes.biasCorrection() != null) {
            n.add(fixes.biasCorrection() + " bias correction");
        }
        if (fixes.adaround() != null) {
            n.add(String.format(Locale.ROOT, "AdaRound (%,d iterations)", fixes.adaround().iterations()));
        }
        return String.join(", ", n);
    }

    /** The settings in one line, e.g. {@code W8A8 per-channel · ranges minmax / minmax · 256 samples, seed 0}. */
    String describe() {
        return String.format(Locale.ROOT, "%s · ranges %s / %s · %,d %s calibration samples, seed %d", shortName(),
                settings.weightRange(), settings.activationRange(), calibration.size(),
                calibration.sampling().name().toLowerCase(Locale.ROOT), calibration.seed());
    }
}
