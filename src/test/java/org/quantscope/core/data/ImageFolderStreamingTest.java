package org.quantscope.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.core.InputException;

/** A folder of 2,000 small PNGs: listing decodes nothing, a batch decodes only its own images. */
class ImageFolderStreamingTest {

    private static final int CLASSES = 4;
    private static final int PER_CLASS = 500;

    @TempDir
    static Path root;

    @BeforeAll
    static void writeImages() {
        for (int c = 0; c < CLASSES; c++) {
            for (int i = 0; i < PER_CLASS; i++) {
                // Pixel value encodes the sample index within its class (mod 256) and the class.
                TestFiles.grayPng(root.resolve("class" + c).resolve(String.format("%04d.png", i)),
                        new int[][] {{i % 256, c}, {c, i % 256}});
            }
        }
        // Not part of any batch read below: the last image of the last class is corrupt.
        TestFiles.write(root.resolve("class3/0499.png"), new byte[] {1, 2, 3});
    }

    @Test
    void readingABatchDecodesOnlyThatBatch() {
        ImageFolderDataset ds = (ImageFolderDataset) DatasetLoader.open(DataSpec.of(root).withPreprocessing(
                new PreprocessingOptions(1.0, null, null, null, null)), new int[] {1, 2, 2}, CLASSES);
        assertEquals(CLASSES * PER_CLASS, ds.size());
        assertEquals(0, ds.decodeCount());
        int[] batch = {0, 7, 501, 1999 - 1, 1500};
        Batch b = ds.read(batch);
        assertEquals(batch.length, ds.decodeCount());
        assertArrayEquals(new int[] {0, 0, 1, 3, 3}, b.labels());
        assertArrayEquals(new float[] {7, 0, 0, 7}, java.util.Arrays.copyOfRange(b.data(), 4, 8));
        assertArrayEquals(new float[] {1, 1, 1, 1}, java.util.Arrays.copyOfRange(b.data(), 8, 12));
        assertArrayEquals(new float[] {498 % 256, 3, 3, 498 % 256}, java.util.Arrays.copyOfRange(b.data(), 12, 16));
        for (int from = 0; from < 1600; from += 64) {
            ds.read(from, Math.min(from + 64, 1600));
        }
        assertEquals(batch.length + 1600, ds.decodeCount());
        InputException e = assertThrows(InputException.class, () -> ds.read(new int[] {1999}));
        assertTrue(e.getMessage().contains("0499.png is not a readable PNG/JPEG image"), e.getMessage());
    }
}
