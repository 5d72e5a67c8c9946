package org.quantscope.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Reads the fixtures numpy itself wrote ({@code tools/make_test_models.py}); expected values were printed with numpy
 * ({@code np.load(...)}) when the fixtures were made.
 */
class NumpyFixturesTest {

    private static Path fixture(String name) {
        try {
            return Path.of(NumpyFixturesTest.class.getResource("/models/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void uint8ImagesWithEveryLabelType() {
        for (String labels : List.of("labels_int64.npy", "labels_int32.npy", "labels_uint8.npy")) {
            DataSpec spec = DataSpec.of(fixture("images_uint8.npy")).withLabels(fixture(labels))
                    .withPreprocessing(new PreprocessingOptions(1.0, null, null, null, null));
            try (Dataset ds = DatasetLoader.open(spec, new int[] {1, 8, 8}, 4)) {
                assertEquals(4, ds.size());
                Batch all = ds.read(0, 4);
                assertArrayEquals(new int[] {3, 0, 2, 1}, all.labels());
                // np.load: a[0,0,0,:4] = [188, 60, 244, 188], a[3,0,7,7] = 192, a.sum() = 33410
                assertArrayEquals(new float[] {188, 60, 244, 188}, java.util.Arrays.copyOf(all.data(), 4));
                assertEquals(192f, all.data()[3 * 64 + 63]);
                double sum = 0;
                for (float v : all.data()) {
                    sum += v;
                }
                assertEquals(33410.0, sum);
            }
        }
    }

    @Test
    void npzWithFloatDataAndLabels() {
        try (Dataset ds = DatasetLoader.open(DataSpec.of(fixture("images.npz")), new int[] {1, 8, 8}, 4)) {
            assertArrayEquals(new int[] {3, 0, 2, 1}, ds.read(0, 4).labels());
            // np.load(...)['x'][1,0,2,:3] = [-0.21322507, -0.50148296, 0.15307346], float32 used as it is
            float[] s1 = ds.read(1, 2).data();
            assertArrayEquals(new float[] {-0.21322507f, -0.50148296f, 0.15307346f},
                    java.util.Arrays.copyOfRange(s1, 16, 19));
        }
    }
}
