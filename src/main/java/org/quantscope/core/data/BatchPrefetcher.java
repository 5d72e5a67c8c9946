package org.quantscope.core.data;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads consecutive batches of a dataset ahead on a background daemon thread, so decoding and preprocessing the next
 * batches overlaps with running the model on the current one. All reads happen on the one prefetch thread, in order,
 * which keeps the {@link Dataset} single-threaded (an image folder decodes the images of each batch on its own thread
 * pool). At most {@code depth} batches are read ahead (1 unless asked), so memory is bounded by
 * {@code depth + 2} batches whatever the data set's size. Batch arrays are recycled. With one consumer the array of a
 * batch returned by {@link #next()} is overwritten by the read started two calls of {@code next()} later
 * (whatever the depth), so use (or copy) a batch before asking for the one after next. With several consumers an
 * array is reused
 * only after {@link #release}. A batch's {@link Batch#indices()} are the positions this prefetcher asked for, whatever
 * the dataset reports; when the data set skipped unreadable files, the positions of the rows it returned.
 * Close it to stop the thread.
 */
public final class BatchPrefetcher implements AutoCloseable {

    private final Dataset data;
    private final int end;
    private final int batchSize;
    private final ExecutorService reader;
    /** Arrays reused by position (one consumer), or null when arrays come back through {@link #release}. */
    private final float[][] recycled;
    private final java.util.Queue<float[]> released = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final int depth;
    /** When set, a batch with skipped rows is refused with this analysis named; see {@link #everySample}. */
    private String everySampleFor;
    private final java.util.ArrayDeque<Future<Batch>> pending = new java.util.ArrayDeque<>();
    private final java.util.ArrayDeque<Integer> askedSizes = new java.util.ArrayDeque<>();
    private int readCount;
    private int next;

    /**
     * @param data      the dataset
     * @param count     read samples {@code [0, count)}
     * @param batchSize samples per batch
     */
    public BatchPrefetcher(Dataset data, int count, int batchSize) {
        this(data, count, batchSize, 1);
    }

    /**
     * A prefetcher whose batches may be held by several callers at once. With {@code consumers} 1 it recycles arrays
     * as {@link #BatchPrefetcher(Dataset, int, int)} does. With more, no caller's pace can be assumed (one may still
     * hold a batch while another has taken many more), so an array is reused only once its holder hands it back with
     * {@link #release}; batches never handed back are simply not reused.
     *
     * @param data      the dataset
     * @param count     read samples {@code [0, count)}
     * @param batchSize samples per batch
     * @param consumers how many callers take batches at once, at least 1
     */
    public BatchPrefetcher(Dataset data, int count, int batchSize, int consumers) {
        this(data, count, batchSize, consumers, 1);
    }

    /**
     * A prefetcher that reads up to {@code depth} batches ahead of the consumers.
     *
     * @param data      the dataset
     * @param count     read samples {@code [0, count)}
     * @param batchSize samples per batch
     * @param consumers how many callers take batches at once, at least 1
     * @param depth     batches read ahead, at least 1
     */
    public BatchPrefetcher(Dataset data, int count, int batchSize, int consumers, int depth) {
        if (consumers < 1) {
            throw new IllegalArgumentException("consumers must be at least 1, got " + consumers);
        }
        if (depth < 1) {
            throw new IllegalArgumentException("prefetch depth must be at least 1, got " + depth);
        }
        this.depth = depth;
        this.recycled = consumers == 1 ? new float[depth + 2][] : null;
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        this.data = data;
        this.end = Math.min(count, data.size());
        this.batchSize = batchSize;
        this.reader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "quantscope-prefetch");
            t.setDaemon(true);
            return t;
        });
        fill();
    }

    /**
     * A prefetcher for an analysis that keeps one row per sample position and so needs every sample it asks for
     * (activation caches indexed by position): a batch from which a data set left out an unreadable file
     * ({@link Dataset#skippedFiles()}) is refused with an {@link org.quantscope.core.InputException} naming the file,
     * instead of silently shifting the rows.
     *
     * @param data      the dataset
     * @param count     read samples {@code [0, count)}
     * @param batchSize samples per batch
     * @param analysis  what needs every sample, for the message, e.g. "the sensitivity cache"
     * @return the prefetcher
     */
    public static BatchPrefetcher everySample(Dataset data, int count, int batchSize, String analysis) {
        BatchPrefetcher p = new BatchPrefetcher(data, count, batchSize, 1, 1);
        p.everySampleFor = analysis;
        return p;
    }

    private void fill() {
        while (pending.size() < depth && next < end) {
            schedule();
        }
    }

    private void schedule() {
        int from = next;
        int to = Math.min(end, from + batchSize);
        next = to;
        int slot = recycled == null ? -1 : readCount++ % recycled.length;
        float[] buffer = slot >= 0 ? recycled[slot] : released.poll();
        askedSizes.add(to - from);
        pending.add(reader.submit(() -> {
            int[] idx = new int[to - from];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = from + i;
            }
            Batch b = data.read(idx, buffer);
            if (slot >= 0) {
                recycled[slot] = b.data();
            }
            if (b.indices() != null && java.util.Arrays.equals(b.indices(), idx)) {
                return b;
            }
            if (b.count() == idx.length) {
                return new Batch(b.data(), b.sampleShape(), b.labels(), idx);
            }
            // Rows of unreadable files were left out: the positions of the rows kept.
            int[] pos = Batch.positionsIn(idx, b.indices());
            for (int j = 0; j < pos.length; j++) {
                pos[j] += from;
            }
            return new Batch(b.data(), b.sampleShape(), b.labels(), pos);
        }));
    }

    /**
     * Hands a batch's array back for reuse, for a prefetcher with several consumers (a no-op with one, which
     * recycles by position). The caller must not touch the batch afterwards. May be called from any thread.
     *
     * @param b a batch this prefetcher returned
     */
    public void release(Batch b) {
        if (recycled == null) {
            released.offer(b.data());
        }
    }

    /** Whether another batch remains. */
    public boolean hasNext() {
        return !pending.isEmpty();
    }

    /**
     * The next batch (waiting for it if it is still being read) and starts reading the one after.
     *
     * @return the batch
     * @throws RuntimeException whatever the dataset threw while reading, unchanged (e.g. an InputException for a
     *                          corrupt image)
     */
    public Batch next() {
        if (pending.isEmpty()) {
            throw new NoSuchElementException("no more batches");
        }
        Batch b;
        try {
            b = pending.poll().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading data", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        }
        int asked = askedSizes.poll();
        fill();
        if (everySampleFor != null && b.count() < asked) {
            List<SkippedFile> skipped = data.skippedFiles();
            throw new org.quantscope.core.InputException(everySampleFor + " needs every sample it asks for, but "
                    + (asked - b.count()) + " of a batch of " + asked + " could not be read"
                    + (skipped.isEmpty() ? "" : " (" + skipped.get(skipped.size() - 1).describe() + ")")
                    + "; remove or replace the unreadable files (" + skipped.size() + " so far), or use fewer samples");
        }
        return b;
    }

    @Override
    public void close() {
        for (Future<Batch> f : pending) {
            f.cancel(false);
        }
        pending.clear();
        askedSizes.clear();
        reader.shutdownNow();
    }
}
