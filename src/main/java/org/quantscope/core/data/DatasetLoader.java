package org.quantscope.core.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.quantscope.core.InputException;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

/**
 * The one entry point that turns a {@link DataSpec} into a {@link Dataset} fitted to a model's input. It recognises
 * the format ({@code .npy}, {@code .npz}, IDX raw or gzipped, image folder), reads the optional {@code dataset.json}
 * (given, or found next to the data or inside an image folder), merges explicit preprocessing over it, and checks
 * everything a user can get wrong, with a message naming the file: a missing file, an unknown format, samples that
 * do not fit the model's input, a label count that differs from the sample count, labels outside the classes,
 * negative labels, and missing labels.
 *
 * <p>Labels come from the labels file; for a {@code .npz} without one, from its {@code y}/{@code labels}/
 * {@code arr_1} array; for an IDX images file without one, from the sibling file named as MNIST does
 * ({@code t10k-images-idx3-ubyte.gz} next to {@code t10k-labels-idx1-ubyte.gz}); for an image folder, from the
 * subfolders. The number of classes K comes from the class names (class-names file, else {@code dataset.json}
 * {@code classes}, else the subfolders), else from the model's output width, else from the largest label + 1.
 */
public final class DatasetLoader {

    private DatasetLoader() {
    }

    /**
     * Opens a data set whose samples may have any shape and whose class count is unknown.
     *
     * @param spec the data set
     * @return the data set
     */
    public static Dataset open(DataSpec spec) {
        return open(spec, ExpectedInput.ANY, ProgressListener.NONE, CancellationToken.none());
    }

    /**
     * Opens a data set for a model input of the given sample shape.
     *
     * @param spec                the data set
     * @param expectedSampleShape (C, H, W) or (features) without the batch dimension; -1 accepts any size
     * @return the data set
     */
    public static Dataset open(DataSpec spec, int[] expectedSampleShape) {
        return open(spec, new ExpectedInput(null, expectedSampleShape, -1), ProgressListener.NONE,
                CancellationToken.none());
    }

    /**
     * Opens a data set for a model input of the given sample shape and output width.
     *
     * @param spec                the data set
     * @param expectedSampleShape (C, H, W) or (features) without the batch dimension; -1 accepts any size
     * @param numClasses          the model's output width, or -1 when unknown
     * @return the data set
     */
    public static Dataset open(DataSpec spec, int[] expectedSampleShape, int numClasses) {
        return open(spec, new ExpectedInput(null, expectedSampleShape, numClasses), ProgressListener.NONE,
                CancellationToken.none());
    }

    /**
     * Opens and validates a data set.
     *
     * @param spec     the data set
     * @param expected what the model expects
     * @param progress receives progress of long steps (decompressing, listing folders)
     * @param cancel   stops those steps
     * @return the data set, limited to {@link DataSpec#limit()} samples when a limit is set; close it when done
     * @throws InputException when anything about the data does not fit
     */
    public static Dataset open(DataSpec spec, ExpectedInput expected, ProgressListener progress,
                               CancellationToken cancel) {
        return open(spec, expected, true, progress, cancel);
    }

    /**
     * Opens and validates a data set whose labels may be missing, such as a calibration pool: without a labels file
     * every sample gets label 0 (calibration never reads labels; stratified sampling then sees a single class).
     *
     * @param spec           the data set
     * @param expected       what the model expects
     * @param labelsRequired whether a missing labels file is an error
     * @param progress       receives progress of long steps
     * @param cancel         stops those steps
     * @return the data set; close it when done
     */
    public static Dataset open(DataSpec spec, ExpectedInput expected, boolean labelsRequired,
                               ProgressListener progress, CancellationToken cancel) {
        ArrayLocation data = ArrayLocation.parse(spec.data());
        requireExists(data.file(), "Data");
        Path descriptionFile = spec.description() != null ? spec.description()
                : DatasetDescription.findFor(data.file());
        DatasetDescription description = descriptionFile == null ? null : DatasetDescription.read(descriptionFile);
        Preprocessing preprocessing = spec.preprocessing().resolve(description);
        List<String> names = null;
        String namesSource = null;
        ClassNames.File namesFile = null;
        if (spec.classNames() != null) {
            namesFile = ClassNames.parse(spec.classNames());
            names = namesFile.names();
            namesSource = "the " + names.size() + " names in " + spec.classNames().getFileName();
        } else if (description != null && description.classes() != null) {
            names = description.classes();
            namesSource = "the " + names.size() + " classes in " + descriptionFile.getFileName();
        }

        DataFormat format = DataFormat.detect(data.file());
        Dataset dataset;
        if (format == DataFormat.IMAGE_FOLDER) {
            dataset = openImageFolder(spec, data.file(), expected, preprocessing, names, namesFile, progress,
                    cancel);
        } else {
            dataset = openArrays(spec, data, format, expected, preprocessing, names, namesSource, namesFile,
                    labelsRequired, progress, cancel);
        }
        if (spec.limit() > 0 && spec.limit() < dataset.size()) {
            return SubsetDataset.first(dataset, spec.limit(), true);
        }
        return dataset;
    }

    private static Dataset openImageFolder(DataSpec spec, Path root, ExpectedInput expected,
                                           Preprocessing preprocessing, List<String> names,
                                           ClassNames.File namesFile, ProgressListener progress,
                                           CancellationToken cancel) {
        if (spec.labels() != null) {
            throw new InputException("An image folder takes its labels from its class subfolders; "
                    + spec.labels().getFileName() + " cannot be used with " + root.getFileName());
        }
        ImageGeometry g = ImageGeometry.resolve(root, expected, preprocessing);
        java.util.function.UnaryOperator<List<String>> naming = namesFile != null && !namesFile.ids().isEmpty()
                ? folders -> namesById(folders, namesFile, root) : ImageFolderDataset.naming(root, names);
        ImageFolderDataset ds = new ImageFolderDataset(root, g, preprocessing, naming, spec.skipBadFiles(),
                spec.decodeThreads(), progress, cancel);
        int k = ds.classNames().size();
        if (expected.numClasses() >= 0 && k != expected.numClasses()) {
            throw new InputException("Image folder " + root.getFileName() + " has " + k + " class subfolders but the"
                    + " model has " + expected.numClasses() + " outputs; give every class its own subfolder (an"
                    + " empty one is fine) so the sorted folder names line up with the model's classes");
        }
        return ds;
    }

    private static Dataset openArrays(DataSpec spec, ArrayLocation data, DataFormat format, ExpectedInput expected,
                                      Preprocessing preprocessing, List<String> names, String namesSource,
                                      ClassNames.File namesFile, boolean labelsRequired, ProgressListener progress, CancellationToken cancel) {
        NumericArray samples;
        NumericArray labelArray = null;
        String labelHint = "";
        if (format == DataFormat.NPZ) {
            List<String> keys = NpzArchive.keys(data.file());
            String dataKey = data.key() != null ? data.key() : NpzArchive.dataKey(data.file(), keys);
            samples = NpzArchive.read(data.file(), dataKey);
            String labelKey = NpzArchive.labelKey(keys, dataKey);
            if (spec.labels() == null && labelKey != null) {
                labelArray = NpzArchive.read(data.file(), labelKey);
            }
            labelHint = ", or store them in " + data.file().getFileName() + " under the key 'y' or 'labels'";
        } else {
            samples = format == DataFormat.NPY ? NpyReader.read(data.file())
                    : IdxReader.read(data.file(), progress, cancel);
        }
        String dataName = samples.sourceName();
        if (spec.labels() != null) {
            labelArray = readLabelArray(spec.labels(), cancel);
        } else if (format == DataFormat.IDX) {
            Path sibling = idxLabelsSibling(data.file());
            if (sibling != null) {
                labelArray = readLabelArray(sibling, cancel);
            }
        }
        if (labelArray == null && !labelsRequired) {
            long count = samples.shape().length == 0 ? 0 : samples.shape()[0];
            labelArray = NumericArray.wrap(java.nio.ByteBuffer.allocate((int) count), ElementType.UINT8,
                    java.nio.ByteOrder.LITTLE_ENDIAN, new long[] {count}, dataName + " (no labels)");
        }
        if (labelArray == null) {
            throw new InputException(dataName + " has no labels, and evaluation needs one class label per sample:"
                    + " give a labels file (.npy, .npz or IDX, one integer per sample)" + labelHint);
        }
        long n = samples.shape().length == 0 ? 0 : samples.shape()[0];
        if (n == 0) {
            throw new InputException(dataName + " holds no samples (shape " + NumericArray.describe(samples.shape())
                    + ")");
        }
        if (n > Integer.MAX_VALUE) {
            throw new InputException(dataName + " has " + n + " samples, more than QuantScope can index");
        }
        SampleLayout layout = SampleLayout.fit(samples.shape(), expected, dataName);
        int[] labels = Labels.fromArray(labelArray);
        String labelsName = labelArray.sourceName();
        Labels.checkCount(labels, labelsName, n, dataName);

        List<String> classNames = names;
        int k;
        String kSource;
        if (names != null) {
            if (expected.numClasses() >= 0 && names.size() != expected.numClasses()) {
                throw new InputException(namesFile != null && namesFile.layout() != ClassNames.Layout.PLAIN
                        ? namesFile.describeCount() + " but the model has " + expected.numClasses()
                        + " outputs; give one class per output"
                        : capitalize(namesSource) + " do not match the model's " + expected.numClasses()
                        + " outputs; give one name per output");
            }
            k = names.size();
            kSource = namesSource;
        } else if (expected.numClasses() >= 0) {
            k = expected.numClasses();
            kSource = "the model's " + k + " outputs";
            classNames = ClassNames.indices(k);
        } else {
            k = Labels.max(labels) + 1;
            kSource = "the largest label";
            classNames = ClassNames.indices(Math.max(k, 0));
        }
        Labels.checkRange(labels, k, labelsName, kSource);
        String description = format + " " + dataName + " (" + NumericArray.describe(samples.shape()) + " "
                + samples.elementType() + (labelsName.equals(dataName) ? "" : ", labels " + labelsName) + ")";
        PreprocessingOptions given = spec.preprocessing();
        if (preprocessing.resize() > 0 || preprocessing.crop() > 0) {
            throw new InputException(dataName + " holds arrays, which are used at their size: resize and crop apply to"
                    + " image folders only. Drop @{resizeCrop} (or \"resize\"/\"crop\" in the dataset.json)");
        }
        if (samples.elementType().isFloatingPoint() && !preprocessing.applyToFloat()
                && (given.scale() != null || given.mean() != null || given.std() != null)) {
            throw new InputException(dataName + " holds " + samples.elementType() + " values, which are used as they "
                    + "are, so the given scale/mean/std would have no effect. Drop them, or ask for float data to be "
                    + "normalized too (@{normalizeFloat}, or \"applyToFloat\": true in dataset.json)");
        }
        return new ArrayDataset(samples, labels, layout, preprocessing, classNames, description);
    }

    /**
     * The display names of an image folder's classes from a synsets file: each subfolder named by a synset id gets
     * that id's name; the classes keep the sorted folder order. Without ids as folder names, the names go by order.
     */
    private static List<String> namesById(List<String> folders, ClassNames.File file, Path root) {
        java.util.Map<String, Integer> byId = new java.util.HashMap<>();
        for (int c = 0; c < file.ids().size(); c++) {
            byId.put(file.ids().get(c), c);
        }
        if (folders.stream().noneMatch(byId::containsKey)) {
            if (folders.size() != file.names().size()) {
                throw new InputException("Image folder " + root.getFileName() + " has " + folders.size()
                        + " class subfolders but " + file.describeCount() + "; give one class per subfolder, in "
                        + "sorted order");
            }
            return file.names();
        }
        List<String> out = new java.util.ArrayList<>();
        for (String f : folders) {
            Integer c = byId.get(f);
            if (c == null) {
                throw new InputException("Image folder " + root.getFileName() + " has a subfolder " + f + " that "
                        + file.file().getFileName() + " does not list; the subfolders are named by synset id, so every"
                        + " one needs a line in the synsets file");
            }
            out.add(file.names().get(c));
        }
        return out;
    }

    private static NumericArray readLabelArray(Path path, CancellationToken cancel) {
        ArrayLocation loc = ArrayLocation.parse(path);
        requireExists(loc.file(), "Labels");
        DataFormat format = DataFormat.detect(loc.file());
        cancel.throwIfCancelled();
        return switch (format) {
            case NPY -> NpyReader.read(loc.file());
            case IDX -> IdxReader.read(loc.file());
            case NPZ -> {
                String key = loc.key();
                if (key == null) {
                    List<String> keys = NpzArchive.keys(loc.file());
                    key = keys.size() == 1 ? keys.get(0) : NpzArchive.labelKey(keys, null);
                    if (key == null) {
                        throw new InputException(loc.file().getFileName() + " holds " + String.join(", ", keys)
                                + " but no 'y' or 'labels' array; name the labels array, e.g. "
                                + loc.file().getFileName() + ":" + (keys.isEmpty() ? "y" : keys.get(0)));
                    }
                }
                yield NpzArchive.read(loc.file(), key);
            }
            case IMAGE_FOLDER -> throw new InputException("Labels " + path + " is a folder, not a labels file");
        };
    }

    /** The MNIST-style labels file next to an images file, or {@code null}. */
    static Path idxLabelsSibling(Path images) {
        String name = images.getFileName().toString();
        if (!name.contains("images")) {
            return null;
        }
        String labels = name.replace("images", "labels").replace("idx3", "idx1");
        Path sibling = images.resolveSibling(labels);
        return Files.isRegularFile(sibling) ? sibling : null;
    }

    private static void requireExists(Path file, String what) {
        if (!Files.exists(file)) {
            throw new InputException(what + " file " + file + " does not exist");
        }
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
