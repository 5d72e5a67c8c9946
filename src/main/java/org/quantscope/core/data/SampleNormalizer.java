package org.quantscope.core.data;

import org.quantscope.core.InputException;

/**
 * Applies {@code x = (raw * scale - mean[c]) / std[c]} to samples laid out channel-major (C, H, W), or to flat
 * samples as one channel. Arithmetic is in double precision, rounded to float once at the end.
 */
final class SampleNormalizer {

    private final Preprocessing preprocessing;
    private final int channels;
    private final int planeSize;
    private final boolean enabled;
    private float[][] tables;

    /**
     * @param preprocessing the values to apply
     * @param sampleShape   the sample shape, (C, H, W) or flat
     * @param enabled       false for float data used as it is
     * @param dataName      the data's name, for messages
     * @throws InputException when mean or std have neither one value nor one per channel
     */
    SampleNormalizer(Preprocessing preprocessing, int[] sampleShape, boolean enabled, String dataName) {
        this.preprocessing = preprocessing;
        this.enabled = enabled;
        int length = 1;
        for (int d : sampleShape) {
            length *= d;
        }
        this.channels = sampleShape.length == 3 ? sampleShape[0] : 1;
        this.planeSize = length / Math.max(channels, 1);
        if (enabled) {
            check("mean", preprocessing.mean().length, dataName);
            check("std", preprocessing.std().length, dataName);
        }
    }

    private void check(String what, int count, String dataName) {
        if (count != 1 && count != channels) {
            throw new InputException("The preprocessing " + what + " has " + count + " values but the samples of "
                    + dataName + " have " + channels + (channels == 1 ? " channel" : " channels")
                    + "; give one value, or one per channel");
        }
    }

    /** Whether values are changed at all. */
    boolean enabled() {
        return enabled;
    }

    /** Normalizes one sample in place, starting at {@code off}. */
    void apply(float[] data, int off) {
        if (!enabled) {
            return;
        }
        double scale = preprocessing.scale();
        for (int c = 0; c < channels; c++) {
            double mean = preprocessing.meanOf(c);
            double std = preprocessing.stdOf(c);
            float[] table = byteTable(c);
            int from = off + c * planeSize;
            for (int i = from; i < from + planeSize; i++) {
                float v = data[i];
                int b = (int) v;
                data[i] = b == v && b >= 0 && b < 256 ? table[b] : (float) ((v * scale - mean) / std);
            }
        }
    }

    /** Number of values per channel plane of a sample. */
    int planeSize() {
        return planeSize;
    }

    /** Number of channels of a sample. */
    int channels() {
        return channels;
    }

    /** The normalized value of every byte value 0..255 for channel {@code c}: exact, and a lookup instead of math. */
    float[] byteTable(int c) {
        if (tables == null) {
            tables = new float[channels][];
        }
        if (tables[c] == null) {
            float[] t = new float[256];
            for (int v = 0; v < 256; v++) {
                t[v] = (float) ((v * preprocessing.scale() - preprocessing.meanOf(c)) / preprocessing.stdOf(c));
            }
            tables[c] = t;
        }
        return tables[c];
    }
}
