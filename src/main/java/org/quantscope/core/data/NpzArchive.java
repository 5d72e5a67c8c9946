package org.quantscope.core.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import org.quantscope.core.InputException;

/**
 * A numpy {@code .npz} archive: a zip of {@code .npy} arrays, each under a key (the entry name without
 * {@code .npy}). Unlike a plain {@code .npy}, an entry is read fully into memory when asked for (zip entries are
 * usually deflated, so they cannot be memory-mapped); for very large data prefer a {@code .npy} file. The archive is
 * only open during {@link #read(Path, String)} calls.
 */
public final class NpzArchive {

    /** Keys tried, in order, for the sample data when none is given. */
    public static final List<String> DATA_KEYS = List.of("x", "data", "images", "arr_0");
    /** Keys tried, in order, for the labels when none is given. */
    public static final List<String> LABEL_KEYS = List.of("y", "labels", "arr_1");

    private NpzArchive() {
    }

    /**
     * Lists the array keys of an archive, in archive order.
     *
     * @param file the archive
     * @return the keys
     * @throws InputException when the file is not a readable zip
     */
    public static List<String> keys(Path file) {
        try (ZipFile zip = openZip(file)) {
            List<String> keys = new ArrayList<>();
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (!e.isDirectory() && e.getName().toLowerCase(Locale.ROOT).endsWith(".npy")) {
                    keys.add(e.getName().substring(0, e.getName().length() - 4));
                }
            }
            return Collections.unmodifiableList(keys);
        } catch (IOException e) {
            throw new InputException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Picks the data key: the explicit key if given, else the first of {@link #DATA_KEYS} present, else the only
     * array of the archive.
     *
     * @param file the archive, for messages
     * @param keys the archive's keys
     * @return the key of the sample data
     * @throws InputException when no key fits
     */
    public static String dataKey(Path file, List<String> keys) {
        for (String k : DATA_KEYS) {
            if (keys.contains(k)) {
                return k;
            }
        }
        if (keys.size() == 1) {
            return keys.get(0);
        }
        throw new InputException(file.getFileName() + " holds " + (keys.isEmpty() ? "no arrays" : "the arrays "
                + String.join(", ", keys)) + " but none is named " + String.join(", ", DATA_KEYS)
                + "; name the data array explicitly, e.g. " + file.getFileName() + ":"
                + (keys.isEmpty() ? "x" : keys.get(0)));
    }

    /**
     * Picks the labels key from {@link #LABEL_KEYS}, never the data key itself.
     *
     * @param keys    the archive's keys
     * @param dataKey the key chosen for the data
     * @return the key, or {@code null} when the archive carries no labels by convention
     */
    public static String labelKey(List<String> keys, String dataKey) {
        for (String k : LABEL_KEYS) {
            if (keys.contains(k) && !k.equals(dataKey)) {
                return k;
            }
        }
        return null;
    }

    /**
     * Reads one array of the archive into memory.
     *
     * @param file the archive
     * @param key  the array key
     * @return the array, named {@code archive.npz:key} in messages
     * @throws InputException when the key is missing or the entry is not a valid {@code .npy}
     */
    public static NumericArray read(Path file, String key) {
        String name = file.getFileName() + ":" + key;
        try (ZipFile zip = openZip(file)) {
            ZipEntry entry = zip.getEntry(key + ".npy");
            if (entry == null) {
                entry = zip.getEntry(key);
            }
            if (entry == null) {
                throw new InputException(file.getFileName() + " has no array '" + key + "'; it holds: "
                        + String.join(", ", keys(file)));
            }
            if (entry.getSize() > Integer.MAX_VALUE - 64) {
                throw new InputException(name + " is larger than 2 GB; save it as a separate .npy file instead");
            }
            try (InputStream in = zip.getInputStream(entry)) {
                byte[] bytes = in.readAllBytes();
                return NpyReader.read(ByteBuffer.wrap(bytes), name);
            }
        } catch (IOException e) {
            throw new InputException("Cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    private static ZipFile openZip(Path file) throws IOException {
        try {
            return new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new InputException(file.getFileName() + " is not a valid .npz (zip) archive: " + e.getMessage(), e);
        }
    }
}
