package org.quantscope.core.investigate;

import org.quantscope.core.sim.SimulationResult;

import java.util.List;
import java.util.Locale;

/**
 * The accuracy of one configuration on the test data, overall and per class.
 *
 * @param fp32Accuracy top-1 accuracy of the FP32 model, 0..1
 * @param accuracy     top-1 accuracy of the quantized model, 0..1
 * @param classDrops   drop per class in points (NaN for a class without test samples)
 * @param classNames   the class names
 */
public record Measurement(double fp32Accuracy, double accuracy, double[] classDrops, List<String> classNames) {

    /** Copies. */
    public Measurement {
        classDrops = classDrops.clone();
        classNames = List.copyOf(classNames);
    }

    /**
     * The measurement of a simulation.
     *
     * @param r          the simulation
     * @param classNames the test data's class names
     * @return its measurement
     */
    public static Measurement of(SimulationResult r, List<String> classNames) {
        double[] drops = r.perClassDropPoints();
        int[] counts = r.quantized().classCounts();
        for (int i = 0; i < drops.length; i++) {
            if (i < counts.length && counts[i] == 0) {
                drops[i] = Double.NaN;
            }
        }
        return new Measurement(r.fp32().accuracy(), r.quantized().accuracy(), drops, classNames);
    }

    /** Overall drop in points. */
    public double drop() {
        return (fp32Accuracy - accuracy) * 100;
    }

    /** The class with the largest drop, or -1 without classes. */
    public int worstClass() {
        int w = -1;
        for (int i = 0; i < classDrops.length; i++) {
            if (!Double.isNaN(classDrops[i]) && (w < 0 || classDrops[i] > classDrops[w])) {
                w = i;
            }
        }
        return w;
    }

    /** The largest class drop in points (NaN without classes). */
    public double worstClassDrop() {
        int w = worstClass();
        return w < 0 ? Double.NaN : classDrops[w];
    }

    /** The worst class's name, or empty. */
    public String worstClassName() {
        int w = worstClass();
        return w < 0 ? "" : w < classNames.size() ? classNames.get(w) : "class " + w;
    }

    /** {@code 90.12 % (drop 1.32 points; worst class Shirt 7.90)}. */
    public String describe() {
        return String.format(Locale.ROOT, "%.2f %% (drop %.2f points; worst class %s %.2f)", 100 * accuracy, drop(),
                worstClassName(), worstClassDrop());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Measurement m && m.fp32Accuracy == fp32Accuracy && m.accuracy == accuracy
                && java.util.Arrays.equals(m.classDrops, classDrops) && m.classNames.equals(classNames);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(fp32Accuracy, accuracy, java.util.Arrays.hashCode(classDrops), classNames);
    }
}
