package org.quantscope.cli;

import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.SkippedFile;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the console and the provenance say about image files skipped as unreadable ({@code --skip-bad-files}): one
 * {@code warning:} line per file on standard error, naming the file and the decoder's reason, and the provenance
 * entries {@code skippedFiles} (count) and {@code skippedFileList} (one {@code "path: reason"} per line).
 */
final class SkippedFilesReport {

    private SkippedFilesReport() {
    }

    /**
     * Prints a warning per skipped file of {@code data}, if any.
     *
     * @param err  standard error
     * @param what which data, e.g. "test data" or "calibration pool"
     * @param data the data set
     */
    static void warn(PrintWriter err, String what, Dataset data) {
        List<SkippedFile> skipped = data.skippedFiles();
        if (skipped.isEmpty()) {
            return;
        }
        err.printf("warning: %d unreadable image file%s of the %s skipped (--skip-bad-files); the results leave %s "
                        + "out:%n", skipped.size(), skipped.size() == 1 ? "" : "s", what,
                skipped.size() == 1 ? "it" : "them");
        for (SkippedFile f : skipped) {
            err.println("warning: skipped " + f.describe());
        }
        err.flush();
    }

    /**
     * The provenance entries for the skipped files of {@code data}, keys prefixed with {@code prefix} (empty for the
     * test data, e.g. "calibration" for the pool, giving {@code calibrationSkippedFiles}); none when nothing was
     * skipped.
     */
    static Map<String, String> provenance(String prefix, Dataset data) {
        Map<String, String> m = new LinkedHashMap<>();
        List<SkippedFile> skipped = data.skippedFiles();
        if (!skipped.isEmpty()) {
            m.put(key(prefix, "skippedFiles"), String.valueOf(skipped.size()));
            m.put(key(prefix, "skippedFileList"), String.join("\n", skipped.stream().map(SkippedFile::describe)
                    .toList()));
        }
        return m;
    }

    private static String key(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }
}
