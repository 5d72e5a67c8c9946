package org.quantscope.core.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.quantscope.core.InputException;

/**
 * The storage formats a data set can come in, recognised by content (magic bytes) rather than by name, so a
 * renamed file still opens; a folder is an image folder.
 */
public enum DataFormat {
    /** A numpy {@code .npy} array. */
    NPY,
    /** A numpy {@code .npz} archive of arrays. */
    NPZ,
    /** An IDX file (MNIST style), raw or gzipped. */
    IDX,
    /** A folder with one subfolder of images per class. */
    IMAGE_FOLDER;

    /**
     * Recognises the format of an existing file or folder.
     *
     * @param path the data
     * @return the format
     * @throws InputException when the content is none of the supported formats
     */
    public static DataFormat detect(Path path) {
        if (Files.isDirectory(path)) {
            return IMAGE_FOLDER;
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(8);
        } catch (IOException e) {
            throw new InputException("Cannot read " + path + ": " + e.getMessage(), e);
        }
        int b0 = head.length > 0 ? head[0] & 0xFF : -1;
        int b1 = head.length > 1 ? head[1] & 0xFF : -1;
        int b2 = head.length > 2 ? head[2] & 0xFF : -1;
        int b3 = head.length > 3 ? head[3] & 0xFF : -1;
        if (b0 == 0x93 && b1 == 'N' && b2 == 'U') {
            return NPY;
        }
        if (b0 == 'P' && b1 == 'K' && (b2 == 3 || b2 == 5) && (b3 == 4 || b3 == 6)) {
            return NPZ;
        }
        if (b0 == 0x1f && b1 == 0x8b) {
            return IDX;
        }
        if (b0 == 0 && b1 == 0 && b2 >= 0x08 && b2 <= 0x0E && b3 >= 1 && b3 <= 8) {
            return IDX;
        }
        String name = String.valueOf(path.getFileName());
        if ((b0 == 0x89 && b1 == 'P') || (b0 == 0xFF && b1 == 0xD8) || ImageFolderDataset.isImage(path)) {
            throw new InputException(name + " is a single image; give the folder that holds one subfolder of"
                    + " images per class");
        }
        throw new InputException(name + " is in an unknown data format; expected a numpy .npy or .npz file, an IDX"
                + " file (MNIST style, may be gzipped) or a folder with one subfolder of images per class");
    }
}
