package org.quantscope.core.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an array lives: a file, and for a {@code .npz} archive optionally the key of one array in it, written
 * {@code images.npz:x} on the command line.
 *
 * @param file the file on disk
 * @param key  the array key inside a {@code .npz}, or {@code null} to pick one by convention
 */
public record ArrayLocation(Path file, String key) {

    private static final Pattern NPZ_WITH_KEY = Pattern.compile("(?i)(.+\\.npz):([^:/\\\\]+)");

    /**
     * Splits {@code archive.npz:key} into file and key; any other path (including an existing file whose name
     * happens to contain a colon) is returned with a {@code null} key.
     *
     * @param path the path as the user wrote it
     * @return the location
     */
    public static ArrayLocation parse(Path path) {
        if (Files.exists(path)) {
            return new ArrayLocation(path, null);
        }
        Path name = path.getFileName();
        if (name != null) {
            Matcher m = NPZ_WITH_KEY.matcher(name.toString());
            if (m.matches()) {
                return new ArrayLocation(path.resolveSibling(m.group(1)), m.group(2));
            }
        }
        return new ArrayLocation(path, null);
    }
}
