package org.quantscope.cli;

import org.quantscope.core.sim.BitWidthVariants;
import org.quantscope.core.transform.MixedPrecision;
import org.quantscope.core.transform.MixedPrecisionPoint;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Set;

/** Console output of a mixed-precision search: the Pareto front, the chosen point, before and after. */
final class MixedPrecisionTables {

    private MixedPrecisionTables() {
    }

    static void print(PrintWriter out, MixedPrecisionOptions.Run run) {
        MixedPrecision.Result r = run.search();
        MixedPrecisionPoint base = r.base();
        long w8 = 8 * r.cost().weightElements();
        out.printf(Locale.ROOT, "%nMixed precision (%s): %d points measured on %d search samples (%s; FP32 there "
                        + "%.2f %%), cost %s, sensitivity by %s, %.1f s (calibration %.1f s, sensitivity %.1f s, walk "
                        + "%.1f s)%n", r.options().candidates().text(), r.points().size(), r.samples(), r.searchData(),
                100 * r.fp32Accuracy(), r.options().cost().name().toLowerCase(Locale.ROOT),
                r.options().metric().name().toLowerCase(Locale.ROOT), r.seconds(), r.calibrationSeconds(),
                r.sensitivitySeconds(), r.walkSeconds());
        out.printf(Locale.ROOT, "%nPareto front (%d of %d points; search samples)%n", r.front().size(),
                r.points().size());
        out.printf(Locale.ROOT, "%-5s %-42s %9s %7s %8s %10s %9s %11s%n", "step", "raised", "accuracy", "drop",
                "avg bits", "size KiB", "vs W8", "MBOPs");
        for (MixedPrecisionPoint p : r.front()) {
            String raised = p.step() == 0 ? "(uniform base)"
                    : p.raised() + " -> " + (p.raisedTo() == BitWidthVariants.FLOAT ? "float" : p.raisedTo());
            out.printf(Locale.ROOT, "%-5s %-42s %7.2f %% %+7.2f %8.2f %10.1f %8.1f%% %11.1f%n",
                    (p.equals(run.chosen()) ? "*" : "") + p.step(), raised, 100 * p.accuracy(), p.drop(),
                    p.averageWeightBits(), p.sizeBits() / 8192.0, 100.0 * p.sizeBits() / w8, p.bops() / 1e6);
        }
        MixedPrecisionPoint c = run.chosen();
        Set<String> changed = MixedPrecision.changed(c, base);
        out.printf(Locale.ROOT, "%nChosen (%s): step %d, %.2f average weight bits, %.1f KiB (%.1f %% of uniform W8), "
                        + "%.1f MBOPs; %d quantizer(s) changed from the base:%n", r.target() == null ? "full front"
                        : r.target().describe(), c.step(), c.averageWeightBits(), c.sizeBits() / 8192.0,
                100.0 * c.sizeBits() / w8, c.bops() / 1e6, changed.size());
        for (String q : changed) {
            out.printf(Locale.ROOT, "  %-40s %s -> %s%n", q, MixedPrecision.label(base.bits().get(q)),
                    MixedPrecision.label(c.bits().get(q)));
        }
        out.printf(Locale.ROOT, "Test set: uniform base %.2f %% (drop %+.2f) -> mixed precision %.2f %% (drop %+.2f); "
                        + "FP32 %.2f %%%n", 100 * run.before().quantized().accuracy(), run.before().dropPoints(),
                100 * run.after().quantized().accuracy(), run.after().dropPoints(),
                100 * run.after().fp32().accuracy());
    }
}
