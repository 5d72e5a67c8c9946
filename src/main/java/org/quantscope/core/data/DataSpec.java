package org.quantscope.core.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything the user said about a data set: where the samples are, and optionally the labels, a
 * {@code dataset.json} description, a class-names file, explicit preprocessing and a sample limit. Paths to
 * {@code .npz} archives may name one array as {@code archive.npz:key}.
 *
 * @param data          the data file ({@code .npy}, {@code .npz}, IDX) or image folder
 * @param labels        the labels file, or {@code null} (taken from the archive, a sibling IDX file, or the folders)
 * @param description   a {@code dataset.json}, or {@code null} to look for one next to the data
 * @param classNames    a text file with one class name per line, or {@code null}
 * @param preprocessing explicit preprocessing values, overriding the description file
 * @param limit         use only the first {@code limit} samples; 0 for all
 * @param skipBadFiles  image folders: leave out files that cannot be read as images (listed in
 *                      {@link Dataset#skippedFiles()}) instead of stopping at the first
 * @param decodeThreads image folders: threads decoding the images of a batch at once; 0 for one per core
 */
public record DataSpec(Path data, Path labels, Path description, Path classNames,
                       PreprocessingOptions preprocessing, int limit, boolean skipBadFiles, int decodeThreads) {

    /** Checks the required parts. */
    public DataSpec {
        Objects.requireNonNull(data, "data");
        preprocessing = preprocessing == null ? PreprocessingOptions.NONE : preprocessing;
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be 0 (all) or positive, got " + limit);
        }
        if (decodeThreads < 0) {
            throw new IllegalArgumentException("decode threads must be 0 (one per core) or positive, got "
                    + decodeThreads);
        }
    }

    /** A spec that stops at an unreadable image and decodes on one thread per core. */
    public DataSpec(Path data, Path labels, Path description, Path classNames, PreprocessingOptions preprocessing,
                    int limit) {
        this(data, labels, description, classNames, preprocessing, limit, false, 0);
    }

    /**
     * A spec with only the data path.
     *
     * @param data the data file or folder
     * @return the spec
     */
    public static DataSpec of(Path data) {
        return new DataSpec(data, null, null, null, PreprocessingOptions.NONE, 0);
    }

    /** A copy with the labels file. */
    public DataSpec withLabels(Path labelsFile) {
        return new DataSpec(data, labelsFile, description, classNames, preprocessing, limit, skipBadFiles,
                decodeThreads);
    }

    /** A copy with an explicit description file. */
    public DataSpec withDescription(Path descriptionFile) {
        return new DataSpec(data, labels, descriptionFile, classNames, preprocessing, limit, skipBadFiles,
                decodeThreads);
    }

    /** A copy with a class-names file. */
    public DataSpec withClassNames(Path classNamesFile) {
        return new DataSpec(data, labels, description, classNamesFile, preprocessing, limit, skipBadFiles,
                decodeThreads);
    }

    /** A copy with explicit preprocessing values. */
    public DataSpec withPreprocessing(PreprocessingOptions options) {
        return new DataSpec(data, labels, description, classNames, options, limit, skipBadFiles, decodeThreads);
    }

    /** A copy using only the first {@code n} samples (0 for all). */
    public DataSpec withLimit(int n) {
        return new DataSpec(data, labels, description, classNames, preprocessing, n, skipBadFiles, decodeThreads);
    }

    /** A copy that skips unreadable images ({@code true}) or stops at the first ({@code false}). */
    public DataSpec withSkipBadFiles(boolean skip) {
        return new DataSpec(data, labels, description, classNames, preprocessing, limit, skip, decodeThreads);
    }

    /** A copy decoding images on {@code threads} threads (0 for one per core). */
    public DataSpec withDecodeThreads(int threads) {
        return new DataSpec(data, labels, description, classNames, preprocessing, limit, skipBadFiles, threads);
    }
}
