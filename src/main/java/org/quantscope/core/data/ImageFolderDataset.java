package org.quantscope.core.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.quantscope.core.InputException;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

/**
 * A folder with one subfolder of images per class, as torchvision's {@code ImageFolder} reads it: subfolders sorted
 * by name give the class indices and names; the images in each (searched recursively, sorted by path) are PNG, JPEG,
 * BMP or GIF. The data set is streamed: construction only lists the files, and {@link #read(int[])} decodes just the
 * files asked for (see {@link ImageDecoder} for resizing, cropping and colour), then scales and normalizes them. A
 * folder of 50,000 images is never held in memory at once: memory is the listing (paths and labels) plus the batches
 * being read. An empty class subfolder still takes a class index.
 *
 * <p>The images of one batch are decoded on a pool of daemon threads ({@code decodeThreads}); every image is decoded
 * by itself into its own row, so the values and their order do not depend on the number of threads. Close the data
 * set to stop the pool.
 *
 * <p>An unreadable file stops the read with an {@link InputException} naming it, unless bad files are skipped: then
 * its row is left out of the batch (the batch's indices say which samples it holds), it is listed in
 * {@link #skippedFiles()} with the decoder's reason, and later reads skip it without decoding it again. Indices and
 * labels of the other samples never move.
 */
public final class ImageFolderDataset implements Dataset {

    /** File extensions read as images (lower case). */
    public static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    private final Path root;
    private final List<Path> files;
    private final int[] labels;
    private final List<String> classNames;
    private final int[] sampleShape;
    private final ImageDecoder decoder;
    private final SampleNormalizer normalizer;
    private final int sampleLength;
    private final boolean skipBadFiles;
    private final int decodeThreads;
    private final java.util.concurrent.atomic.AtomicInteger decodeCount =
            new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.ConcurrentSkipListMap<Integer, SkippedFile> skipped =
            new java.util.concurrent.ConcurrentSkipListMap<>();
    private java.util.concurrent.ExecutorService pool;

    /**
     * Lists the images of a class-per-subfolder tree.
     *
     * @param root          the folder holding one subfolder per class
     * @param geometry      the size and channels images are decoded to, and whether samples are flattened
     * @param preprocessing scale, mean and std applied to the 0..255 pixel values
     * @param classNames    display names replacing the subfolder names (same count), or {@code null}
     * @param progress      receives one report per class folder listed
     * @param cancel        stops the listing
     * @throws InputException when the folder is missing, has no class subfolders, or holds no images
     */
    public ImageFolderDataset(Path root, ImageGeometry geometry, Preprocessing preprocessing, List<String> classNames,
                              ProgressListener progress, CancellationToken cancel) {
        this(root, geometry, preprocessing, naming(root, classNames), false, 1, progress, cancel);
    }

    /**
     * Opens an image folder whose display names are derived from the subfolder names (a synsets file mapping ids to
     * names).
     *
     * @param root          the folder with one subfolder per class
     * @param geometry      size and channels of the decoded images
     * @param preprocessing scale, mean, std
     * @param naming        the display names given the sorted subfolder names (same count)
     * @param progress      receives listing progress
     * @param cancel        stops the listing
     */
    public ImageFolderDataset(Path root, ImageGeometry geometry, Preprocessing preprocessing,
                              java.util.function.UnaryOperator<List<String>> naming, ProgressListener progress,
                              CancellationToken cancel) {
        this(root, geometry, preprocessing, naming, false, 1, progress, cancel);
    }

    /**
     * The naming of {@link #ImageFolderDataset(Path, ImageGeometry, Preprocessing, List, ProgressListener,
     * CancellationToken)}: the given names (one per subfolder, checked), or the subfolder names.
     *
     * @param root       the folder, for the message
     * @param classNames display names, or {@code null}
     * @return the naming
     */
    static java.util.function.UnaryOperator<List<String>> naming(Path root, List<String> classNames) {
        return folders -> {
            if (classNames != null && classNames.size() != folders.size()) {
                throw new InputException("Image folder " + root + " has " + folders.size() + " class subfolders but "
                        + classNames.size() + " class names were given; give one name per subfolder, in sorted order");
            }
            return classNames != null ? classNames : folders;
        };
    }

    /**
     * Lists the images of a class-per-subfolder tree.
     *
     * @param root          the folder holding one subfolder per class
     * @param geometry      the size and channels images are decoded to, and whether samples are flattened
     * @param preprocessing scale, mean and std applied to the 0..255 pixel values; resize and crop
     * @param naming        the display names given the sorted subfolder names (same count)
     * @param skipBadFiles  leave unreadable files out instead of stopping
     * @param decodeThreads threads decoding a batch's images at once (1: on the reading thread); 0 for one per core
     * @param progress      receives one report per class folder listed
     * @param cancel        stops the listing
     * @throws InputException when the folder is missing, has no class subfolders, or holds no images
     */
    public ImageFolderDataset(Path root, ImageGeometry geometry, Preprocessing preprocessing,
                              java.util.function.UnaryOperator<List<String>> naming, boolean skipBadFiles,
                              int decodeThreads, ProgressListener progress,
                              CancellationToken cancel) {
        this.root = root;
        this.skipBadFiles = skipBadFiles;
        this.decodeThreads = decodeThreads > 0 ? decodeThreads : Runtime.getRuntime().availableProcessors();
        List<Path> classDirs = classFolders(root);
        List<Path> all = new ArrayList<>();
        List<Integer> labelList = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classDirs.size(); c++) {
            cancel.throwIfCancelled();
            Path dir = classDirs.get(c);
            names.add(dir.getFileName().toString());
            for (Path f : imagesIn(dir)) {
                all.add(f);
                labelList.add(c);
            }
            progress.onProgress(c + 1, classDirs.size(), "Listing " + dir.getFileName());
        }
        if (all.isEmpty()) {
            throw new InputException("Image folder " + root + " has class subfolders (" + String.join(", ", names)
                    + ") but none holds a .png, .jpg, .jpeg, .bmp or .gif image");
        }
        this.files = List.copyOf(all);
        this.labels = labelList.stream().mapToInt(Integer::intValue).toArray();
        this.classNames = List.copyOf(naming.apply(List.copyOf(names)));
        int[] chw = {geometry.channels(), geometry.height(), geometry.width()};
        this.sampleLength = chw[0] * chw[1] * chw[2];
        this.sampleShape = geometry.flat() ? new int[] {sampleLength} : chw;
        this.decoder = new ImageDecoder(chw[1], chw[2], chw[0], ImageResizing.of(preprocessing));
        this.normalizer = new SampleNormalizer(preprocessing, chw, true, String.valueOf(root.getFileName()));
    }

    /**
     * The class subfolders of {@code root}, sorted by name; hidden folders are skipped.
     *
     * @throws InputException when the folder is missing or has no subfolders
     */
    static List<Path> classFolders(Path root) {
        if (!Files.isDirectory(root)) {
            throw new InputException("Image folder " + root + " does not exist");
        }
        List<Path> dirs;
        boolean hasImages;
        try (Stream<Path> s = Files.list(root)) {
            List<Path> entries = s.filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).collect(Collectors.toList());
            dirs = entries.stream().filter(Files::isDirectory).collect(Collectors.toList());
            hasImages = entries.stream().anyMatch(ImageFolderDataset::isImage);
        } catch (IOException e) {
            throw new InputException("Cannot list image folder " + root + ": " + e.getMessage(), e);
        }
        if (dirs.isEmpty()) {
            throw new InputException("Image folder " + root + (hasImages ? " holds images but no class subfolders"
                    : " is empty") + "; put the images of each class in their own subfolder, e.g. "
                    + root.resolve("cat").resolve("001.png"));
        }
        return dirs;
    }

    private static List<Path> imagesIn(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> Files.isRegularFile(p) && isImage(p))
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(p -> dir.relativize(p).toString()))
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new InputException("Cannot list image folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Whether a file name has one of the {@link #IMAGE_EXTENSIONS}. */
    static boolean isImage(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * Decodes the first image, to learn a size or colour the model leaves open.
     *
     * @param root the image folder
     * @return the first image in listing order
     */
    static BufferedImage firstImage(Path root) {
        for (Path dir : classFolders(root)) {
            List<Path> images = imagesIn(dir);
            if (!images.isEmpty()) {
                return ImageDecoder.readImage(images.get(0));
            }
        }
        throw new InputException("Image folder " + root + " holds no .png, .jpg, .jpeg, .bmp or .gif image");
    }

    @Override
    public String description() {
        return "image folder " + root.getFileName() + " (" + files.size() + " images, " + classNames.size()
                + " classes, " + ExpectedInput.describe(sampleShape) + (decoder.resizing().mode()
                == ImageResizing.Mode.STRETCH ? "" : ", " + decoder.resizing().describe()) + ")";
    }

    /** Threads decoding the images of a batch at once. */
    public int decodeThreads() {
        return decodeThreads;
    }

    /** Whether unreadable files are skipped rather than stopping the read. */
    public boolean skipsBadFiles() {
        return skipBadFiles;
    }

    @Override
    public List<SkippedFile> skippedFiles() {
        return List.copyOf(skipped.values());
    }

    @Override
    public String sourceName() {
        return String.valueOf(root.getFileName());
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    /** The image file of sample {@code index}. */
    public Path file(int index) {
        return files.get(index);
    }

    @Override
    public Batch read(int[] indices) {
        return read(indices, null);
    }

    @Override
    public Batch read(int[] indices, float[] buffer) {
        int n = indices.length;
        for (int index : indices) {
            Objects.checkIndex(index, files.size());
        }
        float[] out = buffer != null && buffer.length == n * sampleLength ? buffer : new float[n * sampleLength];
        RuntimeException[] failures = new RuntimeException[n];
        if (decodeThreads > 1 && n > 1) {
            decodeInParallel(indices, out, failures);
        } else {
            for (int k = 0; k < n; k++) {
                failures[k] = decodeOne(indices[k], out, k);
            }
        }
        int kept = 0;
        int[] keptIndices = new int[n];
        int[] batchLabels = new int[n];
        for (int k = 0; k < n; k++) {
            if (failures[k] != null) {
                if (!skipBadFiles) {
                    throw failures[k] instanceof InputException ie ? new InputException(ie.template()
                            + "; to leave such files out of the run with a warning, skip unreadable images"
                            + " (@{skipBadFiles})", ie) : failures[k];
                }
                skipped.putIfAbsent(indices[k], new SkippedFile(indices[k], files.get(indices[k]),
                        reason(failures[k])));
                continue;
            }
            if (kept != k) {
                System.arraycopy(out, k * sampleLength, out, kept * sampleLength, sampleLength);
            }
            keptIndices[kept] = indices[k];
            batchLabels[kept] = labels[indices[k]];
            kept++;
        }
        if (kept == n) {
            return new Batch(out, sampleShape.clone(), batchLabels, indices.clone());
        }
        return new Batch(java.util.Arrays.copyOf(out, kept * sampleLength), sampleShape.clone(),
                java.util.Arrays.copyOf(batchLabels, kept), java.util.Arrays.copyOf(keptIndices, kept));
    }

    /** Decodes sample {@code index} into row {@code k}; returns the failure instead of throwing it. */
    private RuntimeException decodeOne(int index, float[] out, int k) {
        if (skipped.containsKey(index)) {
            return new InputException(skipped.get(index).reason());
        }
        try {
            decoder.decodeInto(files.get(index), out, k * sampleLength);
            decodeCount.incrementAndGet();
            normalizer.apply(out, k * sampleLength);
            return null;
        } catch (InputException e) {
            return e;
        } catch (RuntimeException e) {
            // Decoders throw all sorts of things on damaged files (array bounds, colour-space errors).
            return new InputException(files.get(index) + " is not a readable PNG/JPEG image (" + e + ")", e);
        }
    }

    private static String reason(RuntimeException e) {
        String m = e.getMessage();
        int p = m == null ? -1 : m.indexOf(" is not a readable PNG/JPEG image (");
        return p >= 0 && m.endsWith(")") ? m.substring(p + " is not a readable PNG/JPEG image (".length(),
                m.length() - 1) : String.valueOf(m);
    }

    private void decodeInParallel(int[] indices, float[] out, RuntimeException[] failures) {
        java.util.concurrent.ExecutorService p = pool();
        List<java.util.concurrent.Future<?>> tasks = new ArrayList<>(indices.length);
        for (int k = 0; k < indices.length; k++) {
            int kk = k;
            tasks.add(p.submit(() -> {
                failures[kk] = decodeOne(indices[kk], out, kk);
            }));
        }
        boolean interrupted = false;
        for (java.util.concurrent.Future<?> t : tasks) {
            while (true) {
                try {
                    t.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof Error err) {
                        throw err;
                    }
                    throw c instanceof RuntimeException r ? r : new IllegalStateException(c);
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized java.util.concurrent.ExecutorService pool() {
        if (pool == null) {
            java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
            pool = java.util.concurrent.Executors.newFixedThreadPool(decodeThreads, r -> {
                Thread t = new Thread(r, "quantscope-decode-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return pool;
    }

    @Override
    public synchronized void close() {
        if (pool != null) {
            pool.shutdownNow();
            pool = null;
        }
    }

    /** How many images were decoded so far; lets tests check that reading is streamed. */
    int decodeCount() {
        return decodeCount.get();
    }
}
