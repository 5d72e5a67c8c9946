package org.quantscope.core.analysis;

import org.quantscope.core.data.Batch;
import org.quantscope.core.data.Dataset;

import java.util.List;

/** Samples held in memory, for tests that need labels computed at run time. */
final class MemoryDataset implements Dataset {

    private final float[] data;
    private final int[] shape;
    private final int[] labels;
    private final int classes;

    MemoryDataset(float[] data, int[] sampleShape, int[] labels, int classes) {
        this.data = data;
        this.shape = sampleShape.clone();
        this.labels = labels.clone();
        this.classes = classes;
    }

    @Override
    public String description() {
        return "memory (" + labels.length + " samples)";
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int[] sampleShape() {
        return shape.clone();
    }

    @Override
    public List<String> classNames() {
        return java.util.stream.IntStream.range(0, classes).mapToObj(String::valueOf).toList();
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public Batch read(int[] indices) {
        int per = sampleLength();
        float[] out = new float[indices.length * per];
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(data, indices[i] * per, out, i * per, per);
            l[i] = labels[indices[i]];
        }
        return new Batch(out, shape, l, indices.clone());
    }
}
