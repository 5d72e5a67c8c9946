package org.quantscope.core.data;

import java.util.List;
import java.util.Objects;

/**
 * A data set whose samples are rows of a stored array ({@code .npy}, {@code .npz} or IDX). Samples are read from the
 * (usually memory-mapped) array only when asked for. Integer data is scaled and normalized by the
 * {@link Preprocessing}; floating-point data is used as it is unless {@link Preprocessing#applyToFloat()} is set.
 * {@link #close()} holds nothing to release: a memory map is unmapped when it is garbage collected.
 */
public final class ArrayDataset implements Dataset {

    private final NumericArray data;
    private final int[] labels;
    private final SampleLayout layout;
    private final List<String> classNames;
    private final String description;
    private final SampleNormalizer normalizer;
    /** uint8 data that is normalized: each byte maps through a per-channel table in one pass. */
    private final boolean bytesThroughTable;
    /** Reused raw-byte buffer of the uint8 fast path (datasets are used from one thread at a time). */
    private byte[] scratch;
    private final int sampleLength;
    private final int size;

    /**
     * @param data          the samples, first dimension = sample index
     * @param labels        one label per sample, already checked against {@code classNames}
     * @param layout        how stored samples map to the model's input (see {@link SampleLayout#fit})
     * @param preprocessing how raw values become model input
     * @param classNames    class names indexed by label
     * @param description   a short description for provenance, e.g. {@code "NPY data.npy (labels labels.npy)"}
     * @throws org.quantscope.core.InputException when mean/std do not fit the channel count
     */
    public ArrayDataset(NumericArray data, int[] labels, SampleLayout layout, Preprocessing preprocessing,
                        List<String> classNames, String description) {
        this.data = Objects.requireNonNull(data);
        this.labels = labels.clone();
        this.layout = layout;
        this.classNames = List.copyOf(classNames);
        this.description = description;
        this.size = (int) data.shape()[0];
        int length = 1;
        for (int d : layout.sampleShape()) {
            length *= d;
        }
        this.sampleLength = length;
        if ((long) size * length != data.elementCount()) {
            throw new IllegalArgumentException("layout " + ExpectedInput.describe(layout.sampleShape())
                    + " does not fit " + data);
        }
        boolean scaled = !data.elementType().isFloatingPoint() || preprocessing.applyToFloat();
        this.normalizer = new SampleNormalizer(preprocessing, layout.sampleShape(), scaled, data.sourceName());
        this.bytesThroughTable = scaled && data.elementType() == ElementType.UINT8;
        if (labels.length != size) {
            throw new IllegalArgumentException(labels.length + " labels for " + size + " samples");
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public String sourceName() {
        return data.sourceName();
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int[] sampleShape() {
        return layout.sampleShape();
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public Batch read(int[] indices) {
        return read(indices, null);
    }

    @Override
    public Batch read(int[] indices, float[] buffer) {
        float[] out = buffer != null && buffer.length == indices.length * sampleLength ? buffer
                : new float[indices.length * sampleLength];
        if (bytesThroughTable && !layout.channelsLast()) {
            return readBytesThroughTables(indices, out);
        }
        int[] batchLabels = new int[indices.length];
        float[] hwc = layout.channelsLast() ? new float[sampleLength] : null;
        for (int k = 0; k < indices.length; k++) {
            int index = indices[k];
            Objects.checkIndex(index, size);
            long start = (long) index * sampleLength;
            int off = k * sampleLength;
            if (hwc == null) {
                data.copyAsFloat(start, sampleLength, out, off);
            } else {
                data.copyAsFloat(start, sampleLength, hwc, 0);
                toChannelsFirst(hwc, out, off);
            }
            normalizer.apply(out, off);
            batchLabels[k] = labels[index];
        }
        return new Batch(out, layout.sampleShape(), batchLabels, indices.clone());
    }

    /**
     * The fast path for normalized uint8 data: one bulk byte copy per run of consecutive samples, then every byte is
     * mapped through its channel's table (exactly the value {@link SampleNormalizer} computes). Simple array loops stay
     * fast even before the JIT has compiled them.
     */
    private Batch readBytesThroughTables(int[] indices, float[] out) {
        int[] batchLabels = new int[indices.length];
        int channels = normalizer.channels();
        int plane = normalizer.planeSize();
        float[][] tables = new float[channels][];
        for (int c = 0; c < channels; c++) {
            tables[c] = normalizer.byteTable(c);
        }
        int k = 0;
        while (k < indices.length) {
            int run = 1;
            while (k + run < indices.length && indices[k + run] == indices[k] + run) {
                run++;
            }
            Objects.checkIndex(indices[k], size);
            Objects.checkIndex(indices[k + run - 1], size);
            int length = run * sampleLength;
            if (scratch == null || scratch.length < length) {
                scratch = new byte[length];
            }
            byte[] raw = scratch;
            data.copyBytes((long) indices[k] * sampleLength, length, raw, 0);
            int base = k * sampleLength;
            for (int e = 0; e < length; e += plane) {
                float[] table = tables[(e / plane) % channels];
                for (int i = e; i < e + plane; i++) {
                    out[base + i] = table[raw[i] & 0xFF];
                }
            }
            for (int r = 0; r < run; r++) {
                batchLabels[k + r] = labels[indices[k + r]];
            }
            k += run;
        }
        return new Batch(out, layout.sampleShape(), batchLabels, indices.clone());
    }

    private void toChannelsFirst(float[] hwc, float[] out, int off) {
        int[] s = layout.sampleShape();
        int c = s[0];
        int plane = s[1] * s[2];
        for (int p = 0; p < plane; p++) {
            for (int ch = 0; ch < c; ch++) {
                out[off + ch * plane + p] = hwc[p * c + ch];
            }
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
