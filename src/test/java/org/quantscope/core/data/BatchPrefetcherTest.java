package org.quantscope.core.data;

import org.junit.jupiter.api.Test;
import org.quantscope.core.InputException;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchPrefetcherTest {

    /** Sample i is the vector {i, i+0.5}; label i % 3; reuses the buffer it is given. */
    static final class Counting implements Dataset {
        final int size;
        final int failAt;

        Counting(int size, int failAt) {
            this.size = size;
            this.failAt = failAt;
        }

        @Override
        public String description() {
            return "counting";
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public int[] sampleShape() {
            return new int[] {2};
        }

        @Override
        public List<String> classNames() {
            return List.of("a", "b", "c");
        }

        @Override
        public int label(int index) {
            return index % 3;
        }

        @Override
        public Batch read(int[] indices) {
            return read(indices, null);
        }

        @Override
        public Batch read(int[] indices, float[] buffer) {
            float[] out = buffer != null && buffer.length == 2 * indices.length ? buffer : new float[2 * indices.length];
            int[] labels = new int[indices.length];
            for (int k = 0; k < indices.length; k++) {
                if (indices[k] == failAt) {
                    throw new InputException("sample " + failAt + " of counting is corrupt");
                }
                out[2 * k] = indices[k];
                out[2 * k + 1] = indices[k] + 0.5f;
                labels[k] = indices[k] % 3;
            }
            return new Batch(out, new int[] {2}, labels, indices.clone());
        }
    }

    @Test
    void deliversEveryBatchInOrderWithCorrectContent() {
        try (BatchPrefetcher p = new BatchPrefetcher(new Counting(23, -1), 23, 5)) {
            int from = 0;
            while (p.hasNext()) {
                Batch b = p.next();
                for (int k = 0; k < b.count(); k++) {
                    assertEquals(from + k, b.data()[2 * k], 0f);
                    assertEquals(from + k + 0.5f, b.data()[2 * k + 1], 0f);
                    assertEquals((from + k) % 3, b.labels()[k]);
                }
                from += b.count();
            }
            assertEquals(23, from);
            assertFalse(p.hasNext());
        }
    }

    @Test
    void recyclesArraysOnlyTwoCallsLater() {
        try (BatchPrefetcher p = new BatchPrefetcher(new Counting(40, -1), 40, 4)) {
            Batch b0 = p.next();
            float[] copy = b0.data().clone();
            p.next();
            assertArrayEquals(copy, b0.data(), "still intact one call later");
            Batch b2 = p.next();
            Batch b3 = p.next();
            assertSame(b0.data(), b3.data(), "the array is reused for the read started two calls later");
            assertEquals(12, b3.data()[0], 0f);
            assertEquals(8, b2.data()[0], 0f);
        }
    }

    @Test
    void withSeveralConsumersAnArrayIsReusedOnlyAfterItsRelease() {
        // one consumer keeps b0 while another takes many more batches: b0 must stay intact until released
        try (BatchPrefetcher p = new BatchPrefetcher(new Counting(80, -1), 80, 4, 2)) {
            Batch b0 = p.next();
            float[] copy = b0.data().clone();
            java.util.Set<float[]> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (int i = 1; i <= 8; i++) {
                Batch b = p.next();
                assertEquals(4 * i, b.data()[0], 0f);
                seen.add(b.data());
                p.release(b);
            }
            assertArrayEquals(copy, b0.data(), "b0 intact while held");
            assertFalse(seen.contains(b0.data()), "b0's array was never handed to another batch");
            p.release(b0);
            boolean reused = false;
            for (int i = 9; i < 20 && !reused; i++) {
                Batch b = p.next();
                assertEquals(4 * i, b.data()[0], 0f);
                reused = b.data() == b0.data();
                p.release(b);
            }
            assertTrue(reused, "a released array comes back");
        }
    }

    @Test
    void readErrorsReachTheCallerUnchanged() {
        try (BatchPrefetcher p = new BatchPrefetcher(new Counting(10, 7), 10, 4)) {
            p.next();
            InputException e = assertThrows(InputException.class, p::next);
            assertEquals("sample 7 of counting is corrupt", e.getMessage());
        }
    }
}
