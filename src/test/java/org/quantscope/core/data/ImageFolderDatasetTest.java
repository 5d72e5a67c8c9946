package org.quantscope.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quantscope.core.data.TestFiles.uniform;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.core.InputException;
import org.quantscope.core.data.Preprocessing.ColorMode;

class ImageFolderDatasetTest {

    @TempDir
    Path root;

    private static final PreprocessingOptions RAW = new PreprocessingOptions(1.0, null, null, null, null);

    private static Dataset open(Path folder, int[] shape, PreprocessingOptions p) {
        return DatasetLoader.open(DataSpec.of(folder).withPreprocessing(p), shape);
    }

    @Test
    void grayscalePngsWithScaleMeanAndStd() {
        TestFiles.grayPng(root.resolve("b_dog/1.png"), new int[][] {{255, 255}, {0, 0}});
        TestFiles.grayPng(root.resolve("a_cat/2.png"), new int[][] {{0, 51}, {102, 255}});
        TestFiles.grayPng(root.resolve("a_cat/1.png"), new int[][] {{0, 0}, {0, 0}});
        PreprocessingOptions norm = new PreprocessingOptions(1 / 255.0, new double[] {0.5}, new double[] {0.25},
                null, null);
        try (Dataset ds = open(root, new int[] {1, 2, 2}, norm)) {
            assertEquals(List.of("a_cat", "b_dog"), ds.classNames());
            assertEquals(3, ds.size());
            assertEquals(List.of(0, 0, 1), List.of(ds.label(0), ds.label(1), ds.label(2)));
            assertEquals(root.resolve("a_cat/2.png"), ((ImageFolderDataset) ds).file(1));
            Batch b = ds.read(new int[] {1, 2});
            assertArrayEquals(new float[] {-2f, -1.2f, -0.4f, 2f, 2f, 2f, -2f, -2f}, b.data(), 1e-6f);
            assertArrayEquals(new int[] {0, 1}, b.labels());
        }
    }

    @Test
    void rgbPngsWithPerChannelNormalization() {
        TestFiles.rgbImage(root.resolve("c/x.png"), new int[][] {{0xFF0033, 0x0066FF}}, "png");
        PreprocessingOptions norm = new PreprocessingOptions(1 / 255.0, new double[] {0, 0.2, 0.4},
                new double[] {1, 0.5, 0.2}, null, null);
        try (Dataset ds = open(root, new int[] {3, 1, 2}, norm)) {
            assertArrayEquals(new float[] {1f, 0f, -0.4f, 0.4f, -1f, 3f}, ds.read(0, 1).data(), 1e-6f);
        }
    }

    @Test
    void colourImagesBecomeGrayWithLumaWeightsForOneChannelModels() {
        TestFiles.rgbImage(root.resolve("c/x.png"), new int[][] {{0xFF0033, 0x0066FF}}, "png");
        try (Dataset ds = open(root, new int[] {1, 1, 2}, RAW)) {
            // (255*19595 + 51*7471 + 0x8000) >> 16 = 82 ; (102*38470 + 255*7471 + 0x8000) >> 16 = 89
            assertArrayEquals(new float[] {82f, 89f}, ds.read(0, 1).data());
        }
        PreprocessingOptions gray = new PreprocessingOptions(1.0, null, null, ColorMode.GRAYSCALE, null);
        try (Dataset ds = open(root, null, gray)) {
            assertArrayEquals(new int[] {1, 1, 2}, ds.sampleShape());
        }
        try (Dataset ds = open(root, new int[] {-1, 1, 2}, RAW)) {
            assertArrayEquals(new int[] {3, 1, 2}, ds.sampleShape());
        }
    }

    @Test
    void grayImagesAreReplicatedForRgbModels() {
        TestFiles.grayPng(root.resolve("c/x.png"), new int[][] {{7, 200}});
        try (Dataset ds = open(root, new int[] {3, 1, 2}, RAW)) {
            assertArrayEquals(new float[] {7, 200, 7, 200, 7, 200}, ds.read(0, 1).data());
        }
    }

    @Test
    void sixteenBitGrayIsScaledToEightBits() {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setSample(0, 0, 0, 0x8080);
        img.getRaster().setSample(1, 0, 0, 65535);
        TestFiles.image(root.resolve("c/x.png"), img, "png");
        try (Dataset ds = open(root, new int[] {1, 1, 2}, RAW)) {
            assertArrayEquals(new float[] {128f, 255f}, ds.read(0, 1).data());
        }
    }

    @Test
    void imagesAreResizedToTheModelInput() {
        TestFiles.rgbImage(root.resolve("c/big.png"), fill(4, 4, 0x0A141E), "png");
        TestFiles.rgbImage(root.resolve("c/small.png"), fill(1, 1, 0x0A141E), "png");
        try (Dataset ds = open(root, new int[] {3, 2, 2}, RAW)) {
            float[] expected = {10, 10, 10, 10, 20, 20, 20, 20, 30, 30, 30, 30};
            Batch b = ds.read(0, 2);
            assertArrayEquals(expected, java.util.Arrays.copyOfRange(b.data(), 0, 12));
            assertArrayEquals(expected, java.util.Arrays.copyOfRange(b.data(), 12, 24));
        }
        try (Dataset ds = open(root, new int[] {3, -1, -1}, RAW)) {
            assertArrayEquals(new int[] {3, 4, 4}, ds.sampleShape());
        }
    }

    @Test
    void flatModelsGetFlattenedSquareImages() {
        TestFiles.grayPng(root.resolve("c/x.png"), new int[][] {{1, 2}, {3, 4}});
        try (Dataset ds = open(root, new int[] {4}, RAW)) {
            assertArrayEquals(new int[] {4}, ds.sampleShape());
            assertArrayEquals(new float[] {1, 2, 3, 4}, ds.read(0, 1).data());
        }
        try (Dataset ds = open(root, new int[] {12}, RAW)) {
            assertArrayEquals(new int[] {12}, ds.sampleShape());
        }
    }

    @Test
    void jpegBmpAndGifAreReadToo() {
        TestFiles.rgbImage(root.resolve("j/a.jpg"), fill(8, 8, 0x808080), "jpg");
        TestFiles.rgbImage(root.resolve("j/b.bmp"), fill(8, 8, 0x808080), "bmp");
        TestFiles.rgbImage(root.resolve("j/c.gif"), fill(8, 8, 0x808080), "gif");
        try (Dataset ds = open(root, new int[] {1, 8, 8}, RAW)) {
            assertEquals(3, ds.size());
            for (float v : ds.read(0, 3).data()) {
                assertEquals(128f, v, 2f);
            }
        }
    }

    @Test
    void classNamesMayBeReplacedByTheDescriptionInsideTheFolder() {
        TestFiles.grayPng(root.resolve("0/a.png"), uniform(1, 1, 0));
        TestFiles.grayPng(root.resolve("1/a.png"), uniform(1, 1, 0));
        TestFiles.write(root.resolve("dataset.json"), "{\"classes\": [\"zero\", \"one\"]}".getBytes());
        try (Dataset ds = DatasetLoader.open(DataSpec.of(root), new int[] {1, 1, 1}, 2)) {
            assertEquals(List.of("zero", "one"), ds.classNames());
        }
        TestFiles.write(root.resolve("dataset.json"), "{\"classes\": [\"only\"]}".getBytes());
        InputException e = assertThrows(InputException.class, () -> DatasetLoader.open(DataSpec.of(root)));
        assertTrue(e.getMessage().contains("has 2 class subfolders but 1 class names were given"), e.getMessage());
    }

    @Test
    void badFoldersNameTheFolder() throws IOException {
        Path empty = Files.createDirectory(root.resolve("empty"));
        assertEquals("Image folder " + empty + " is empty; put the images of each class in their own subfolder,"
                + " e.g. " + empty.resolve("cat/001.png"), message(empty, null));
        Path flat = root.resolve("flat");
        TestFiles.grayPng(flat.resolve("a.png"), uniform(1, 1, 0));
        assertTrue(message(flat, null).startsWith("Image folder " + flat + " holds images but no class subfolders"));
        Path noImages = root.resolve("noimg");
        TestFiles.write(noImages.resolve("cls/readme.txt"), "hi".getBytes());
        assertTrue(message(noImages, new int[] {1, 1, 1}).startsWith("Image folder " + noImages + " has class"
                + " subfolders (cls) but none holds"));
    }

    @Test
    void modelsImagesCannotFeed() {
        TestFiles.grayPng(root.resolve("c/x.png"), uniform(1, 1, 0));
        assertTrue(message(root, new int[] {4, 2, 2}).contains("4 channels; images give 1 (grayscale) or 3 (RGB)"));
        assertTrue(message(root, new int[] {5}).contains("cannot feed"));
        PreprocessingOptions rgb = new PreprocessingOptions(null, null, null, ColorMode.RGB, null);
        InputException e = assertThrows(InputException.class, () -> open(root, new int[] {1, 2, 2}, rgb));
        assertTrue(e.getMessage().startsWith("Colour mode rgb gives 3 channels but the model input expects 1x2x2"));
        e = assertThrows(InputException.class, () -> DatasetLoader.open(DataSpec.of(root), new int[] {1, 2, 2}, 10));
        assertTrue(e.getMessage().startsWith("Image folder " + root.getFileName() + " has 1 class subfolders but the"
                + " model has 10 outputs"), e.getMessage());
        e = assertThrows(InputException.class, () -> DatasetLoader.open(DataSpec.of(root)
                .withLabels(root.resolve("c/x.png"))));
        assertTrue(e.getMessage().startsWith("An image folder takes its labels from its class subfolders"));
    }

    @Test
    void corruptImageIsNamedWhenItIsRead() {
        TestFiles.grayPng(root.resolve("c/good.png"), uniform(2, 2, 9));
        Path bad = TestFiles.write(root.resolve("c/zbad.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        try (Dataset ds = open(root, new int[] {1, 2, 2}, RAW)) {
            assertArrayEquals(new float[] {9, 9, 9, 9}, ds.read(0, 1).data());
            InputException e = assertThrows(InputException.class, () -> ds.read(1, 2));
            assertTrue(e.getMessage().startsWith(bad + " is not a readable PNG/JPEG image"), e.getMessage());
        }
    }

    private static String message(Path folder, int[] shape) {
        return assertThrows(InputException.class, () -> open(folder, shape, RAW)).getMessage();
    }

    static int[][] fill(int h, int w, int rgb) {
        int[][] px = new int[h][w];
        for (int[] row : px) {
            java.util.Arrays.fill(row, rgb);
        }
        return px;
    }
}
