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
 * @param resize       images only: resize the shorter side to this many pixels, then center crop to the input size
 *                     (torchvision's {@code Resize(resize)}, Pillow's antialiased bilinear); 0 resizes the whole image
 *                     to the input size ({@link ImageResizing})
 * @param crop         images only: side of the square center crop; 0 crops to the model's input size when
 *                     {@code resize} is set and does not crop otherwise
 */
public record Preprocessing(double scale, double[] mean, double[] std, ColorMode colorMode, boolean applyToFloat,
                            int resize, int crop) {

    /** How images are decoded into channels. */
    public enum ColorMode { AUTO, GRAYSCALE, RGB }

    /** Scale by 1/255, no normalization, channels taken from the model. */
    public static final Preprocessing DEFAULT = new Preprocessing(1.0 / 255.0, new double[] {0.0}, new double[] {1.0},
            ColorMode.AUTO, false);

    /** Preprocessing without resize or crop: images are resized to the input size as a whole. */
    public Preprocessing(double scale, double[] mean, double[] std, ColorMode colorMode, boolean applyToFloat) {
        this(scale, mean, std, colorMode, applyToFloat, 0, 0);
    }

    public Preprocessing {
        if (resize < 0 || crop < 0) {
            throw new IllegalArgumentException("resize and crop must be positive numbers of pixels (or 0 for none), got"
                    + " resize " + resize + ", crop " + crop);
        }
        if (resize > 0 && crop > resize) {
            throw new IllegalArgumentException("the crop (" + crop + " pixels) is larger than the resized shorter "
                    + "side (" + resize + "); crop at most " + resize + ", e.g. resize 256 and crop 224");
        }
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
                + " color=" + colorMode + (applyToFloat ? " (also float input)" : "")
                + (resize > 0 ? " resize=" + resize : "") + (crop > 0 ? " crop=" + crop : "");
    }
}
