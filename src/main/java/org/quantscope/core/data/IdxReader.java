package org.quantscope.core.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import org.quantscope.core.InputException;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.ProgressListener;

/**
 * Reads IDX files, the format MNIST and Fashion-MNIST ship in: a magic number {@code 0x000008TT} (type code
 * {@code TT}: 0x08 ubyte, 0x09 byte, 0x0B short, 0x0C int, 0x0D float, 0x0E double) whose last byte is the number of
 * dimensions, the dimensions as big-endian 32-bit integers, then the values, big-endian, C order.
 *
 * <p>A raw IDX file is memory-mapped. A gzipped one (recognised by its content, whatever its name) is decompressed
 * once: into memory when its data is at most {@link #IN_MEMORY_LIMIT} bytes (a 10,000 x 28 x 28 file is 8 MB),
 * otherwise into a temporary file that is memory-mapped and deleted at once (the mapping keeps the data readable
 * until it is garbage collected; on systems that cannot delete a mapped file it is deleted at JVM exit).
 */
public final class IdxReader {

    /** Gzipped IDX data up to this many bytes is decompressed into memory: 256 MB. */
    public static final long IN_MEMORY_LIMIT = 256L << 20;

    private IdxReader() {
    }

    /**
     * Reads an IDX file, raw or gzipped.
     *
     * @param file the file
     * @return the array
     * @throws InputException when the file is missing or not a valid IDX file
     */
    public static NumericArray read(Path file) {
        return read(file, IN_MEMORY_LIMIT, ProgressListener.NONE, CancellationToken.none());
    }

    /**
     * Reads an IDX file, raw or gzipped, reporting decompression progress in bytes.
     *
     * @param file     the file
     * @param progress receives decompressed bytes so far
     * @param cancel   stops a long decompression
     * @return the array
     */
    public static NumericArray read(Path file, ProgressListener progress, CancellationToken cancel) {
        return read(file, IN_MEMORY_LIMIT, progress, cancel);
    }

    static NumericArray read(Path file, long inMemoryLimit, ProgressListener progress, CancellationToken cancel) {
        String name = file.getFileName().toString();
        try {
            if (isGzip(file)) {
                return readGzip(file, name, inMemoryLimit, progress, cancel);
            }
            Header h;
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
                h = readHeader(in, name);
            }
            return NumericArray.map(file, h.dataOffset(), h.type(), ByteOrder.BIG_ENDIAN, h.shape(), name);
        } catch (IOException e) {
            throw new InputException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Whether the file starts with the gzip magic bytes {@code 1f 8b}. */
    static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    private record Header(ElementType type, long[] shape, int dataOffset) {
        long dataBytes() {
            long n = type.byteWidth();
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }
    }

    private static Header readHeader(DataInputStream in, String name) throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw notIdx(name, "it is shorter than an IDX header");
        }
        if ((magic >>> 16) != 0) {
            throw notIdx(name, String.format("magic number 0x%08X, expected 0x000008TT", magic));
        }
        ElementType type = switch ((magic >>> 8) & 0xFF) {
            case 0x08 -> ElementType.UINT8;
            case 0x09 -> ElementType.INT8;
            case 0x0B -> ElementType.INT16;
            case 0x0C -> ElementType.INT32;
            case 0x0D -> ElementType.FLOAT32;
            case 0x0E -> ElementType.FLOAT64;
            default -> throw notIdx(name, String.format("unknown type code 0x%02X in magic number 0x%08X",
                    (magic >>> 8) & 0xFF, magic));
        };
        int rank = magic & 0xFF;
        if (rank < 1 || rank > 8) {
            throw notIdx(name, "it declares " + rank + " dimensions");
        }
        long[] shape = new long[rank];
        try {
            for (int i = 0; i < rank; i++) {
                shape[i] = in.readInt() & 0xFFFFFFFFL;
            }
        } catch (EOFException e) {
            throw notIdx(name, "its header is truncated");
        }
        return new Header(type, shape, 4 + 4 * rank);
    }

    private static InputException notIdx(String name, String why) {
        return new InputException(name + " is not a valid IDX file (" + why + ")");
    }

    private static NumericArray readGzip(Path file, String name, long inMemoryLimit, ProgressListener progress,
                                         CancellationToken cancel) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(
                new GZIPInputStream(Files.newInputStream(file), 1 << 16), 1 << 16))) {
            Header h = readHeader(in, name);
            long bytes = h.dataBytes();
            if (bytes <= inMemoryLimit) {
                byte[] data = new byte[(int) bytes];
                copy(in, bytes, name, progress, cancel, (buf, off, len) -> System.arraycopy(buf, 0, data, (int) off, len));
                return NumericArray.wrap(ByteBuffer.wrap(data), h.type(), ByteOrder.BIG_ENDIAN, h.shape(), name);
            }
            Path tmp = Files.createTempFile("quantscope-idx-", ".raw");
            try {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    copy(in, bytes, name, progress, cancel, (buf, off, len) -> out.write(buf, 0, len));
                }
                return NumericArray.map(tmp, 0, h.type(), ByteOrder.BIG_ENDIAN, h.shape(), name);
            } finally {
                try {
                    Files.delete(tmp);
                } catch (IOException e) {
                    tmp.toFile().deleteOnExit();
                }
            }
        }
    }

    @FunctionalInterface
    private interface Sink {
        void accept(byte[] buf, long offset, int len) throws IOException;
    }

    private static void copy(InputStream in, long bytes, String name, ProgressListener progress,
                             CancellationToken cancel, Sink sink) throws IOException {
        byte[] buf = new byte[1 << 16];
        long done = 0;
        while (done < bytes) {
            cancel.throwIfCancelled();
            int n = in.read(buf, 0, (int) Math.min(buf.length, bytes - done));
            if (n < 0) {
                throw new InputException(name + " is truncated: its IDX header declares " + bytes
                        + " bytes of data but the decompressed file holds only " + done);
            }
            sink.accept(buf, done, n);
            done += n;
            progress.onProgress(done, bytes, "Decompressing " + name);
        }
    }
}
