package org.quantscope.cli;

import org.quantscope.core.reliability.BoxSummary;
import org.quantscope.core.reliability.ConditionSummary;
import org.quantscope.core.reliability.ReliabilityReading;
import org.quantscope.core.reliability.ReliabilityResult;

import org.quantscope.core.util.WorstSelection;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** Console tables of a reliability experiment: one box-summary table per configuration and condition. */
final class ReliabilityTables {

    private ReliabilityTables() {
    }

    static void print(PrintWriter out, ReliabilityResult r, ClassTableOptions classes) {
        List<String> names = r.classNames();
        boolean full = classes.full(names.size());
        int w = Math.max(12, names.stream().mapToInt(String::length).max().orElse(5) + 2);
        if (!full) {
            w = Math.max(12, names.stream().mapToInt(String::length).max().orElse(5) + 7);
            out.printf(Locale.ROOT, "%n%,d classes; per table the %d with the largest median drop (--worst-classes N; "
                    + "--all-classes prints every class; the CSV and JSON have all)%n", names.size(),
                    Math.min(names.size(), classes.worstClasses));
        }
        double[] fp32 = r.fp32PerClass();
        for (int c = 0; c < r.conditions().size(); c++) {
            for (int k = 0; k < r.configurations().size(); k++) {
                ConditionSummary s = r.summary(k, c);
                out.printf(Locale.ROOT, "%n%s, condition '%s': %d trial(s); accuracy drop in points (FP32 - "
                        + "quantized)%n", r.configurations().get(k), r.conditions().get(c).label(), s.trials());
                out.printf(Locale.ROOT, "%-" + w + "s %7s %7s %7s %7s %7s %7s %14s %8s %6s%n", "class", "FP32 %",
                        "min", "Q1", "median", "Q3", "max", "mean +- std", "outliers", "worst");
                WorstSelection<Integer> shown = select(names, i -> s.perClass().get(i).median(), full, classes);
                for (int i : shown.shown()) {
                    row(out, w, ClassTables.label(names, i, !full), 100 * fp32[i], s.perClass().get(i),
                            String.valueOf(s.worstClassCount()[i]));
                }
                rest(out, shown, "median drop");
                row(out, w, "overall", 100 * r.fp32Accuracy(), s.overall(), "");
                row(out, w, "worst class", Double.NaN, s.worst(), "");
                out.println(ReliabilityReading.of(s, names, fp32));
            }
            if (r.configurations().size() == 2) {
                compare(out, r, c, w, full, classes);
            }
        }
    }

    private static void compare(PrintWriter out, ReliabilityResult r, int condition, int w, boolean full,
                                ClassTableOptions classes) {
        ConditionSummary a = r.summary(0, condition);
        ConditionSummary b = r.summary(1, condition);
        out.printf(Locale.ROOT, "%nMedian drop side by side, condition '%s' (A: %s, B: %s)%n",
                r.conditions().get(condition).label(), r.configurations().get(0), r.configurations().get(1));
        out.printf(Locale.ROOT, "%-" + w + "s %9s %9s %9s %9s %9s%n", "class", "A median", "B median", "B - A",
                "A max", "B max");
        WorstSelection<Integer> shown = select(r.classNames(), i -> Math.max(a.perClass().get(i).median(),
                b.perClass().get(i).median()), full, classes);
        for (int i : shown.shown()) {
            side(out, w, ClassTables.label(r.classNames(), i, !full), a.perClass().get(i), b.perClass().get(i));
        }
        rest(out, shown, "larger median drop");
        side(out, w, "overall", a.overall(), b.overall());
        side(out, w, "worst class", a.worst(), b.worst());
    }

    private static WorstSelection<Integer> select(List<String> names, java.util.function.IntToDoubleFunction drop,
                                                  boolean full, ClassTableOptions classes) {
        return WorstSelection.of(ClassTables.indices(names.size()), names::get, i -> {
            double d = drop.applyAsDouble(i);
            return Double.isFinite(d) ? d : Double.NaN;
        }, full ? 0 : classes.worstClasses, null, List.of());
    }

    private static void rest(PrintWriter out, WorstSelection<Integer> shown, String quantity) {
        if (shown.reduced()) {
            out.println(shown.rest().describe("classes", quantity, "%.2f points", true));
        }
    }

    private static void side(PrintWriter out, int w, String name, BoxSummary a, BoxSummary b) {
        out.printf(Locale.ROOT, "%-" + w + "s %9s %9s %9s %9s %9s%n", name, f(a.median()), f(b.median()),
                f(b.median() - a.median()), f(a.max()), f(b.max()));
    }

    private static void row(PrintWriter out, int w, String name, double fp32, BoxSummary b, String worst) {
        out.printf(Locale.ROOT, "%-" + w + "s %7s %7s %7s %7s %7s %7s %14s %8d %6s%n", name,
                Double.isNaN(fp32) ? "" : String.format(Locale.ROOT, "%.2f", fp32), f(b.min()), f(b.q1()),
                f(b.median()), f(b.q3()), f(b.max()), b.isEmpty() ? "-" : String.format(Locale.ROOT,
                        "%.2f +- %.2f", b.mean(), b.std()), b.outliers().length, worst);
    }

    private static String f(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "-";
    }
}
