package org.quantscope.core.reliability;

import org.quantscope.core.data.Batch;
import org.quantscope.core.data.Dataset;

import java.util.List;

/**
 * A data set shared by trials running at once: reads are serialized, since {@link Dataset} implementations are safe
 * for one thread at a time only. Reads are short (a batch copy), so trials hardly wait. Closing does nothing; the
 * caller owns the underlying data set.
 */
final class LockedDataset implements Dataset {

    private final Dataset base;

    LockedDataset(Dataset base) {
        this.base = base instanceof LockedDataset l ? l.base : base;
    }

    @Override
    public String description() {
        return base.description();
    }

    @Override
    public String sourceName() {
        return base.sourceName();
    }

    @Override
    public int size() {
        return base.size();
    }

    @Override
    public int[] sampleShape() {
        return base.sampleShape();
    }

    @Override
    public List<String> classNames() {
        return base.classNames();
    }

    @Override
    public List<org.quantscope.core.data.SkippedFile> skippedFiles() {
        return base.skippedFiles();
    }

    @Override
    public synchronized int label(int index) {
        return base.label(index);
    }

    @Override
    public synchronized Batch read(int[] indices) {
        return base.read(indices);
    }

    @Override
    public synchronized Batch read(int[] indices, float[] buffer) {
        return base.read(indices, buffer);
    }

    @Override
    public synchronized Batch read(int from, int to) {
        return base.read(from, to);
    }
}
