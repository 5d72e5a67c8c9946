package org.quantscope.cli;

import org.quantscope.core.analysis.DiagnosisResult;
import org.quantscope.core.analysis.ErrorMetrics;
import org.quantscope.core.analysis.LayerDiagnosis;

import java.io.PrintWriter;
import java.util.Locale;

/** The terminal view of a diagnosis: flowchart steps, then one row per layer. */
final class DiagnosisTables {

    private DiagnosisTables() {
    }

    static void print(PrintWriter out, DiagnosisResult r) {
        out.printf(Locale.ROOT, "Model      %s%n", r.provenance().modelPath());
        out.printf(Locale.ROOT, "Data       %s (first %d samples)%n", r.provenance().data(), r.full().samples());
        if (r.layerSamples() < r.full().samples()) {
            out.printf(Locale.ROOT, "           per-layer runs (isolated error, sensitivity, float gain) on the first %d "
                    + "of them: an estimate; --layer-samples sets the count%n", r.layerSamples());
        }
        out.printf(Locale.ROOT, "Calibration %s%n", r.model().calibrationData());
        out.printf(Locale.ROOT, "Settings   %s%n", ResultTables.settingsLine(r.model().settings()));
        out.println();
        out.printf(Locale.ROOT, "1 FP32 sanity        %s  (max |logit diff| %.2g, predictions agree on %.2f %%; "
                + "against %s)%n", r.sanity().passed() ? "passed" : "FAILED", r.sanity().maxAbsLogitDiff(),
                100 * r.sanity().predictionAgreement(), r.sanity().reference());
        out.printf(Locale.ROOT, "  FP32               %6.2f %%%n", 100 * r.full().fp32Accuracy());
        out.printf(Locale.ROOT, "  quantized          %6.2f %%  (drop %+.2f points)%n", 100 * r.full().accuracy(),
                r.full().dropPoints());
        out.printf(Locale.ROOT, "2 weights only       %6.2f %%  (drop %+.2f points)%n", 100 * r.weightsOnly().accuracy(),
                r.weightsOnly().dropPoints());
        out.printf(Locale.ROOT, "  activations only   %6.2f %%  (drop %+.2f points)%n",
                100 * r.activationsOnly().accuracy(), r.activationsOnly().dropPoints());
        out.println();
        int w = Math.max(6, r.layers().stream().mapToInt(l -> l.name().length()).max().orElse(6) + 2);
        out.printf(Locale.ROOT, "%-3s %-" + w + "s %-15s %8s %9s %8s %8s %8s %9s %8s %8s  %s%n", "#", "layer", "op",
                "w ratio", "rmse", "rmse/s", "SQNR dB", "cosine", "iso rmse/s", "sens.drop", "fl.gain", "flag");
        int i = 1;
        for (LayerDiagnosis l : r.layers()) {
            ErrorMetrics p = l.propagated();
            ErrorMetrics iso = l.isolated();
            out.printf(Locale.ROOT, "%-3d %-" + w + "s %-15s %8s %9s %8s %8s %8s %9s %8s %8s  %s%n", i++, l.name(),
                    l.op(), f(l.weightRangeRatio(), "%.1f"), f(p.rmse(), "%.4g"), f(p.rmseOverScale(), "%.3f"),
                    f(p.sqnrDb(), "%.1f"), f(p.cosine(), "%.4f"), f(iso.rmseOverScale(), "%.3f"),
                    f(l.sensitivityDrop(), "%+.2f"), f(l.floatGain(), "%+.2f"),
                    l.flag().isEmpty() ? "" : l.suggestion().isEmpty() ? l.flag() : l.flag() + " -> " + l.suggestion());
        }
        out.println();
        out.println("rmse/s: RMSE in quantizer steps (pure rounding noise: 0.289); iso: only this layer quantized, FP32"
                + " input; sens.drop: accuracy drop in points with only this layer quantized; fl.gain: accuracy gain in"
                + " points with only this layer in float.");
    }

    private static String f(double v, String fmt) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return String.format(Locale.ROOT, fmt, v);
    }
}
