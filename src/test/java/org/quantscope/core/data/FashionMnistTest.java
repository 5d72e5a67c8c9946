package org.quantscope.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * Reads the real Fashion-MNIST test set where Debian's {@code dataset-fashion-mnist} package is installed; skipped
 * elsewhere.
 */
class FashionMnistTest {

    private static final Path IMAGES = Path.of("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz");

    @Test
    void readsTheGzippedTestSetWithItsLabels() {
        assumeTrue(Files.isRegularFile(IMAGES), "Fashion-MNIST is not installed");
        try (Dataset ds = DatasetLoader.open(DataSpec.of(IMAGES), new int[] {1, 28, 28}, 10)) {
            assertEquals(10_000, ds.size());
            assertEquals(9, ds.label(0)); // the first test image is an ankle boot
            Batch b = ds.read(0, 100);
            assertEquals(100 * 784, b.data().length);
            float max = 0;
            for (float v : b.data()) {
                assertTrue(v >= 0 && v <= 1);
                max = Math.max(max, v);
            }
            assertEquals(1f, max);
            int[] perClass = new int[10];
            for (int i = 0; i < ds.size(); i++) {
                perClass[ds.label(i)]++;
            }
            for (int c : perClass) {
                assertEquals(1000, c);
            }
            SubsetDataset calib = CalibrationSampler.stratified(ds, 500, 0);
            for (int i = 0; i < 10; i++) {
                final int cls = i;
                assertEquals(50, java.util.stream.IntStream.range(0, 500).filter(k -> calib.label(k) == cls).count());
            }
        }
    }
}
