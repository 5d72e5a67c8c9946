package org.quantscope.core.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.Random;

import org.quantscope.core.InputException;

/**
 * Picks the calibration subset of a data set: seeded random, stratified by class, or given indices. Random choices use
 * {@link Random}, whose algorithm the Java specification fixes, so the same seed gives the same indices on every run
 * and every JVM. Chosen indices are returned sorted ascending (reading in file order is fastest); the subset's
 * description records the strategy and seed for provenance.
 */
public final class CalibrationSampler {

    /** How a calibration subset is chosen. */
    public enum Strategy {
        /** Uniformly at random, without replacement. */
        RANDOM,
        /** An equal share per class, each share chosen at random. */
        STRATIFIED,
        /** The first {@code count} samples in file order (for a pool that is already shuffled; the seed is unused). */
        FIRST
    }

    private CalibrationSampler() {
    }

    /**
     * Chooses {@code count} samples with the given strategy.
     *
     * @param pool     the data set to choose from
     * @param strategy random or stratified
     * @param count    how many samples
     * @param seed     the random seed
     * @return the subset (a view of {@code pool})
     */
    public static SubsetDataset sample(Dataset pool, Strategy strategy, int count, long seed) {
        return switch (strategy) {
            case RANDOM -> random(pool, count, seed);
            case STRATIFIED -> stratified(pool, count, seed);
            case FIRST -> first(pool, count);
        };
    }

    /**
     * The first {@code count} samples of the pool, as a reference implementation that reads "the first N images of
     * the calibration file" does.
     *
     * @param pool  the data set to choose from
     * @param count how many samples
     * @return the subset, indices 0..count-1
     * @throws InputException when {@code count} is not positive or exceeds the pool
     */
    public static SubsetDataset first(Dataset pool, int count) {
        checkCount(pool, count);
        int[] idx = new int[count];
        for (int i = 0; i < count; i++) {
            idx[i] = i;
        }
        return new SubsetDataset(pool, idx, "first " + count + " of " + pool.sourceName());
    }

    /**
     * Chooses {@code count} samples uniformly at random without replacement (partial Fisher-Yates shuffle).
     *
     * @param pool  the data set to choose from
     * @param count how many samples
     * @param seed  the random seed
     * @return the subset, indices ascending
     * @throws InputException when {@code count} is not positive or exceeds the pool
     */
    public static SubsetDataset random(Dataset pool, int count, long seed) {
        checkCount(pool, count);
        int[] all = new int[pool.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        int[] chosen = pickFrom(all, count, new Random(seed));
        Arrays.sort(chosen);
        return new SubsetDataset(pool, chosen, "random " + count + " of " + pool.sourceName() + " (seed " + seed
                + ")");
    }

    /**
     * Chooses {@code count} samples with an equal share per class present in the pool. When the count does not
     * divide evenly, the classes with the lowest indices get one sample more; a class with fewer samples than its
     * share gives all it has and the rest is shared evenly among the other classes (see {@link #quotas}).
     *
     * @param pool  the data set to choose from; its labels are read, its samples are not
     * @param count how many samples
     * @param seed  the random seed
     * @return the subset, indices ascending
     * @throws InputException when {@code count} is not positive or exceeds the pool
     */
    public static SubsetDataset stratified(Dataset pool, int count, long seed) {
        checkCount(pool, count);
        int classes = pool.classNames().size();
        for (int i = 0; i < pool.size(); i++) {
            classes = Math.max(classes, pool.label(i) + 1);
        }
        List<List<Integer>> members = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            members.add(new ArrayList<>());
        }
        for (int i = 0; i < pool.size(); i++) {
            members.get(pool.label(i)).add(i);
        }
        int[] quota = quotas(members.stream().mapToInt(List::size).toArray(), count);
        Random random = new Random(seed);
        int[] chosen = new int[count];
        int at = 0;
        for (int c = 0; c < classes; c++) {
            int[] ofClass = members.get(c).stream().mapToInt(Integer::intValue).toArray();
            int[] picked = pickFrom(ofClass, quota[c], random);
            System.arraycopy(picked, 0, chosen, at, picked.length);
            at += picked.length;
        }
        Arrays.sort(chosen);
        return new SubsetDataset(pool, chosen, "stratified " + count + " of " + pool.sourceName() + " (seed " + seed
                + ")");
    }

    /**
     * Shares {@code count} among classes as evenly as their sizes allow (max-min fair): each sample goes to the class
     * with the smallest quota so far that still has samples left, ties to the lowest class index.
     */
    static int[] quotas(int[] available, int count) {
        int[] quota = new int[available.length];
        PriorityQueue<Integer> open = new PriorityQueue<>(
                Comparator.<Integer>comparingInt(c -> quota[c]).thenComparingInt(c -> c));
        for (int c = 0; c < available.length; c++) {
            if (available[c] > 0) {
                open.add(c);
            }
        }
        for (int k = 0; k < count; k++) {
            int c = open.poll();
            quota[c]++;
            if (quota[c] < available[c]) {
                open.add(c);
            }
        }
        return quota;
    }

    private static int[] pickFrom(int[] candidates, int count, Random random) {
        int[] a = candidates.clone();
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(a.length - i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return Arrays.copyOf(a, count);
    }

    private static void checkCount(Dataset pool, int count) {
        if (count <= 0) {
            throw new InputException("calibration size must be positive, got " + count);
        }
        if (count > pool.size()) {
            throw new InputException("calibration size " + count + " is larger than the " + pool.size()
                    + " samples of " + pool.sourceName() + "; choose a calibration size of at most " + pool.size()
                    + " (@{calibSize}), or a larger calibration pool");
        }
    }

    /**
     * Uses the given indices, in the given order.
     *
     * @param pool       the data set
     * @param indices    indices into {@code pool}
     * @param sourceName where the indices came from, for messages (e.g. {@code "calib.txt"})
     * @return the subset
     * @throws InputException when an index is outside the pool or repeated, or none is given
     */
    public static SubsetDataset given(Dataset pool, int[] indices, String sourceName) {
        if (indices.length == 0) {
            throw new InputException(sourceName + " lists no sample indices");
        }
        BitSet seen = new BitSet(pool.size());
        for (int i : indices) {
            if (i < 0 || i >= pool.size()) {
                throw new InputException(sourceName + " lists index " + i + ", outside the " + pool.size()
                        + " samples of " + pool.sourceName() + " (valid: 0.." + (pool.size() - 1) + ")");
            }
            if (seen.get(i)) {
                throw new InputException(sourceName + " lists index " + i + " more than once");
            }
            seen.set(i);
        }
        return new SubsetDataset(pool, indices, indices.length + " listed samples of " + pool.sourceName()
                + " (" + sourceName + ")");
    }

    /**
     * Uses the indices stored in a file: a {@code .npy} integer array, or text with integers separated by
     * whitespace or commas ({@code #} starts a comment).
     *
     * @param pool        the data set
     * @param indicesFile the file
     * @return the subset
     * @throws InputException when the file is missing or malformed, or an index is outside the pool
     */
    public static SubsetDataset fromFile(Dataset pool, Path indicesFile) {
        return given(pool, readIndices(indicesFile), String.valueOf(indicesFile.getFileName()));
    }

    /**
     * Reads sample indices from a {@code .npy} integer array or a text file.
     *
     * @param file the file
     * @return the indices, in file order
     * @throws InputException when the file is missing or holds something other than integers
     */
    public static int[] readIndices(Path file) {
        String name = String.valueOf(file.getFileName());
        if (!Files.isRegularFile(file)) {
            throw new InputException("Indices file " + file + " does not exist");
        }
        if (name.toLowerCase(Locale.ROOT).endsWith(".npy")) {
            NumericArray a = NpyReader.read(file);
            if (a.elementType().isFloatingPoint() || a.elementType() == ElementType.BOOL || a.shape().length != 1) {
                throw new InputException(name + " must be a 1-D integer array of sample indices, but it is "
                        + NumericArray.describe(a.shape()) + " " + a.elementType());
            }
            int[] out = new int[(int) a.elementCount()];
            for (int i = 0; i < out.length; i++) {
                long v = a.getLong(i);
                if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                    throw new InputException(name + " lists index " + v + ", which is not a valid sample index");
                }
                out[i] = (int) v;
            }
            return out;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InputException("Cannot read indices file " + file + ": " + e.getMessage(), e);
        }
        List<Integer> out = new ArrayList<>();
        for (int ln = 0; ln < lines.size(); ln++) {
            String line = lines.get(ln);
            int hash = line.indexOf('#');
            for (String tok : (hash >= 0 ? line.substring(0, hash) : line).split("[\\s,;]+")) {
                if (tok.isEmpty()) {
                    continue;
                }
                try {
                    out.add(Integer.parseInt(tok));
                } catch (NumberFormatException e) {
                    throw new InputException(name + " line " + (ln + 1) + ": '" + tok + "' is not a sample index");
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
