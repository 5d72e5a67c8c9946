package org.quantscope.ui.main;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The data the user picked for evaluation: a data file ({@code .npy}, {@code .npz}, IDX, optionally gzipped) or an
 * image folder, and optionally a separate labels file. Preprocessing and class names come from a
 * {@code dataset.json} next to the data when there is one.
 *
 * @param data   the data file or image folder
 * @param labels the labels file, or {@code null} when the labels are found automatically (inside the archive, in the
 *               sibling IDX labels file, or from the class subfolders)
 * @param skipBadFiles image folders: leave out files that cannot be read as images instead of stopping
 *                     (File &gt; Skip unreadable images in folders)
 */
public record DataSelection(Path data, Path labels, boolean skipBadFiles) {

    /** Checks that a data path is given. */
    public DataSelection {
        Objects.requireNonNull(data, "data");
    }

    /** A selection that stops at an unreadable image. */
    public DataSelection(Path data, Path labels) {
        this(data, labels, false);
    }

    /** The name shown in the window, e.g. {@code fmnist-test-images-idx3-ubyte.gz}. */
    public String displayName() {
        String name = String.valueOf(data.getFileName());
        return (labels == null ? name : name + " + " + labels.getFileName())
                + (skipBadFiles ? " (skipping unreadable images)" : "");
    }
}
