package org.quantscope.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SubsetDatasetTest {

    @Test
    void viewMapsIndicesLabelsAndReads() {
        FixedDataset base = FixedDataset.cycling(10, 3);
        SubsetDataset view = new SubsetDataset(base, new int[] {8, 1, 5}, "three");
        assertEquals(3, view.size());
        assertEquals(2, view.label(0));
        assertEquals(base.classNames(), view.classNames());
        assertArrayEquals(base.sampleShape(), view.sampleShape());
        Batch b = view.read(new int[] {2, 0});
        assertArrayEquals(new float[] {5, 8}, b.data());
        assertArrayEquals(new int[] {2, 2}, b.labels());
        assertArrayEquals(new int[] {2, 0}, b.indices());
        assertEquals("calib.idx.gz", view.sourceName());
        view.close();
        assertFalse(base.closed);
        assertThrows(IndexOutOfBoundsException.class, () -> new SubsetDataset(base, new int[] {10}, "x"));
        assertThrows(IndexOutOfBoundsException.class, () -> view.read(new int[] {3}));
    }

    @Test
    void firstLimitsAndMayOwnItsBase() {
        FixedDataset base = FixedDataset.cycling(10, 3);
        SubsetDataset first = SubsetDataset.first(base, 4);
        assertArrayEquals(new int[] {0, 1, 2, 3}, first.indices());
        assertEquals("first 4 of fixed", first.description());
        assertEquals(10, SubsetDataset.first(base, 50).size());
        SubsetDataset owning = SubsetDataset.first(base, 2, true);
        owning.close();
        assertTrue(base.closed);
    }
}
