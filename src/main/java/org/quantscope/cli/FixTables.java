package org.quantscope.cli;

import org.quantscope.core.transform.AdaRound;
import org.quantscope.core.transform.FixEffects;

import java.io.PrintWriter;
import java.util.Locale;

/** Console tables of what the post-training fixes did. */
final class FixTables {

    private FixTables() {
    }

    /** Per layer: reconstruction error of nearest rounding and of AdaRound, which one was kept. */
    static void printAdaRound(PrintWriter out, AdaRound.Result ada) {
        int w = ada.layers().stream().mapToInt(l -> l.layer().length()).max().orElse(5);
        out.printf(Locale.ROOT, "  %-" + w + "s  %8s  %12s  %12s  %8s  %9s  %s%n", "layer", "rows", "nearest err",
                "adaround err", "flipped", "seconds", "kept");
        for (AdaRound.LayerResult r : ada.layers()) {
            out.printf(Locale.ROOT, "  %-" + w + "s  %8d  %12.4g  %12.4g  %7.1f%%  %9.1f  %s%s%n", r.layer(), r.rows(),
                    r.nearestLoss(), r.adaroundLoss(), r.weights() == 0 ? 0 : 100.0 * r.flipped() / r.weights(),
                    r.seconds(), r.kept(), r.note().isEmpty() ? "" : " (" + r.note() + ")");
        }
        out.println("  (err: mean over output positions of the summed squared error of the layer's output against "
                + "FP32, eq. 35; flipped: weights rounded the other way than nearest)");
    }

    /** Per layer: SQNR and mean shift of the linear output before and after the fixes. */
    static void printFixEffects(PrintWriter out, FixEffects e) {
        out.printf(Locale.ROOT, "%nPer-layer error before -> after the fixes (whole quantized network, %d samples of "
                + "%s):%n", e.samples(), e.data());
        int w = e.layers().stream().mapToInt(l -> l.layer().length()).max().orElse(5);
        out.printf(Locale.ROOT, "  %-" + w + "s  %19s  %23s  %23s%n", "layer", "SQNR dB", "mean |shift|",
                "|shift| / std");
        for (FixEffects.LayerEffect l : e.layers()) {
            out.printf(Locale.ROOT, "  %-" + w + "s  %8.2f -> %8.2f  %10.3g -> %10.3g  %10.3g -> %10.3g%n", l.layer(),
                    l.before().sqnrDb(), l.after().sqnrDb(), l.meanAbsShiftBefore(), l.meanAbsShiftAfter(),
                    l.relativeShiftBefore(), l.relativeShiftAfter());
        }
    }
}
