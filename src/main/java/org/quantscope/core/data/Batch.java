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
}
