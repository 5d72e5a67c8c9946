package org.quantscope.core.reliability;

import org.quantscope.core.InputException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * What a reliability experiment varies, each a set of box plots to compare (Yuan et al. 2023): the calibration size
 * (Table 1), noise images in the calibration set (Fig. 3), class imbalance (Fig. 4) and the range metric (Table 3).
 * {@link #NONE} runs the baseline only.
 */
public enum Perturbation {
    /** The baseline only. */
    NONE,
    /** One condition per calibration size. */
    SIZE,
    /** One condition per share of noise images (the clean set included when 0 is listed). */
    NOISE,
    /** The balanced baseline, then one condition per class the calibration set is skewed to. */
    IMBALANCE,
    /** One condition per activation range method. */
    METRIC;

    /** The name used on the command line. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a command-line name.
     *
     * @param name size, noise, imbalance or metric (or none)
     * @return the perturbation
     * @throws InputException for any other name
     */
    public static Perturbation parse(String name) {
        String n = name == null ? "none" : name.trim().toLowerCase(Locale.ROOT);
        for (Perturbation p : values()) {
            if (p.id().equals(n)) {
                return p;
            }
        }
        throw new InputException("@{perturb} must be size, noise, imbalance or metric, got '" + name + "'");
    }

    /**
     * Conditions of a calibration size sweep.
     *
     * @param sizes calibration sizes, each at least 1
     * @return one condition per distinct size, in the given order
     */
    public static List<Condition> sizes(List<Integer> sizes) {
        List<Condition> out = new ArrayList<>();
        for (int s : new LinkedHashSet<>(nonEmpty(sizes, "@{sizes}"))) {
            out.add(new Condition("size " + s, s, 0, -1, 0, null));
        }
        return out;
    }

    /**
     * Conditions of a noise sweep: a share of every calibration set replaced by noise images.
     *
     * @param size   calibration samples
     * @param shares shares in [0, 1]
     * @return one condition per distinct share
     */
    public static List<Condition> noise(int size, List<Double> shares) {
        List<Condition> out = new ArrayList<>();
        for (double s : new LinkedHashSet<>(nonEmpty(shares, "@{noiseShare}"))) {
            out.add(new Condition("noise " + percent(s), size, s, -1, 0, null));
        }
        return out;
    }

    /**
     * Conditions of a class-imbalance experiment: the balanced baseline, then for each class a calibration set in
     * which that class has {@code share} of the samples and the rest is drawn from the other classes (the paper's
     * construction with share 0.5; share 1 draws the whole set from one class).
     *
     * @param size    calibration samples
     * @param classes class indices
     * @param names   class names, for the labels
     * @param share   the skewed class's share, in (0, 1]
     * @return the baseline and one condition per class
     */
    public static List<Condition> imbalance(int size, List<Integer> classes, List<String> names, double share) {
        List<Condition> out = new ArrayList<>();
        out.add(Condition.baseline(size));
        for (int c : new LinkedHashSet<>(nonEmpty(classes, "@{imbalanceClass}"))) {
            String name = c < names.size() ? names.get(c) : String.valueOf(c);
            out.add(new Condition(percent(share) + " " + name, size, 0, c, share, null));
        }
        return out;
    }

    /**
     * Conditions comparing activation range methods.
     *
     * @param size    calibration samples
     * @param methods range method names (minmax, mse, cosine, kl, ...)
     * @return one condition per distinct method
     */
    public static List<Condition> metrics(int size, List<String> methods) {
        List<Condition> out = new ArrayList<>();
        for (String m : new LinkedHashSet<>(nonEmpty(methods, "@{metrics}"))) {
            String n = m.trim().toLowerCase(Locale.ROOT);
            out.add(new Condition(n, size, 0, -1, 0, n));
        }
        return out;
    }

    private static <T> List<T> nonEmpty(List<T> l, String flag) {
        if (l == null || l.isEmpty()) {
            throw new InputException(flag + " needs at least one value");
        }
        return l;
    }

    private static String percent(double share) {
        double p = 100 * share;
        return (p == Math.rint(p) ? String.format(Locale.ROOT, "%.0f", p) : String.format(Locale.ROOT, "%.1f", p))
                + "%";
    }
}
