package org.quantscope.cli;

import org.quantscope.core.InputException;
import org.quantscope.core.data.DataSpec;
import org.quantscope.core.data.Preprocessing;
import org.quantscope.core.data.PreprocessingOptions;
import org.quantscope.core.demo.DemoAssets;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where the evaluation data is and how it is preprocessed. */
final class DataOptions {

    @Option(names = "--data", paramLabel = "DATA",
            description = "Data: .npy, .npz (file.npz:key for one array), IDX (.gz) or an image folder "
                    + "(one subfolder per class).")
    Path data;

    @Option(names = "--labels", paramLabel = "LABELS", description = "Labels: .npy (int64/int32/uint8) or IDX.")
    Path labels;

    @Option(names = "--dataset-desc", paramLabel = "JSON",
            description = "Dataset description (scale, mean, std, color, classes); default: dataset.json next to "
                    + "the data.")
    Path description;

    @Option(names = "--class-names", paramLabel = "FILE", description = "Text file with one class name per line.")
    Path classNames;

    @Option(names = "--scale", paramLabel = "S", description = "Multiply raw integer pixels by S (default 1/255).")
    Double scale;

    @Option(names = "--mean", paramLabel = "M", split = ",",
            description = "Per-channel mean subtracted after scaling, e.g. 0.485,0.456,0.406.")
    double[] mean;

    @Option(names = "--std", paramLabel = "S", split = ",", description = "Per-channel std divided by, e.g. 0.229,0.224,0.225.")
    double[] std;

    @Option(names = "--normalize-float",
            description = "Apply --scale/--mean/--std to float data too (by default float arrays are used as they are).")
    boolean normalizeFloat;

    @Option(names = "--color", paramLabel = "MODE", description = "Image decoding: auto, grayscale or rgb (any case).")
    Preprocessing.ColorMode color;

    @Option(names = {"--resize", "--resize-shorter"}, paramLabel = "R",
            description = "Image folders: resize each image so that its shorter side is R pixels (aspect ratio kept, "
                    + "antialiased bilinear as Pillow/torchvision), then center crop to the model's input size; "
                    + "ImageNet: --resize 256. 0: resize the whole image to the input size (the default).")
    Integer resize;

    @Option(names = "--crop", paramLabel = "C",
            description = "Image folders: center crop C x C pixels (must equal the model's input size; sets it when "
                    + "the model leaves it open). Without --resize, cut from the image as it is.")
    Integer crop;

    @Option(names = "--skip-bad-files",
            description = "Image folders: leave out files that cannot be read as images, with a warning naming each "
                    + "(counted in the result's provenance), instead of stopping at the first.")
    boolean skipBadFiles;

    @Option(names = "--decode-threads", paramLabel = "T",
            description = "Image folders: threads decoding images at once (default 0 = one per core).")
    int decodeThreads;

    /**
     * The data spec; with {@code demo} and no {@code --data}, the bundled Fashion-MNIST test set.
     *
     * @param demo  whether --demo was given
     * @param limit sample limit, 0 for all
     * @return the spec
     */
    DataSpec toSpec(boolean demo, int limit) {
        Path d = data;
        Path l = labels;
        Path desc = description;
        if (d == null && demo) {
            DemoAssets a = DemoAssets.locate();
            d = a.testImages();
            l = a.testLabels();
            desc = desc == null ? a.datasetDescription() : desc;
        }
        if (d == null) {
            throw new InputException("No data given: pass --data FILE (and --labels FILE), or --demo for the bundled "
                    + "Fashion-MNIST test set.");
        }
        if (limit < 0) {
            throw new InputException("--limit must be 0 (all) or positive, got " + limit + ".");
        }
        if (resize != null && resize < 0 || crop != null && crop < 1) {
            throw new InputException("--resize must be 0 (off) or a number of pixels, --crop a number of pixels; got "
                    + (resize != null && resize < 0 ? "--resize " + resize : "--crop " + crop) + ".");
        }
        if (decodeThreads < 0) {
            throw new InputException("--decode-threads must be 0 (one per core) or positive, got " + decodeThreads
                    + ".");
        }
        return new DataSpec(d, l, desc, classNames, new PreprocessingOptions(scale, mean, std, color,
                normalizeFloat ? Boolean.TRUE : null, resize, crop), limit, skipBadFiles, decodeThreads);
    }

    /**
     * The data-related settings of a run, for provenance: the files as given (absolute paths) and the explicit
     * preprocessing overrides ("from dataset.json or defaults" when none were given).
     */
    java.util.Map<String, String> provenance(DataSpec spec, int threads, int limit) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("dataPath", spec.data().toAbsolutePath().toString());
        m.put("labelsPath", spec.labels() == null ? "" : spec.labels().toAbsolutePath().toString());
        m.put("datasetDescription", spec.description() == null ? "" : spec.description().toAbsolutePath().toString());
        m.put("scale", scale == null ? "from dataset.json or 1/255" : String.valueOf(scale));
        m.put("mean", mean == null ? "from dataset.json or 0" : java.util.Arrays.toString(mean));
        m.put("std", std == null ? "from dataset.json or 1" : java.util.Arrays.toString(std));
        m.put("color", color == null ? "from dataset.json or auto" : color.name().toLowerCase(java.util.Locale.ROOT));
        m.put("resize", resize == null ? "from dataset.json or none" : resize == 0 ? "none" : String.valueOf(resize));
        m.put("crop", crop == null ? "from dataset.json or none" : String.valueOf(crop));
        m.put("skipBadFiles", String.valueOf(skipBadFiles));
        m.put("decodeThreads", decodeThreads == 0 ? "one per core (" + Runtime.getRuntime().availableProcessors()
                + ")" : String.valueOf(decodeThreads));
        m.put("threads", ThreadOption.describe(threads));
        m.put("limit", limit == 0 ? "all" : String.valueOf(limit));
        return m;
    }
}
