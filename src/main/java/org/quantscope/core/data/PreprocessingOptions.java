package org.quantscope.core.data;

import java.nio.file.Path;

import org.quantscope.core.InputException;

/**
 * Preprocessing values the user gave explicitly (on the command line or in a dialog); {@code null} means "not
 * given". {@link #resolve(DatasetDescription)} merges them over a {@code dataset.json} description and
 * {@link Preprocessing#DEFAULT}: an explicit value wins over the file, the file wins over the default.
 *
 * @param scale        multiplier for raw integer values, or {@code null}
 * @param mean         per-channel mean, or {@code null}
 * @param std          per-channel standard deviation, or {@code null}
 * @param color        colour mode, or {@code null}
 * @param applyToFloat whether float data is normalized too, or {@code null}
 * @param resize       shorter side images are resized to, or {@code null}
 * @param crop         side of the square center crop, or {@code null}
 */
public record PreprocessingOptions(Double scale, double[] mean, double[] std, Preprocessing.ColorMode color,
                                   Boolean applyToFloat, Integer resize, Integer crop) {

    /** Nothing given explicitly. */
    public static final PreprocessingOptions NONE = new PreprocessingOptions(null, null, null, null, null);

    /** Explicit values without resize or crop. */
    public PreprocessingOptions(Double scale, double[] mean, double[] std, Preprocessing.ColorMode color,
                                Boolean applyToFloat) {
        this(scale, mean, std, color, applyToFloat, null, null);
    }

    /** Copies the arrays. */
    public PreprocessingOptions {
        mean = mean == null ? null : mean.clone();
        std = std == null ? null : std.clone();
    }

    @Override
    public double[] mean() {
        return mean == null ? null : mean.clone();
    }

    @Override
    public double[] std() {
        return std == null ? null : std.clone();
    }

    /**
     * Merges explicit values over a description file and the defaults.
     *
     * @param description the parsed {@code dataset.json}, or {@code null}
     * @return the preprocessing to apply
     * @throws InputException when the merged values are invalid (non-positive scale or std)
     */
    public Preprocessing resolve(DatasetDescription description) {
        Preprocessing d = Preprocessing.DEFAULT;
        DatasetDescription f = description;
        double s = pick(scale, f == null ? null : f.scale(), d.scale());
        double[] m = pick(mean, f == null ? null : f.mean(), d.mean());
        double[] sd = pick(std, f == null ? null : f.std(), d.std());
        Preprocessing.ColorMode c = pick(color, f == null ? null : f.color(), d.colorMode());
        boolean af = pick(applyToFloat, f == null ? null : f.applyToFloat(), d.applyToFloat());
        int r = pick(resize, f == null ? null : f.resize(), 0);
        int cr = pick(crop, f == null ? null : f.crop(), 0);
        try {
            return new Preprocessing(s, m, sd, c, af, r, cr);
        } catch (IllegalArgumentException e) {
            String from = f == null ? "" : " (after merging " + f.source().getFileName() + ")";
            throw new InputException("Invalid preprocessing" + from + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads an optional description file and merges explicit values over it.
     *
     * @param descriptionFileOrNull a {@code dataset.json}, or {@code null}
     * @param scale                 explicit scale, or {@code null}
     * @param mean                  explicit mean, or {@code null}
     * @param std                   explicit std, or {@code null}
     * @param color                 explicit colour mode, or {@code null}
     * @return the preprocessing to apply
     */
    public static Preprocessing resolve(Path descriptionFileOrNull, Double scale, double[] mean, double[] std,
                                        Preprocessing.ColorMode color) {
        DatasetDescription d = descriptionFileOrNull == null ? null : DatasetDescription.read(descriptionFileOrNull);
        return new PreprocessingOptions(scale, mean, std, color, null).resolve(d);
    }

    private static <T> T pick(T explicit, T fromFile, T fallback) {
        return explicit != null ? explicit : fromFile != null ? fromFile : fallback;
    }
}
