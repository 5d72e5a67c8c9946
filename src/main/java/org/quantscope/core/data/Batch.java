package org.quantscope.core.data;

/**
 * A batch of preprocessed samples.
 *
 * @param data        {@code count * sampleLength} floats, sample-major (NCHW for images)
 * @param sampleShape shape of one sample (C, H, W) or (features)
 * @param labels      one label per sample
 * @param indices     the dataset indices the samples came from
 */
public record Batch(float[] data, int[] sampleShape, int[] labels, int[] indices) {

    /** Number of samples in the batch. */
    public int count() {
        return labels.length;
    }

    /** The batch shape {@code [count, sampleShape...]} as ONNX Runtime wants it. */
    public long[] shape() {
        long[] s = new long[sampleShape.length + 1];
        s[0] = count();
        for (int i = 0; i < sampleShape.length; i++) {
            s[i + 1] = sampleShape[i];
        }
        return s;
    }

    /**
     * Where the samples of a batch stand among the indices asked for, when a data set that skips unreadable files
     * returned fewer rows than asked ({@link Dataset#read(int[])}): {@code got} is {@code asked} with some entries
     * left out, in the same order.
     *
     * @param asked the indices asked for
     * @param got   the indices of the rows returned
     * @return for each row, its position in {@code asked}
     * @throws IllegalStateException when {@code got} is not {@code asked} with entries left out
     */
    public static int[] positionsIn(int[] asked, int[] got) {
        int[] pos = new int[got.length];
        int k = 0;
        for (int j = 0; j < got.length; j++) {
            while (k < asked.length && asked[k] != got[j]) {
                k++;
            }
            if (k == asked.length) {
                throw new IllegalStateException("a batch returned sample " + got[j] + " that was not asked for");
            }
            pos[j] = k++;
        }
        return pos;
    }
}
