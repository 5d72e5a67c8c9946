package org.quantscope.core.reliability;

import java.util.List;
import java.util.Locale;

/**
 * A short plain-language reading of one summary, for the worst-class tile and the command line, e.g. "Class Shirt
 * drops 3.1 points in the median and up to 7.4 points over 50 seeds (FP32 78.2 %); overall accuracy drops 1.2
 * points in the median (at most 1.9). Shirt is the worst class in 38 of 50 trials."
 */
public final class ReliabilityReading {

    private ReliabilityReading() {
    }

    /**
     * Reads a summary.
     *
     * @param s            the summary
     * @param classNames   class names
     * @param fp32PerClass FP32 accuracy per class, in [0, 1]
     * @return the reading, or a sentence saying no trial has finished yet
     */
    public static String of(ConditionSummary s, List<String> classNames, double[] fp32PerClass) {
        if (s.trials() == 0 || s.worstClass() < 0) {
            return "No trial has finished yet.";
        }
        int c = s.worstClass();
        String name = classNames.get(c);
        BoxSummary b = s.perClass().get(c);
        String seeds = s.trials() == 1 ? "1 seed" : s.trials() + " seeds";
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "Class %s %s %s in the median and %s %s over %s (FP32 %.1f %%); ",
                name, verb(b.median()), points(b.median()), b.max() >= 0 ? "up to" : "at worst",
                points(Math.abs(b.max())), seeds, 100 * fp32PerClass[c]));
        BoxSummary o = s.overall();
        t.append(String.format(Locale.ROOT, "overall accuracy %s %s in the median (at most %s).", verb(o.median()),
                points(o.median()), points(o.max())));
        int times = s.worstClassCount()[c];
        t.append(String.format(Locale.ROOT, " %s is the worst class in %d of %d trials.", name, times, s.trials()));
        if (b.iqr() > 0 && o.iqr() > 0 && b.iqr() >= 3 * o.iqr()) {
            t.append(String.format(Locale.ROOT, " Its spread (IQR %.1f points) is %.0fx that of the overall drop.",
                    b.iqr(), b.iqr() / o.iqr()));
        }
        return t.toString();
    }

    private static String verb(double drop) {
        return drop >= 0 ? "drops" : "gains";
    }

    /** One decimal from 1 point up, two below (a 0.04-point drop is not "0.0 points"). */
    private static String points(double v) {
        double a = Math.abs(v);
        String n = String.format(Locale.ROOT, a >= 0.995 ? "%.1f" : "%.2f", a);
        return n + (n.equals("1.0") ? " point" : " points");
    }
}
