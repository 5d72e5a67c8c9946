package org.quantscope.cli;

import org.quantscope.core.InputException;

import java.nio.file.Files;
import java.nio.file.Path;

/** Checks output paths before a long run starts, so a typo does not cost the run's results. */
final class OutputFiles {

    private OutputFiles() {
    }

    /**
     * Fails when an output path names an existing folder or a file that cannot be replaced.
     *
     * @param option the option that named the path, for the message
     * @param file   the path, or null when the option was not given
     */
    static void check(String option, Path file) {
        if (file == null) {
            return;
        }
        if (Files.isDirectory(file)) {
            throw new InputException(option + " " + file + " is a folder; give a file name, e.g. "
                    + file.resolve("result" + extension(option)));
        }
        if (Files.exists(file) && !Files.isWritable(file)) {
            throw new InputException(option + " " + file + " exists and cannot be overwritten.");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            if (Files.isRegularFile(parent)) {
                throw new InputException(option + " " + file + ": " + parent + " is a file, not a folder.");
            }
            if (!Files.isDirectory(parent)) {
                throw new InputException(option + " " + file + ": the folder " + parent + " does not exist; create "
                        + "it first.");
            }
            if (!Files.exists(file) && !Files.isWritable(parent)) {
                throw new InputException(option + " " + file + ": the folder " + parent + " is not writable.");
            }
        }
    }

    private static String extension(String option) {
        return option.contains("onnx") ? ".onnx" : option.contains("csv") ? ".csv" : ".json";
    }
}
