package org.quantscope.chart;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One axis of a {@link Plot}: its label, the value range it shows, linear or logarithmic, and the tick values with their
 * labels. Category axes are linear axes over [-0.5, n - 0.5] whose ticks carry the category names. JavaFX-free, so the
 * screen renderer and the SVG writer place every mark identically.
 *
 * @param label axis title
 * @param min   smallest value shown (positive for a log axis)
 * @param max   largest value shown, &gt; min
 * @param log   logarithmic (base 10)
 * @param ticks tick values and labels
 */
public record Axis(String label, double min, double max, boolean log, List<Tick> ticks) {

    /** A tick: where it is and what it says. */
    public record Tick(double value, String label) {
    }

    /** Copies the ticks and checks the range. */
    public Axis {
        ticks = List.copyOf(ticks);
        if (!(max > min) || log && !(min > 0)) {
            throw new IllegalArgumentException("bad axis range [" + min + ", " + max + "]" + (log ? " (log)" : ""));
        }
    }

    /**
     * A linear axis with about {@code targetTicks} "nice" ticks (1, 2 or 5 times a power of ten); the range is widened to
     * whole ticks when {@code snap}.
     *
     * @param label       axis title
     * @param min         smallest value
     * @param max         largest value (widened when not above min)
     * @param targetTicks roughly how many ticks
     * @param snap        widen the range to the enclosing ticks
     * @return the axis
     */
    public static Axis linear(String label, double min, double max, int targetTicks, boolean snap) {
        if (!(max > min)) {
            double pad = Math.max(Math.abs(min) * 0.05, 1e-9);
            min -= pad;
            max += pad;
        }
        double step = niceStep((max - min) / Math.max(1, targetTicks));
        double lo = snap ? Math.floor(min / step + 1e-9) * step : min;
        double hi = snap ? Math.ceil(max / step - 1e-9) * step : max;
        List<Tick> ticks = new ArrayList<>();
        for (double v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
            double clean = Math.abs(v) < step * 1e-9 ? 0 : v;
            ticks.add(new Tick(clean, format(clean, step)));
        }
        return new Axis(label, lo, hi, false, ticks);
    }

    /**
     * A log axis over whole decades enclosing [min, max], ticked at 1, 10, 100, ...
     *
     * @param label axis title
     * @param min   smallest positive value
     * @param max   largest value
     * @return the axis
     */
    public static Axis log(String label, double min, double max) {
        double lo = Math.pow(10, Math.floor(Math.log10(min) + 1e-9));
        double hi = Math.pow(10, Math.ceil(Math.log10(Math.max(max, min * 1.0001)) - 1e-9));
        if (!(hi > lo)) {
            hi = lo * 10;
        }
        List<Tick> ticks = new ArrayList<>();
        for (double v = lo; v <= hi * 1.0001; v *= 10) {
            ticks.add(new Tick(v, v >= 1 ? String.format(Locale.ROOT, "%,.0f", v) : trim(String.format(Locale.ROOT,
                    "%.6f", v))));
        }
        return new Axis(label, lo, hi, true, ticks);
    }

    /**
     * A category axis: category {@code i} sits at value {@code i}, its tick labelled with its name.
     *
     * @param label axis title
     * @param names the categories
     * @return the axis
     */
    public static Axis categories(String label, List<String> names) {
        List<Tick> ticks = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            ticks.add(new Tick(i, names.get(i)));
        }
        return new Axis(label, -0.5, Math.max(names.size(), 1) - 0.5, false, ticks);
    }

    /**
     * Where {@code v} lies on the axis, 0 at {@code min} and 1 at {@code max} (clamped to [-0.05, 1.05] so that marks
     * outside the range stay just outside the plot).
     *
     * @param v a value
     * @return its fraction of the axis
     */
    public double fraction(double v) {
        double f = log ? (Math.log10(Math.max(v, min * 1e-3)) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))
                : (v - min) / (max - min);
        return Math.max(-0.05, Math.min(1.05, f));
    }

    /** Whether this is a category axis (made by {@link #categories}): a tick at every whole value from 0. */
    public boolean isCategories() {
        if (log || min != -0.5 || ticks.isEmpty() || Math.abs(max - (ticks.size() - 0.5)) > 1e-9) {
            return false;
        }
        for (int i = 0; i < ticks.size(); i++) {
            if (ticks.get(i).value() != i) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code v} lies within the axis range. */
    public boolean contains(double v) {
        return v >= min && v <= max;
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        if (!(raw > 0) || Double.isInfinite(raw)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double m = raw / p;
        return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
    }

    /** A tick label with as many decimals as the step needs. */
    static String format(double v, double step) {
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
        if (Math.abs(step) >= 1e-4 || v == 0) {
            return String.format(Locale.ROOT, "%." + Math.min(decimals, 6) + "f", v);
        }
        return String.format(Locale.ROOT, "%.1e", v);
    }

    private static String trim(String s) {
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
