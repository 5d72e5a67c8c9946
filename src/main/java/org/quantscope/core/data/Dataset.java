package org.quantscope.core.data;

import java.util.List;

/**
 * A labelled, random-access set of samples already preprocessed into the model's input layout (float32, NCHW or,
 * for flat inputs, N x features). Implementations may stream from disk: only the samples asked for are read, so a
 * folder of 50,000 images is never held in memory at once. Implementations are safe for use from one thread at a time.
 */
public interface Dataset extends AutoCloseable {

    /** A short description for provenance and messages, e.g. {@code "IDX t10k-images-idx3-ubyte.gz"}. */
    String description();

    /**
     * The name of the file or folder the samples come from, for messages such as "calibration size 6000 is larger
     * than the 5000 samples of calib.idx.gz"; defaults to {@link #description()}.
     */
    default String sourceName() {
        return description();
    }

    /** Number of samples. */
    int size();

    /** Shape of one sample after preprocessing, e.g. {@code {1, 28, 28}} (C, H, W). */
    int[] sampleShape();

    /** Number of floats in one sample (product of {@link #sampleShape()}). */
    default int sampleLength() {
        int n = 1;
        for (int d : sampleShape()) {
            n *= d;
        }
        return n;
    }

    /** Class names, indexed by label; {@code "0".."K-1"} when the data carries no names. */
    List<String> classNames();

    /** The label of sample {@code index}, in {@code [0, classNames().size())}. */
    int label(int index);

    /**
     * Reads the given samples, in the given order. A data set that skips unreadable files
     * ({@link #skippedFiles()}) leaves their rows out: the batch then holds fewer samples than asked for, and its
     * {@link Batch#indices()} are the indices of the samples it holds, in the order asked.
     *
     * @param indices sample indices, each in {@code [0, size())}
     * @return the samples and their labels
     */
    Batch read(int[] indices);

    /**
     * Reads like {@link #read(int[])}, but writes the samples into {@code buffer} instead of a new array when its length
     * is exactly {@code indices.length * sampleLength()}. Streaming loops pass their previous batch's array back in,
     * so memory is reused instead of allocated (and touched for the first time) for every batch. The default ignores
     * the buffer.
     *
     * @param indices sample indices
     * @param buffer  an array to reuse, or {@code null}
     * @return the batch, whose data may be {@code buffer}
     */
    default Batch read(int[] indices, float[] buffer) {
        return read(indices);
    }

    /** Reads the contiguous range {@code [from, to)}. */
    default Batch read(int from, int to) {
        int[] idx = new int[to - from];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = from + i;
        }
        return read(idx);
    }

    /**
     * The files skipped so far because they could not be read ({@link DataSpec#skipBadFiles()}), in index order; a
     * batch read returns no row for them, and its {@link Batch#indices()} say which samples it holds. Empty unless
     * skipping was asked for. The default has none.
     */
    default java.util.List<SkippedFile> skippedFiles() {
        return List.of();
    }

    /** Releases open files; the default does nothing. */
    @Override
    default void close() {
    }
}
