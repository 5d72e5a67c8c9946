package org.quantscope.core.util;

/**
 * How many samples an estimate measures (the per-layer error table of the fixes, the FP32-change check of a fix): these
 * compare whole networks, often with every layer's output captured, and at ImageNet size each sample costs a full
 * forward pass or two with dozens of captured outputs. They are estimates, not the accuracy: a mean square error over
 * {@code 32 x 56 x 56 x 256} elements of one layer is as good as over ten times that. So the number of samples falls
 * with the input size, to {@value #INPUT_MIB} MiB of input but never below {@value #MIN}: all of a 28x28 test set of
 * 1,000, 32 images at 224x224x3. The rule depends only on the input shape, so every machine measures the same samples;
 * the results say how many were used.
 */
public final class EstimateSamples {

    /** Input volume an estimate reads at most, in MiB. */
    public static final long INPUT_MIB = 16;
    /** Samples an estimate uses at least (when the data has them). */
    public static final int MIN = 32;

    private EstimateSamples() {
    }

    /**
     * Samples to measure.
     *
     * @param requested    what the caller asked for
     * @param sampleLength floats per input sample
     * @return at most {@code requested}
     */
    public static int of(int requested, long sampleLength) {
        return of(requested, sampleLength, INPUT_MIB);
    }

    /**
     * Samples to measure within another input volume.
     *
     * @param requested    what the caller asked for
     * @param sampleLength floats per input sample
     * @param inputMib     input volume to read at most, in MiB
     * @return at most {@code requested}, at least {@link #MIN} where requested
     */
    public static int of(int requested, long sampleLength, long inputMib) {
        long bytes = Math.max(1L, 4L * sampleLength);
        long byVolume = Math.max(MIN, (inputMib << 20) / bytes);
        return (int) Math.max(0, Math.min(requested, byVolume));
    }
}
