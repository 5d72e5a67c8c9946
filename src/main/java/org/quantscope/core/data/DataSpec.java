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
 */
public record DataSpec(Path data, Path labels, Path description, Path classNames,
                       PreprocessingOptions preprocessing, int limit) {

    /** Checks the required parts. */
    public DataSpec {
        Objects.requireNonNull(data, "data");
        preprocessing = preprocessing == null ? PreprocessingOptions.NONE : preprocessing;
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be 0 (all) or positive, got " + limit);
        }
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
        return new DataSpec(data, labelsFile, description, classNames, preprocessing, limit);
    }

    /** A copy with an explicit description file. */
    public DataSpec withDescription(Path descriptionFile) {
        return new DataSpec(data, labels, descriptionFile, classNames, preprocessing, limit);
    }

    /** A copy with a class-names file. */
    public DataSpec withClassNames(Path classNamesFile) {
        return new DataSpec(data, labels, description, classNamesFile, preprocessing, limit);
    }

    /** A copy with explicit preprocessing values. */
    public DataSpec withPreprocessing(PreprocessingOptions options) {
        return new DataSpec(data, labels, description, classNames, options, limit);
    }

    /** A copy using only the first {@code n} samples (0 for all). */
    public DataSpec withLimit(int n) {
        return new DataSpec(data, labels, description, classNames, preprocessing, n);
    }
}
