package org.quantscope.chart.figure;

/**
 * Accuracy of one class, for the per-class bar chart.
 *
 * @param className the class name
 * @param percent   accuracy in percent, 0-100 (0 when the class has no samples)
 * @param correct   samples of this class predicted correctly
 * @param samples   samples of this class
 */
public record ClassAccuracy(String className, double percent, int correct, int samples) {

    /** The tooltip text, e.g. {@code "Shirt: 68.40 % (684 of 1,000 correct)"}. */
    public String describe() {
        if (samples == 0) {
            return className + ": no samples in the data";
        }
        return String.format(java.util.Locale.ROOT, "%s: %.2f %% (%,d of %,d correct)", className, percent, correct,
                samples);
    }
}
