package org.quantscope.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.core.InputException;

/**
 * Decoding an image folder on several threads, and skipping unreadable files: the same numbers in the same order
 * whatever the thread count; a skipped file leaves its row out without moving any other sample's index or label.
 */
class ImageFolderDecodingTest {

    private static final int CLASSES = 3;
    private static final int PER_CLASS = 40;

    @TempDir
    static Path root;
    @TempDir
    static Path bad;

    @BeforeAll
    static void writeImages() throws Exception {
        Random r = new Random(14);
        for (int c = 0; c < CLASSES; c++) {
            for (int i = 0; i < PER_CLASS; i++) {
                // Sizes vary so that every image is really resized (portrait and landscape).
                int w = 20 + r.nextInt(30);
                int h = 20 + r.nextInt(30);
                int[][] px = new int[h][w];
                for (int[] row : px) {
                    for (int x = 0; x < w; x++) {
                        row[x] = r.nextInt(1 << 24);
                    }
                }
                TestFiles.rgbImage(root.resolve("c" + c).resolve(String.format("%03d.png", i)), px,
                        "png");
                TestFiles.rgbImage(bad.resolve("c" + c).resolve(String.format("%03d.png", i)), px, "png");
            }
        }
        // Unreadable files in the second folder: an empty file, text, a truncated JPEG.
        TestFiles.write(bad.resolve("c0/005a.png"), new byte[0]);
        TestFiles.write(bad.resolve("c1/010a.jpg"), "not an image".getBytes());
        int[][] noise = new int[64][64];
        for (int[] row : noise) {
            for (int x = 0; x < row.length; x++) {
                row[x] = r.nextInt(1 << 24);
            }
        }
        // Cut in the middle of the entropy-coded data, as an interrupted copy leaves it.
        Path jpg = TestFiles.rgbImage(bad.resolve("c2/tmp.jpg"), noise, "jpg");
        byte[] whole = Files.readAllBytes(jpg);
        Files.delete(jpg);
        TestFiles.write(bad.resolve("c2/020a.jpg"), java.util.Arrays.copyOf(whole, whole.length / 2));
    }

    private static ImageFolderDataset open(Path folder, boolean skip, int threads) {
        return (ImageFolderDataset) DatasetLoader.open(DataSpec.of(folder)
                .withPreprocessing(new PreprocessingOptions(null, new double[] {0.485, 0.456, 0.406},
                        new double[] {0.229, 0.224, 0.225}, null, null, 16, 12))
                .withSkipBadFiles(skip).withDecodeThreads(threads), new int[] {3, 12, 12}, CLASSES);
    }

    private static float[] readAll(Dataset ds, int batch, int depth) {
        List<float[]> parts = new ArrayList<>();
        int total = 0;
        try (BatchPrefetcher p = new BatchPrefetcher(ds, ds.size(), batch, 1, depth)) {
            while (p.hasNext()) {
                float[] d = p.next().data().clone();
                parts.add(d);
                total += d.length;
            }
        }
        float[] all = new float[total];
        int at = 0;
        for (float[] d : parts) {
            System.arraycopy(d, 0, all, at, d.length);
            at += d.length;
        }
        return all;
    }

    @Test
    void sameNumbersInTheSameOrderWhateverTheThreads() {
        float[] one;
        try (ImageFolderDataset ds = open(root, false, 1)) {
            assertEquals(1, ds.decodeThreads());
            one = readAll(ds, 7, 1);
        }
        for (int threads : new int[] {2, 3, 8}) {
            try (ImageFolderDataset ds = open(root, false, threads)) {
                assertEquals(threads, ds.decodeThreads());
                assertArrayEquals(one, readAll(ds, 7, 3), "threads " + threads);
                assertEquals(CLASSES * PER_CLASS, ds.decodeCount());
            }
        }
        assertEquals(CLASSES * PER_CLASS * 3 * 12 * 12, one.length);
        assertTrue(open(root, false, 0).decodeThreads() >= 1);
    }

    @Test
    void anUnreadableFileStopsTheReadNamingIt() {
        try (ImageFolderDataset ds = open(bad, false, 2)) {
            InputException e = assertThrows(InputException.class, () -> ds.read(0, 10));
            // the setting in the window's words; the command line renders it as --skip-bad-files
            String cli = e.render(id -> id.equals("skipBadFiles") ? "--skip-bad-files" : null);
            assertTrue(e.getMessage().contains("005a.png") && e.getMessage().contains("the file is empty")
                    && e.getMessage().contains("skip bad files") && cli.contains("--skip-bad-files"), cli);
        }
    }

    @Test
    void skippedFilesLeaveTheirRowsOutAndMoveNothingElse() {
        try (ImageFolderDataset good = open(root, false, 2); ImageFolderDataset ds = open(bad, true, 2)) {
            assertEquals(good.size() + 3, ds.size());
            // Sample indices of the bad folder: c0 has 41 files (005a.png sorts after 005.png, at 6), c1 41
            // (010a.jpg at 11 in c1), c2 41 (020a.jpg at 21 in c2).
            int emptyPng = 6;
            int text = 41 + 11;
            int truncated = 82 + 21;
            float[] all = readAll(ds, 16, 2);
            assertEquals(good.size() * good.sampleLength(), all.length);
            assertArrayEquals(readAll(good, 16, 2), all);
            List<SkippedFile> skipped = ds.skippedFiles();
            assertEquals(List.of(emptyPng, text, truncated), skipped.stream().map(SkippedFile::index).toList());
            assertTrue(skipped.get(0).reason().contains("empty"), skipped.get(0).reason());
            assertTrue(skipped.get(2).reason().contains("ends early"), skipped.get(2).reason());
            assertEquals("010a.jpg", skipped.get(1).file().getFileName().toString());

            // A batch around a bad file: its row is missing, the others keep their indices and labels.
            int decoded = ds.decodeCount();
            Batch b = ds.read(new int[] {text + 1, text, text - 1, 0});
            assertArrayEquals(new int[] {text + 1, text - 1, 0}, b.indices());
            assertArrayEquals(new int[] {1, 1, 0}, b.labels());
            assertEquals(3 * ds.sampleLength(), b.data().length);
            assertEquals(decoded + 3, ds.decodeCount(), "a file known to be bad is not decoded again");
            Batch g = good.read(new int[] {text - 1, text - 2, 0});
            assertArrayEquals(g.data(), b.data());

            // Through a view and the prefetcher: positions of the kept rows.
            SubsetDataset view = new SubsetDataset(ds, new int[] {4, 5, 6, truncated, 7}, "view");
            Batch v = view.read(new int[] {0, 1, 2, 3, 4});
            assertArrayEquals(new int[] {0, 1, 4}, v.indices());
            assertArrayEquals(new int[] {0, 0, 0}, v.labels());
            try (BatchPrefetcher p = new BatchPrefetcher(view, 5, 5)) {
                assertArrayEquals(new int[] {0, 1, 4}, p.next().indices());
            }
            assertEquals(3, view.skippedFiles().size());
        }
    }

    @Test
    void anAnalysisThatNeedsEverySampleRefusesASkippedFile() {
        try (ImageFolderDataset ds = open(bad, true, 2);
             BatchPrefetcher p = BatchPrefetcher.everySample(ds, ds.size(), 4, "The test cache")) {
            p.next(); // samples 0-3 are readable
            InputException e = assertThrows(InputException.class, p::next);
            assertTrue(e.getMessage().startsWith("The test cache needs every sample")
                    && e.getMessage().contains("005a.png"), e.getMessage());
        }
    }

    @Test
    void describesTheResizeAndRefusesACropThatDoesNotFitTheModel() {
        try (ImageFolderDataset ds = open(root, false, 1)) {
            assertTrue(ds.description().contains("resize shorter side to 16"), ds.description());
        }
        InputException e = assertThrows(InputException.class, () -> DatasetLoader.open(DataSpec.of(root)
                .withPreprocessing(new PreprocessingOptions(null, null, null, null, null, 256, 224)),
                new int[] {3, 12, 12}, CLASSES));
        assertTrue(e.getMessage().contains("224x224") && e.getMessage().contains("12x12"), e.getMessage());
        InputException small = assertThrows(InputException.class, () -> DatasetLoader.open(DataSpec.of(root)
                .withPreprocessing(new PreprocessingOptions(null, null, null, null, null, 10, null)),
                new int[] {3, 12, 12}, CLASSES));
        assertTrue(small.getMessage().contains("resize to at least 12"), small.getMessage());
        // A model that leaves the size open takes it from the crop.
        try (Dataset open = DatasetLoader.open(DataSpec.of(root).withPreprocessing(
                new PreprocessingOptions(null, null, null, null, null, 20, 14)), new int[] {3, -1, -1}, CLASSES)) {
            assertArrayEquals(new int[] {3, 14, 14}, open.sampleShape());
        }
    }
}
