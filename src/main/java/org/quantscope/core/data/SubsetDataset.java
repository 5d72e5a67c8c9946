package org.quantscope.core.data;

import java.util.List;
import java.util.Objects;

/**
 * A view of some samples of another data set, in a given order: sample {@code i} of the view is sample
 * {@code indices[i]} of the base. Used for calibration subsets and sample limits. Batches read from the view carry
 * the view's own indices. Closing a view closes the base only when the view was made to own it (as
 * {@link DatasetLoader} does for a limit); otherwise the base stays open.
 */
public final class SubsetDataset implements Dataset {

    private final Dataset base;
    private final int[] indices;
    private final String description;
    private final boolean ownsBase;

    /**
     * @param base        the data set viewed
     * @param indices     indices into {@code base}, each in {@code [0, base.size())}
     * @param description a description for provenance, e.g. {@code "random 500 of data.npy (seed 42)"}
     * @throws IndexOutOfBoundsException when an index is outside the base
     */
    public SubsetDataset(Dataset base, int[] indices, String description) {
        this(base, indices, description, false);
    }

    SubsetDataset(Dataset base, int[] indices, String description, boolean ownsBase) {
        this.base = Objects.requireNonNull(base);
        this.indices = indices.clone();
        for (int i : this.indices) {
            Objects.checkIndex(i, base.size());
        }
        this.description = description;
        this.ownsBase = ownsBase;
    }

    /**
     * The first {@code n} samples of {@code base} (all of them when it has fewer).
     *
     * @param base the data set
     * @param n    how many samples to keep
     * @return the view; it does not close {@code base}
     */
    public static SubsetDataset first(Dataset base, int n) {
        return first(base, n, false);
    }

    static SubsetDataset first(Dataset base, int n, boolean ownsBase) {
        int count = Math.min(Math.max(n, 0), base.size());
        int[] idx = new int[count];
        for (int i = 0; i < count; i++) {
            idx[i] = i;
        }
        return new SubsetDataset(base, idx, "first " + count + " of " + base.description(), ownsBase);
    }

    /** The data set viewed. */
    public Dataset base() {
        return base;
    }

    /** The indices into {@link #base()}, in view order. */
    public int[] indices() {
        return indices.clone();
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public String sourceName() {
        return base.sourceName();
    }

    @Override
    public int size() {
        return indices.length;
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
    public int label(int index) {
        return base.label(indices[index]);
    }

    @Override
    public Batch read(int[] viewIndices) {
        int[] mapped = new int[viewIndices.length];
        for (int k = 0; k < mapped.length; k++) {
            mapped[k] = indices[Objects.checkIndex(viewIndices[k], indices.length)];
        }
        Batch b = base.read(mapped);
        return new Batch(b.data(), b.sampleShape(), b.labels(), viewIndicesOf(b, mapped, viewIndices));
    }

    /** The view indices of a base batch's rows: all of them, or those of the rows kept when files were skipped. */
    static int[] viewIndicesOf(Batch b, int[] mapped, int[] viewIndices) {
        if (b.count() == viewIndices.length) {
            return viewIndices.clone();
        }
        int[] pos = Batch.positionsIn(mapped, b.indices());
        int[] out = new int[pos.length];
        for (int j = 0; j < pos.length; j++) {
            out[j] = viewIndices[pos[j]];
        }
        return out;
    }

    @Override
    public List<org.quantscope.core.data.SkippedFile> skippedFiles() {
        return base.skippedFiles();
    }

    @Override
    public void close() {
        if (ownsBase) {
            base.close();
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
