package org.quantscope.core.data;

import org.junit.jupiter.api.Test;
import org.quantscope.core.InputException;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
    void batchesHeldByConcurrentConsumersStayIntact() {
        // three consumers each hold a batch while the next ones are handed out and read
        try (BatchPrefetcher p = new BatchPrefetcher(new Counting(80, -1), 80, 4, 3)) {
            Batch b0 = p.next();
            Batch b1 = p.next();
            Batch b2 = p.next();
            float[][] copies = {b0.data().clone(), b1.data().clone(), b2.data().clone()};
            Batch b3 = p.next();
            assertArrayEquals(copies[0], b0.data(), "b0 intact after the read of b4 started");
            assertArrayEquals(copies[1], b1.data());
            assertArrayEquals(copies[2], b2.data());
            Batch b4 = p.next();
            assertArrayEquals(copies[1], b1.data(), "b1 intact after the read of b5 started");
            Batch b5 = p.next();
            assertEquals(16, b4.data()[0], 0f);
            assertSame(b0.data(), b5.data(), "five slots: b0's array comes back for b5");
            assertEquals(12, b3.data()[0], 0f);
            assertEquals(20, b5.data()[0], 0f);
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
