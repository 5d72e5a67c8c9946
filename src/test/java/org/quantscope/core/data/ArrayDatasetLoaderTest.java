package org.quantscope.core.data;

import org.quantscope.core.InputException;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quantscope.core.data.TestFiles.f32;
import static org.quantscope.core.data.TestFiles.gzip;
import static org.quantscope.core.data.TestFiles.i16;
import static org.quantscope.core.data.TestFiles.i32;
import static org.quantscope.core.data.TestFiles.i64;
import static org.quantscope.core.data.TestFiles.idx;
import static org.quantscope.core.data.TestFiles.npy;
import static org.quantscope.core.data.TestFiles.u8;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening arrays through {@link DatasetLoader}: formats, layouts, preprocessing and labels, with exact values. */
class ArrayDatasetLoaderTest {

    @TempDir
    Path dir;

    /** Two 1x2x2 uint8 samples: 0, 51, 102, 255 and 255, 204, 153, 0. */
    private static final byte[] PIXELS = u8(0, 51, 102, 255, 255, 204, 153, 0);

    private Path labels(long... values) {
        return TestFiles.writeNpy(dir.resolve("labels.npy"), "<i8", new long[] {values.length},
                i64(LITTLE_ENDIAN, values));
    }

    @Test
    void uint8NpyIsScaledByDefault() {
        Path data = TestFiles.writeNpy(dir.resolve("data.npy"), "|u1", new long[] {2, 1, 2, 2}, PIXELS);
        try (Dataset ds = DatasetLoader.open(DataSpec.of(data).withLabels(labels(1, 0)), new int[] {1, 2, 2}, 2)) {
            assertEquals(2, ds.size());
            assertArrayEquals(new int[] {1, 2, 2}, ds.sampleShape());
            assertEquals(List.of("0", "1"), ds.classNames());
            Batch b = ds.read(new int[] {1, 0});
            assertArrayEquals(new float[] {1f, 0.8f, 0.6f, 0f, 0f, 0.2f, 0.4f, 1f}, b.data(), 1e-7f);
            assertArrayEquals(new int[] {0, 1}, b.labels());
            assertArrayEquals(new int[] {1, 0}, b.indices());
            assertArrayEquals(new long[] {2, 1, 2, 2}, b.shape());
            assertEquals("NPY data.npy (2x1x2x2 uint8, labels labels.npy)", ds.description());
        }
    }

    @Test
    void float32IsUsedAsItIsUnlessApplyToFloat() {
        Path data = TestFiles.writeNpy(dir.resolve("f.npy"), "<f4", new long[] {1, 3},
                f32(LITTLE_ENDIAN, 0.5f, -2f, 10f));
        Path lab = labels(0);
        try (Dataset ds = DatasetLoader.open(DataSpec.of(data).withLabels(lab))) {
            assertArrayEquals(new float[] {0.5f, -2f, 10f}, ds.read(0, 1).data());
        }
        // explicit values that would silently do nothing are refused, naming the file and the way out
        PreprocessingOptions norm = new PreprocessingOptions(2.0, new double[] {1}, new double[] {0.5}, null, null);
        InputException e = org.junit.jupiter.api.Assertions.assertThrows(InputException.class,
                () -> DatasetLoader.open(DataSpec.of(data).withLabels(lab).withPreprocessing(norm)));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("f.npy")
                && e.getMessage().contains("applyToFloat"), e.getMessage());
        PreprocessingOptions all = new PreprocessingOptions(2.0, new double[] {1}, new double[] {0.5}, null, true);
        try (Dataset ds = DatasetLoader.open(DataSpec.of(data).withLabels(lab).withPreprocessing(all))) {
            // (0.5*2 - 1)/0.5 = 0, (-2*2 - 1)/0.5 = -10, (10*2 - 1)/0.5 = 38
            assertArrayEquals(new float[] {0f, -10f, 38f}, ds.read(0, 1).data());
        }
    }

    @Test
    void perChannelMeanAndStdFromDatasetJsonNextToTheData() {
        // One 2x1x2 sample: channel 0 = 0, 255; channel 1 = 51, 102.
        Path data = TestFiles.writeNpy(dir.resolve("rgb.npy"), "|u1", new long[] {1, 2, 1, 2}, u8(0, 255, 51, 102));
        TestFiles.write(dir.resolve("dataset.json"),
                "{\"scale\": 0.00392156862745098, \"mean\": [0.5, 0.2], \"std\": [0.5, 0.1]}".getBytes());
        try (Dataset ds = DatasetLoader.open(DataSpec.of(data).withLabels(labels(0)), new int[] {2, 1, 2})) {
            // (0-0.5)/0.5=-1, (1-0.5)/0.5=1, (0.2-0.2)/0.1=0, (0.4-0.2)/0.1=2
            assertArrayEquals(new float[] {-1f, 1f, 0f, 2f}, ds.read(0, 1).data(), 1e-6f);
        }
    }

    @Test
    void explicitValuesOverrideTheDescriptionFile() {
        Path data = TestFiles.writeNpy(dir.resolve("d.npy"), "|u1", new long[] {1, 2}, u8(10, 20));
        Path json = TestFiles.write(dir.resolve("elsewhere.json"), "{\"scale\": 0.5, \"mean\": 1}".getBytes());
        PreprocessingOptions cli = new PreprocessingOptions(0.1, null, null, null, null);
        DataSpec spec = DataSpec.of(data).withLabels(labels(0)).withDescription(json).withPreprocessing(cli);
        try (Dataset ds = DatasetLoader.open(spec)) {
            // scale from the CLI (0.1), mean from the file (1): 10*0.1-1 = 0, 20*0.1-1 = 1
            assertArrayEquals(new float[] {0f, 1f}, ds.read(0, 1).data(), 1e-6f);
        }
    }

    @Test
    void nhwDataGetsOneChannelAndFlatModelsGetItFlattened() {
        Path data = TestFiles.writeNpy(dir.resolve("nhw.npy"), "|u1", new long[] {2, 2, 2}, PIXELS);
        Path lab = labels(0, 1);
        try (Dataset ds = DatasetLoader.open(DataSpec.of(data).withLabels(lab), new int[] {1, 2, 2})) {
            assertArrayEquals(new int[] {1, 2, 2}, ds.sampleShape());
        }
        try (Dataset ds = DatasetLoader.open(DataSpec.of(data).withLabels(lab), new int[] {-1, 2, 2})) {
            assertArrayEquals(new int[] {1, 2, 2}, ds.sampleShape());
        }
        try (Dataset ds = DatasetLoader.open(DataSpec.of(data).withLabels(lab), new int[] {4})) {
            assertArrayEquals(new int[] {4}, ds.sampleShape());
            assertArrayEquals(new float[] {1f, 0.8f, 0.6f, 0f}, ds.read(1, 2).data(), 1e-7f);
        }
        try (Dataset ds = DatasetLoader.open(DataSpec.of(data).withLabels(lab))) {
            assertArrayEquals(new int[] {1, 2, 2}, ds.sampleShape());
        }
    }

    @Test
    void flatDataIsReshapedForAnImageModel() {
        Path data = TestFiles.writeNpy(dir.resolve("flat.npy"), "|u1", new long[] {2, 4}, PIXELS);
        try (Dataset ds = DatasetLoader.open(DataSpec.of(data).withLabels(labels(0, 1)), new int[] {1, 2, 2})) {
            assertArrayEquals(new int[] {1, 2, 2}, ds.sampleShape());
            assertArrayEquals(new float[] {0f, 0.2f, 0.4f, 1f}, ds.read(0, 1).data(), 1e-7f);
        }
    }

    @Test
    void channelsLastDataIsTransposed() {
        // One sample, H=1, W=2, C=3 stored HWC: pixel0 = (10, 20, 30), pixel1 = (40, 50, 60).
        Path data = TestFiles.writeNpy(dir.resolve("nhwc.npy"), "|u1", new long[] {1, 1, 2, 3},
                u8(10, 20, 30, 40, 50, 60));
        PreprocessingOptions raw = new PreprocessingOptions(1.0, null, null, null, null);
        DataSpec spec = DataSpec.of(data).withLabels(labels(0)).withPreprocessing(raw);
        try (Dataset ds = DatasetLoader.open(spec, new int[] {3, 1, 2})) {
            assertArrayEquals(new int[] {3, 1, 2}, ds.sampleShape());
            assertArrayEquals(new float[] {10, 40, 20, 50, 30, 60}, ds.read(0, 1).data());
        }
    }

    @Test
    void labelTypesInt32Int16AndUint8AreAccepted() {
        Path data = TestFiles.writeNpy(dir.resolve("d.npy"), "|u1", new long[] {2, 2}, u8(1, 2, 3, 4));
        for (Path lab : List.of(
                TestFiles.writeNpy(dir.resolve("l32.npy"), "<i4", new long[] {2}, i32(LITTLE_ENDIAN, 2, 0)),
                TestFiles.writeNpy(dir.resolve("l16.npy"), "<i2", new long[] {2}, i16(LITTLE_ENDIAN, 2, 0)),
                TestFiles.writeNpy(dir.resolve("l8.npy"), "|u1", new long[] {2, 1}, u8(2, 0)))) {
            try (Dataset ds = DatasetLoader.open(DataSpec.of(data).withLabels(lab))) {
                assertEquals(2, ds.label(0));
                assertEquals(0, ds.label(1));
                assertEquals(List.of("0", "1", "2"), ds.classNames());
            }
        }
    }

    @Test
    void npzPicksDataAndLabelsByConventionOrByKey() {
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        arrays.put("images", npy("|u1", new long[] {2, 2, 2}, false, 1, PIXELS));
        arrays.put("labels", npy("<i8", new long[] {2}, false, 1, i64(LITTLE_ENDIAN, 3, 1)));
        arrays.put("other", npy("<f4", new long[] {2, 1}, false, 1, f32(LITTLE_ENDIAN, 7f, 8f)));
        Path npz = TestFiles.writeNpz(dir.resolve("images.npz"), arrays);
        try (Dataset ds = DatasetLoader.open(DataSpec.of(npz), new int[] {1, 2, 2}, 4)) {
            assertArrayEquals(new int[] {3, 1}, ds.read(0, 2).labels());
            assertArrayEquals(new float[] {0f, 0.2f, 0.4f, 1f}, ds.read(0, 1).data(), 1e-7f);
            assertEquals("NPZ images.npz:images (2x2x2 uint8, labels images.npz:labels)", ds.description());
        }
        try (Dataset ds = DatasetLoader.open(DataSpec.of(dir.resolve("images.npz:other")), new int[] {1})) {
            assertArrayEquals(new float[] {8f}, ds.read(1, 2).data());
            assertEquals(1, ds.label(1));
        }
        Map<String, byte[]> positional = new LinkedHashMap<>();
        positional.put("arr_0", npy("|u1", new long[] {1, 2}, false, 1, u8(0, 255)));
        positional.put("arr_1", npy("<i8", new long[] {1}, false, 1, i64(LITTLE_ENDIAN, 0)));
        Path npz2 = TestFiles.writeNpz(dir.resolve("pos.npz"), positional);
        try (Dataset ds = DatasetLoader.open(DataSpec.of(npz2))) {
            assertArrayEquals(new float[] {0f, 1f}, ds.read(0, 1).data());
        }
    }

    @Test
    void labelsMayComeFromAnotherNpzWithAKey() {
        Path data = TestFiles.writeNpy(dir.resolve("d.npy"), "|u1", new long[] {2, 1}, u8(1, 2));
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        arrays.put("a", npy("<i8", new long[] {2}, false, 1, i64(LITTLE_ENDIAN, 0, 0)));
        arrays.put("b", npy("<i8", new long[] {2}, false, 1, i64(LITTLE_ENDIAN, 1, 0)));
        TestFiles.writeNpz(dir.resolve("lab.npz"), arrays);
        try (Dataset ds = DatasetLoader.open(DataSpec.of(data).withLabels(dir.resolve("lab.npz:b")))) {
            assertEquals(1, ds.label(0));
        }
    }

    @Test
    void idxImagesFindTheirMnistStyleLabelsSibling() {
        TestFiles.write(dir.resolve("t10k-images-idx3-ubyte.gz"), gzip(idx(0x08, new int[] {2, 2, 2}, PIXELS)));
        TestFiles.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gzip(idx(0x08, new int[] {2}, u8(9, 4))));
        try (Dataset ds = DatasetLoader.open(DataSpec.of(dir.resolve("t10k-images-idx3-ubyte.gz")),
                new int[] {1, 2, 2}, 10)) {
            assertArrayEquals(new int[] {9, 4}, ds.read(0, 2).labels());
            assertArrayEquals(new float[] {1f, 0.8f, 0.6f, 0f}, ds.read(1, 2).data(), 1e-7f);
            assertEquals(10, ds.classNames().size());
            assertEquals("t10k-images-idx3-ubyte.gz", ds.sourceName());
        }
    }

    @Test
    void classNamesComeFromAFileOrTheDescription() {
        Path data = TestFiles.writeNpy(dir.resolve("d.npy"), "|u1", new long[] {2, 1}, u8(1, 2));
        Path names = TestFiles.write(dir.resolve("names.txt"), "cat\ndog\n\n".getBytes());
        try (Dataset ds = DatasetLoader.open(DataSpec.of(data).withLabels(labels(1, 0)).withClassNames(names))) {
            assertEquals(List.of("cat", "dog"), ds.classNames());
        }
        TestFiles.write(dir.resolve("dataset.json"), "{\"classes\": [\"T-shirt/top\", \"Trouser\", \"Bag\"]}"
                .getBytes());
        try (Dataset ds = DatasetLoader.open(DataSpec.of(data).withLabels(labels(1, 0)))) {
            assertEquals(List.of("T-shirt/top", "Trouser", "Bag"), ds.classNames());
        }
    }

    @Test
    void limitKeepsTheFirstSamples() {
        Path data = TestFiles.writeNpy(dir.resolve("d.npy"), "|u1", new long[] {4, 1}, u8(0, 1, 2, 3));
        PreprocessingOptions raw = new PreprocessingOptions(1.0, null, null, null, null);
        try (Dataset ds = DatasetLoader.open(DataSpec.of(data).withLabels(labels(0, 1, 2, 3)).withLimit(3)
                .withPreprocessing(raw))) {
            assertEquals(3, ds.size());
            assertArrayEquals(new float[] {2f}, ds.read(2, 3).data());
            assertEquals(List.of("0", "1", "2", "3"), ds.classNames());
        }
    }
}
