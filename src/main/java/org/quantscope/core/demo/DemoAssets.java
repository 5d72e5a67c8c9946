package org.quantscope.core.demo;

import org.quantscope.core.InputException;
import org.quantscope.core.Version;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The demo model and data that ship with QuantScope (top-level {@code resources/demo} of the project, packed into the
 * jar under {@code quantscope-assets/demo}). Inside the jar they are copied once to a cache folder
 * ({@code ~/.cache/quantscope/demo/VERSION}) so ONNX Runtime and the readers can open them as files. The system property
 * {@code quantscope.demo.dir} points at another folder with the same files.
 *
 * @param folder           where the files are
 * @param model            MobileNet-style depthwise-separable CNN (BatchNorm kept, ReLU6)
 * @param residualModel    small ResNet-style CNN with residual Adds
 * @param testImages       the 10,000 Fashion-MNIST test images (IDX, gzip)
 * @param testLabels       their labels
 * @param calibImages      5,000 training images for calibration (IDX, gzip)
 * @param calibLabels      their labels
 * @param datasetDescription preprocessing and class names ({@code dataset.json})
 */
public record DemoAssets(Path folder, Path model, Path residualModel, Path testImages, Path testLabels,
                         Path calibImages, Path calibLabels, Path datasetDescription) {

    /** File names of the demo assets, relative to the demo folder. */
    public static final List<String> FILES = List.of("mobilenet-fmnist.onnx", "resnet-fmnist.onnx",
            "fmnist-test-images-idx3-ubyte.gz", "fmnist-test-labels-idx1-ubyte.gz",
            "fmnist-calib-images-idx3-ubyte.gz", "fmnist-calib-labels-idx1-ubyte.gz", "dataset.json",
            "fp32-reference.json");

    private static final String RESOURCE_ROOT = "/quantscope-assets/demo/";

    /** The unpacked folder, once per JVM: unpacking compares every asset with the jar's copy. */
    private static Path unpacked;

    /**
     * Finds (and if needed unpacks) the demo assets.
     *
     * @return the asset paths
     * @throws InputException when the assets are missing from this build
     */
    public static synchronized DemoAssets locate() {
        String override = System.getProperty("quantscope.demo.dir");
        Path folder;
        if (override != null) {
            folder = Path.of(override);
        } else {
            if (unpacked == null) {
                unpacked = unpack();
            }
            folder = unpacked;
        }
        for (String f : FILES) {
            if (!Files.isRegularFile(folder.resolve(f))) {
                throw new InputException("Demo asset " + folder.resolve(f) + " is missing. Rebuild with 'mvn package' "
                        + "from a complete checkout (resources/demo), or regenerate it with tools/make_demo_assets.py.");
            }
        }
        return new DemoAssets(folder, folder.resolve(FILES.get(0)), folder.resolve(FILES.get(1)),
                folder.resolve(FILES.get(2)), folder.resolve(FILES.get(3)), folder.resolve(FILES.get(4)),
                folder.resolve(FILES.get(5)), folder.resolve(FILES.get(6)));
    }

    /** The reference FP32 accuracies computed by PyTorch when the assets were made. */
    public Path fp32Reference() {
        return folder.resolve("fp32-reference.json");
    }

    private static Path unpack() {
        Path cache = cacheRoot().resolve("demo").resolve(Version.version());
        try {
            Files.createDirectories(cache);
            for (String f : FILES) {
                try (InputStream in = DemoAssets.class.getResourceAsStream(RESOURCE_ROOT + f)) {
                    if (in == null) {
                        throw new InputException("Demo asset " + f + " is not in this build of QuantScope. Rebuild "
                                + "with 'mvn package' from a complete checkout (resources/demo).");
                    }
                    byte[] bytes = in.readAllBytes();
                    Path target = cache.resolve(f);
                    if (!Files.isRegularFile(target) || Files.size(target) != bytes.length
                            || !java.util.Arrays.equals(Files.readAllBytes(target), bytes)) {
                        Path tmp = Files.createTempFile(cache, f, ".part");
                        Files.write(tmp, bytes);
                        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    }
                }
            }
            return cache;
        } catch (IOException e) {
            throw new InputException("Cannot unpack the demo assets into " + cache + ": " + e.getMessage()
                    + ". Set -Dquantscope.demo.dir to a folder holding resources/demo.", e);
        }
    }

    private static Path cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "quantscope");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "quantscope");
    }
}
