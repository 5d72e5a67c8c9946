package org.quantscope.core.data;

import java.nio.file.Path;

/**
 * A file left out of a run because it could not be read as an image, when unreadable files are to be skipped
 * ({@link DataSpec#skipBadFiles()}). The sample keeps its index: other samples' indices and labels do not move, and
 * the skipped sample counts in no accuracy, calibration or statistic.
 *
 * @param index  the sample index the file has in its data set (listing order)
 * @param file   the file
 * @param reason why it could not be read, as the decoder said
 */
public record SkippedFile(int index, Path file, String reason) {

    /** One line for consoles and provenance: {@code "path: reason"}. */
    public String describe() {
        return file + ": " + reason;
    }
}
