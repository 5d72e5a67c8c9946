package org.quantscope.core.data;

import java.util.Arrays;

/**
 * How raw samples become model input: {@code x = (raw * scale - mean[c]) / std[c]} per channel {@code c}. Float32
 * arrays are used as they are (scale, mean and std are not applied to them unless {@link #applyToFloat} is set);
 * integer data (uint8 images, IDX files, PNG/JPEG) is always scaled.
 *
 * @param scale        multiplier applied to raw integer values, typically {@code 1/255}
 * @param mean         per-channel mean subtracted after scaling (one value broadcasts to all channels)
 * @param std          per-channel standard deviation divided by after subtracting the mean (one value broadcasts)
 * @param colorMode    how images are decoded: grayscale, RGB, or chosen from the model's channel count
 * @param applyToFloat whether float32 arrays are also scaled and normalized
 */
public record Preprocessing(double scale, double[] mean, double[] std, ColorMode colorMode, boolean applyToFloat) {

    /** How images are decoded into channels. */
    public enum ColorMode { AUTO, GRAYSCALE, RGB }

    /** Scale by 1/255, no normalization, channels taken from the model. */
    public static final Preprocessing DEFAULT = new Preprocessing(1.0 / 255.0, new double[] {0.0}, new double[] {1.0},
            ColorMode.AUTO, false);

    public Preprocessing {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be a positive number, got " + scale);
        }
        if (mean == null || mean.length == 0 || std == null || std.length == 0) {
            throw new IllegalArgumentException("mean and std need at least one value each");
        }
        for (double s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("every std value must be positive, got " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** The mean for channel {@code c} (a single value broadcasts). */
    public double meanOf(int c) {
        return mean.length == 1 ? mean[0] : mean[c];
    }

    /** The std for channel {@code c} (a single value broadcasts). */
    public double stdOf(int c) {
        return std.length == 1 ? std[0] : std[c];
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }

    @Override
    public String toString() {
        return "scale=" + scale + " mean=" + Arrays.toString(mean) + " std=" + Arrays.toString(std)
                + " color=" + colorMode + (applyToFloat ? " (also float input)" : "");
    }
}
