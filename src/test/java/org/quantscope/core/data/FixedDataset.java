package org.quantscope.core.data;

import java.util.List;

/** An in-memory data set for sampler and view tests: sample {@code i} is the single value {@code i}. */
final class FixedDataset implements Dataset {

    private final int[] labels;
    private final int classes;
    int reads;
    boolean closed;

    FixedDataset(int classes, int... labels) {
        this.labels = labels.clone();
        this.classes = classes;
    }

    /** {@code size} samples, labels cycling 0..classes-1. */
    static FixedDataset cycling(int size, int classes) {
        int[] l = new int[size];
        for (int i = 0; i < size; i++) {
            l[i] = i % classes;
        }
        return new FixedDataset(classes, l);
    }

    @Override
    public String description() {
        return "fixed";
    }

    @Override
    public String sourceName() {
        return "calib.idx.gz";
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int[] sampleShape() {
        return new int[] {1};
    }

    @Override
    public List<String> classNames() {
        return ClassNames.indices(classes);
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public Batch read(int[] indices) {
        reads++;
        float[] data = new float[indices.length];
        int[] l = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            data[k] = indices[k];
            l[k] = labels[indices[k]];
        }
        return new Batch(data, new int[] {1}, l, indices.clone());
    }

    @Override
    public void close() {
        closed = true;
    }
}
