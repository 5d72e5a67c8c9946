package org.quantscope.ui.quantize;

import org.quantscope.core.transform.AdaRound;
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
            parts.add(String.format(Locale.ROOT, "Equalized %s (FP32 %.2f %% → %.2f %%).", o.cle().describe(),
                    100 * o.before().fp32().accuracy(), 100 * o.fp32AfterCle().accuracy()));
        }
        if (!o.absorbed().isEmpty() || !o.skipped().isEmpty()) {
            parts.add("High biases absorbed in " + o.absorbed().size() + " pairs" + (o.skipped().isEmpty() ? "."
                    : ", " + o.skipped().size() + " left alone where it is not exact (the next layer pads)."));
        }
        o.fp32Changes().forEach(c -> parts.add(c.describe().replaceFirst("^cle: ", "Equalization: ")
                .replaceFirst("^biasAbsorption: ", "Bias absorption: ") + "."));
        o.activationRanges().stream().findFirst().filter(x -> x.growth() > 1.5).ifPresent(x -> parts.add(
                "Widest activation-range growth after equalization: " + x.describe() + "."));
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

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
