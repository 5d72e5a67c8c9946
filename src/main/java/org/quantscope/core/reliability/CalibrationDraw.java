package org.quantscope.core.reliability;

import org.quantscope.core.InputException;
import org.quantscope.core.data.Batch;
import org.quantscope.core.data.CalibrationSampler;
import org.quantscope.core.data.Dataset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * The calibration set of one trial: {@code calibSize} samples of the pool drawn with the trial's seed (or skewed to
 * one class), some of them replaced by noise images. A view: samples are read from the pool when asked for, noise
 * images generated on the fly, so memory does not grow with the calibration size.
 *
 * <p>Draws with the same seed share their random numbers across conditions: a random draw of 32 samples is the first
 * 32 picks of the draw of 256 (partial Fisher-Yates shuffle, {@link CalibrationSampler#random}), and a noisy set keeps
 * the samples of the clean one that were not replaced. Differences between conditions are then due to the condition,
 * not to an unrelated draw.
 */
public final class CalibrationDraw implements Dataset {

    private static final long NOISE_STREAM = 0x9E3779B97F4A7C15L;

    private final Dataset pool;
    private final int[] indices;
    private final boolean[] noise;
    private final long seed;
    private final NoiseModel noiseModel;
    private final String description;

    private CalibrationDraw(Dataset pool, int[] indices, boolean[] noise, long seed, NoiseModel noiseModel,
                            String description) {
        this.pool = pool;
        this.indices = indices;
        this.noise = noise;
        this.seed = seed;
        this.noiseModel = noiseModel;
        this.description = description;
    }

    /**
     * Draws the calibration set of a trial.
     *
     * @param pool       the calibration pool
     * @param condition  size, noise and imbalance
     * @param sampling   how the baseline draw picks samples (random, stratified, first)
     * @param seed       the trial's seed
     * @param noiseModel the noise images' statistics (needed when the condition adds noise)
     * @return the calibration set
     * @throws InputException when the pool cannot give what the condition asks
     */
    public static CalibrationDraw of(Dataset pool, Condition condition, CalibrationSampler.Strategy sampling,
                                     long seed, NoiseModel noiseModel) {
        int n = condition.calibSize();
        int[] idx = condition.imbalanced() ? skewed(pool, condition, seed)
                : CalibrationSampler.sample(pool, sampling, n, seed).indices();
        boolean[] noise = new boolean[n];
        int m = (int) Math.round(condition.noiseShare() * n);
        if (m > 0) {
            Objects.requireNonNull(noiseModel, "noise model");
            int[] pos = new int[n];
            for (int i = 0; i < n; i++) {
                pos[i] = i;
            }
            Random r = new Random(seed ^ NOISE_STREAM);
            for (int i = 0; i < m; i++) {
                int j = i + r.nextInt(n - i);
                int t = pos[i];
                pos[i] = pos[j];
                pos[j] = t;
                noise[pos[i]] = true;
            }
        }
        String what = condition.imbalanced() ? String.format(java.util.Locale.ROOT, "%d of %s, %.0f %% from class %d",
                n, pool.sourceName(), 100 * condition.imbalanceShare(), condition.imbalanceClass())
                : sampling.name().toLowerCase(java.util.Locale.ROOT) + " " + n + " of " + pool.sourceName();
        String desc = what + (m > 0 ? ", " + m + " replaced by noise" : "") + " (seed " + seed + ")";
        return new CalibrationDraw(pool, idx, noise, seed, noiseModel, desc);
    }

    /** {@code share} of the samples from one class, the rest uniformly from the other classes. */
    private static int[] skewed(Dataset pool, Condition c, long seed) {
        int n = c.calibSize();
        List<Integer> mine = new ArrayList<>();
        List<Integer> others = new ArrayList<>();
        for (int i = 0; i < pool.size(); i++) {
            (pool.label(i) == c.imbalanceClass() ? mine : others).add(i);
        }
        if (others.isEmpty() && c.imbalanceShare() < 1 || mine.isEmpty()) {
            throw new InputException("the class-imbalance perturbation needs the labels of the calibration pool "
                    + pool.sourceName() + " (@{calibLabels}), with samples of class " + c.imbalanceClass()
                    + " and of other classes");
        }
        int m = (int) Math.round(c.imbalanceShare() * n);
        if (m > mine.size() || n - m > others.size()) {
            throw new InputException("a calibration set of " + n + " with " + m + " samples of class "
                    + c.imbalanceClass() + " needs " + m + " of them in " + pool.sourceName() + ", which has "
                    + mine.size() + "; choose a smaller @{calibSize} or @{imbalanceShare}");
        }
        Random r = new Random(seed);
        int[] a = pick(mine, m, r);
        int[] b = pick(others, n - m, r);
        int[] all = Arrays.copyOf(a, n);
        System.arraycopy(b, 0, all, m, b.length);
        Arrays.sort(all);
        return all;
    }

    private static int[] pick(List<Integer> from, int count, Random r) {
        int[] a = from.stream().mapToInt(Integer::intValue).toArray();
        for (int i = 0; i < count; i++) {
            int j = i + r.nextInt(a.length - i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return Arrays.copyOf(a, count);
    }

    /** Indices into the pool, in draw order (noise positions included: the samples they replace). */
    public int[] poolIndices() {
        return indices.clone();
    }

    /** How many samples are noise images. */
    public int noiseCount() {
        int k = 0;
        for (boolean b : noise) {
            k += b ? 1 : 0;
        }
        return k;
    }

    /** Whether sample {@code i} is a noise image. */
    public boolean isNoise(int i) {
        return noise[i];
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public String sourceName() {
        return pool.sourceName();
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public int[] sampleShape() {
        return pool.sampleShape();
    }

    @Override
    public List<String> classNames() {
        return pool.classNames();
    }

    @Override
    public int label(int index) {
        return pool.label(indices[index]);
    }

    @Override
    public List<org.quantscope.core.data.SkippedFile> skippedFiles() {
        return pool.skippedFiles();
    }

    @Override
    public Batch read(int[] viewIndices) {
        return read(viewIndices, null);
    }

    @Override
    public Batch read(int[] viewIndices, float[] buffer) {
        int[] mapped = new int[viewIndices.length];
        for (int k = 0; k < mapped.length; k++) {
            mapped[k] = indices[Objects.checkIndex(viewIndices[k], indices.length)];
        }
        Batch b = pool.read(mapped, buffer);
        float[] data = b.data();
        int len = pool.sampleLength();
        // A pool that skips unreadable files may return fewer rows; each row keeps its own view index.
        int[] rows = viewIndices;
        if (b.count() != viewIndices.length) {
            int[] pos = Batch.positionsIn(mapped, b.indices());
            rows = new int[pos.length];
            for (int j = 0; j < pos.length; j++) {
                rows[j] = viewIndices[pos[j]];
            }
        }
        for (int k = 0; k < rows.length; k++) {
            if (noise[rows[k]]) {
                noiseModel.fill(seed * 1_000_003L + rows[k], data, k * len, len);
            }
        }
        return new Batch(data, b.sampleShape(), b.labels(), rows.clone());
    }
}
