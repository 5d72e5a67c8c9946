package org.quantscope.ui.quantize;

import org.quantscope.core.transform.ActivationRangeChange;
import org.quantscope.core.transform.AdaRound;
import org.quantscope.core.transform.CrossLayerEqualization;
import org.quantscope.core.transform.FunctionChange;
import org.quantscope.core.transform.PtqPipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Plain-language summary of what the post-training fixes did. */
final class FixTexts {

    private FixTexts() {
    }

    /**
     * e.g. {@code "CLE + bias absorption: quantized 37.98 % without the fixes -> 91.55 % with them. Equalized 8 layer
     * pairs in 49 sweeps (...); 8 ReLU6 kept exact as per-channel clips (...). Equalization: FP32 function
     * unchanged (...)."}
     */
    static String summary(PtqPipeline.Outcome o, SimulationRequest request) {
        List<String> parts = new ArrayList<>();
        parts.add(String.format(Locale.ROOT, "%s: quantized %.2f %% without the fixes → %.2f %% with them (%+.2f "
                + "points).", capitalize(request.fixNames()), 100 * o.before().quantized().accuracy(),
                100 * o.after().quantized().accuracy(),
                100 * (o.after().quantized().accuracy() - o.before().quantized().accuracy())));
        if (o.cle() != null) {
            CrossLayerEqualization.Result c = o.cle();
            parts.add(String.format(Locale.ROOT, "Equalized %d layer pairs (%d sweeps, %s)%s.", c.pairs().size(),
                    c.iterations(), c.converged() ? "converged" : "NOT converged",
                    !c.relu6Bounded().isEmpty() ? ", " + c.relu6Bounded().size() + " ReLU6 kept exact"
                            : !c.relu6Replaced().isEmpty() ? ", " + c.relu6Replaced().size() + " ReLU6 replaced by ReLU"
                            : ""));
            boolean changed = o.fp32Changes().stream().anyMatch(FunctionChange::changed);
            parts.add(String.format(Locale.ROOT, "FP32 function %s (%.2f %% → %.2f %%).", changed ? "CHANGED"
                    : "unchanged", 100 * o.before().fp32().accuracy(), 100 * o.fp32AfterCle().accuracy()));
        }
        if (!o.absorbed().isEmpty() || !o.skipped().isEmpty()) {
            parts.add("Biases absorbed in " + o.absorbed().size() + " pairs" + (o.skipped().isEmpty() ? "."
                    : ", " + o.skipped().size() + " left alone (the next layer pads)."));
        }
        if (o.biasCorrection() != null) {
            parts.add("Biases corrected in " + o.biasCorrection().corrections().size() + " layers.");
        }
        AdaRound.Result a = o.adaround();
        if (a != null) {
            long kept = a.layers().stream().filter(l -> l.kept().equals("adaround")).count();
            parts.add(String.format(Locale.ROOT, "AdaRound kept its learned rounding in %d of %d layers (%.0f s).",
                    kept, a.layers().size(), a.seconds()));
        }
        return String.join(" ", parts);
    }

    /** The full account of equalization and absorption (the command line's lines), for the summary's tooltip. */
    static String details(PtqPipeline.Outcome o) {
        if (o.cle() == null) {
            return "";
        }
        List<String> lines = new ArrayList<>();
        lines.add("Cross-layer equalization of " + o.cle().describe() + ".");
        o.fp32Changes().forEach(c -> lines.add(c.describe() + "."));
        List<ActivationRangeChange> ranges = o.activationRanges();
        if (!ranges.isEmpty()) {
            lines.add("Calibrated output ranges of the equalized layers, widest growth first:");
            ranges.stream().limit(3).forEach(x -> lines.add("  " + x.describe()));
        }
        return String.join("\n", lines);
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
