package org.quantscope.core.data;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.core.InputException;

class CalibrationSamplerTest {

    @TempDir
    Path dir;

    @Test
    void randomIsTheSameForTheSameSeedOnEveryRun() {
        FixedDataset pool = FixedDataset.cycling(100, 10);
        SubsetDataset a = CalibrationSampler.random(pool, 5, 42);
        // java.util.Random's algorithm is fixed by the Java specification: these numbers hold on every JVM.
        assertArrayEquals(new int[] {22, 30, 36, 49, 71}, a.indices());
        assertArrayEquals(a.indices(), CalibrationSampler.random(pool, 5, 42).indices());
        assertFalse(Arrays.equals(a.indices(), CalibrationSampler.random(pool, 5, 43).indices()));
        assertEquals("random 5 of calib.idx.gz (seed 42)", a.description());
        int[] all = CalibrationSampler.random(pool, 100, 7).indices();
        assertArrayEquals(java.util.stream.IntStream.range(0, 100).toArray(), all);
    }

    @Test
    void stratifiedGivesEachClassAnEqualShare() {
        FixedDataset pool = FixedDataset.cycling(1000, 10);
        SubsetDataset s = CalibrationSampler.stratified(pool, 53, 1);
        int[] counts = countPerClass(s, 10);
        assertArrayEquals(new int[] {6, 6, 6, 5, 5, 5, 5, 5, 5, 5}, counts);
        assertArrayEquals(s.indices(), CalibrationSampler.stratified(pool, 53, 1).indices());
        assertEquals(53, Arrays.stream(s.indices()).distinct().count());
        int[] sorted = s.indices().clone();
        Arrays.sort(sorted);
        assertArrayEquals(sorted, s.indices());
    }

    @Test
    void stratifiedSharesTheShortfallOfASmallClass() {
        // Classes of 10, 10, 10 and 2 samples; 14 wanted: 4, 4, 4 and the 2 the small class has.
        int[] labels = new int[32];
        for (int i = 0; i < 30; i++) {
            labels[i] = i % 3;
        }
        labels[30] = 3;
        labels[31] = 3;
        FixedDataset pool = new FixedDataset(5, labels);
        assertArrayEquals(new int[] {4, 4, 4, 2, 0}, countPerClass(CalibrationSampler.stratified(pool, 14, 9), 5));
        assertArrayEquals(new int[] {5, 5, 4, 2}, CalibrationSampler.quotas(new int[] {10, 10, 10, 2}, 16));
    }

    private static int[] countPerClass(Dataset d, int classes) {
        int[] counts = new int[classes];
        for (int i = 0; i < d.size(); i++) {
            counts[d.label(i)]++;
        }
        return counts;
    }

    @Test
    void tooManySamplesRequested() {
        FixedDataset pool = FixedDataset.cycling(5000, 10);
        InputException e = assertThrows(InputException.class, () -> CalibrationSampler.random(pool, 6000, 0));
        // the window's words; the command line renders the setting as its flag (--calib-size)
        assertEquals("calibration size 6000 is larger than the 5000 samples of calib.idx.gz; choose a calibration"
                + " size of at most 5000 (the calibration size), or a larger calibration pool", e.getMessage());
        assertEquals("calibration size 6000 is larger than the 5000 samples of calib.idx.gz; choose a calibration"
                + " size of at most 5000 (--calib-size), or a larger calibration pool", e.render(id -> "--calib-size"));
        assertThrows(InputException.class, () -> CalibrationSampler.stratified(pool, 5001, 0));
        assertThrows(InputException.class, () -> CalibrationSampler.random(pool, 0, 0));
    }

    @Test
    void givenIndicesAreKeptInOrderAndChecked() {
        FixedDataset pool = FixedDataset.cycling(10, 2);
        SubsetDataset s = CalibrationSampler.given(pool, new int[] {9, 2, 4}, "list");
        assertArrayEquals(new float[] {9, 2, 4}, s.read(0, 3).data());
        InputException e = assertThrows(InputException.class,
                () -> CalibrationSampler.given(pool, new int[] {1, 10}, "calib.txt"));
        assertEquals("calib.txt lists index 10, outside the 10 samples of calib.idx.gz (valid: 0..9)", e.getMessage());
        e = assertThrows(InputException.class, () -> CalibrationSampler.given(pool, new int[] {1, 1}, "calib.txt"));
        assertEquals("calib.txt lists index 1 more than once", e.getMessage());
    }

    @Test
    void indicesFromTextAndNpyFiles() {
        FixedDataset pool = FixedDataset.cycling(10, 2);
        Path txt = TestFiles.write(dir.resolve("calib.txt"), "# chosen by hand\n3, 1\n7 # last\n\n".getBytes());
        assertArrayEquals(new int[] {3, 1, 7}, CalibrationSampler.fromFile(pool, txt).indices());
        Path npy = TestFiles.writeNpy(dir.resolve("idx.npy"), "<i8", new long[] {2},
                TestFiles.i64(LITTLE_ENDIAN, 8, 0));
        assertArrayEquals(new int[] {8, 0}, CalibrationSampler.fromFile(pool, npy).indices());
        Path bad = TestFiles.write(dir.resolve("bad.txt"), "1\n2.5\n".getBytes());
        InputException e = assertThrows(InputException.class, () -> CalibrationSampler.fromFile(pool, bad));
        assertEquals("bad.txt line 2: '2.5' is not a sample index", e.getMessage());
        Path far = TestFiles.write(dir.resolve("far.txt"), "10".getBytes());
        e = assertThrows(InputException.class, () -> CalibrationSampler.fromFile(pool, far));
        assertTrue(e.getMessage().startsWith("far.txt lists index 10, outside"), e.getMessage());
        Path floats = TestFiles.writeNpy(dir.resolve("f.npy"), "<f4", new long[] {1},
                TestFiles.f32(LITTLE_ENDIAN, 1f));
        e = assertThrows(InputException.class, () -> CalibrationSampler.fromFile(pool, floats));
        assertTrue(e.getMessage().startsWith("f.npy must be a 1-D integer array"), e.getMessage());
        e = assertThrows(InputException.class, () -> CalibrationSampler.fromFile(pool, dir.resolve("none.txt")));
        assertTrue(e.getMessage().contains("none.txt does not exist"), e.getMessage());
    }

    @Test
    void strategyDispatch() {
        FixedDataset pool = FixedDataset.cycling(100, 10);
        assertArrayEquals(CalibrationSampler.random(pool, 5, 42).indices(),
                CalibrationSampler.sample(pool, CalibrationSampler.Strategy.RANDOM, 5, 42).indices());
        assertArrayEquals(CalibrationSampler.stratified(pool, 20, 3).indices(),
                CalibrationSampler.sample(pool, CalibrationSampler.Strategy.STRATIFIED, 20, 3).indices());
    }
}
