package org.quantscope.core.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.quantscope.core.InputException;

/**
 * A read-only, C-ordered n-dimensional array of one {@link ElementType}, backed by byte buffers: either a memory map
 * of a file region (nothing is copied until elements are read) or a buffer in memory. Files larger than 2 GB are
 * mapped as several chunks, so element indices are {@code long}. Values are read one sample at a time by the datasets
 * built on top of it.
 */
public final class NumericArray {

    /** Chunks of 1 GiB: a multiple of every element width, so no element straddles two chunks. */
    static final int DEFAULT_CHUNK_SHIFT = 30;

    private final String sourceName;
    private final ElementType type;
    private final long[] shape;
    private final long elementCount;
    private final ByteBuffer[] chunks;
    private final int chunkShift;
    private final long chunkMask;

    private NumericArray(String sourceName, ElementType type, long[] shape, ByteBuffer[] chunks, int chunkShift) {
        this.sourceName = sourceName;
        this.type = type;
        this.shape = shape.clone();
        this.elementCount = product(shape);
        this.chunks = chunks;
        this.chunkShift = chunkShift;
        this.chunkMask = (1L << chunkShift) - 1;
    }

    /**
     * Memory-maps the array stored in {@code file} from byte {@code offset} on.
     *
     * @param file       the file
     * @param offset     where the first element starts
     * @param type       element type
     * @param order      byte order of multi-byte elements
     * @param shape      array shape, C order
     * @param sourceName the file name used in messages
     * @return the mapped array
     * @throws InputException when the file is shorter than the shape requires
     */
    public static NumericArray map(Path file, long offset, ElementType type, ByteOrder order, long[] shape,
                                   String sourceName) {
        return map(file, offset, type, order, shape, sourceName, DEFAULT_CHUNK_SHIFT);
    }

    static NumericArray map(Path file, long offset, ElementType type, ByteOrder order, long[] shape,
                            String sourceName, int chunkShift) {
        long bytes = byteCount(shape, type, sourceName);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long available = channel.size() - offset;
            checkLength(bytes, available, offset, shape, type, sourceName);
            long chunkSize = 1L << chunkShift;
            int n = (int) ((bytes + chunkSize - 1) >>> chunkShift);
            ByteBuffer[] chunks = new ByteBuffer[Math.max(n, 1)];
            chunks[0] = ByteBuffer.allocate(0);
            for (int i = 0; i < n; i++) {
                long start = (long) i << chunkShift;
                long len = Math.min(chunkSize, bytes - start);
                chunks[i] = channel.map(FileChannel.MapMode.READ_ONLY, offset + start, len).order(order);
            }
            return new NumericArray(sourceName, type, shape, chunks, chunkShift);
        } catch (IOException e) {
            throw new InputException("Cannot read " + sourceName + ": " + e.getMessage(), e);
        }
    }

    /**
     * Wraps array data already in memory; the buffer's position marks the first element.
     *
     * @param data       the bytes, from position on
     * @param type       element type
     * @param order      byte order of multi-byte elements
     * @param shape      array shape, C order
     * @param sourceName the name used in messages
     * @return the array
     * @throws InputException when the buffer is shorter than the shape requires
     */
    public static NumericArray wrap(ByteBuffer data, ElementType type, ByteOrder order, long[] shape,
                                    String sourceName) {
        long bytes = byteCount(shape, type, sourceName);
        checkLength(bytes, data.remaining(), data.position(), shape, type, sourceName);
        if (bytes > Integer.MAX_VALUE) {
            throw new InputException(sourceName + " is too large to hold in memory (" + bytes + " bytes)");
        }
        ByteBuffer slice = data.slice();
        slice.limit((int) bytes);
        return new NumericArray(sourceName, type, shape, new ByteBuffer[] {slice.order(order)}, 31);
    }

    private static long byteCount(long[] shape, ElementType type, String sourceName) {
        for (long d : shape) {
            if (d < 0) {
                throw new InputException(sourceName + " has a negative dimension in its shape " + describe(shape));
            }
        }
        long count = product(shape);
        if (count > Long.MAX_VALUE / type.byteWidth()) {
            throw new InputException(sourceName + " declares an impossible shape " + describe(shape));
        }
        return count * type.byteWidth();
    }

    private static void checkLength(long bytes, long available, long offset, long[] shape, ElementType type,
                                    String sourceName) {
        if (available < bytes) {
            throw new InputException(sourceName + " is truncated: its header declares " + describe(shape) + " "
                    + type + " (" + bytes + " bytes of data from byte " + offset + " on) but only "
                    + Math.max(available, 0) + " bytes follow");
        }
    }

    private static long product(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Formats a shape as {@code 10000x1x28x28} (a scalar as {@code ()}). */
    static String describe(long[] shape) {
        if (shape.length == 0) {
            return "()";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            b.append(i == 0 ? "" : "x").append(shape[i]);
        }
        return b.toString();
    }

    /** The file (or archive entry) name used in messages. */
    public String sourceName() {
        return sourceName;
    }

    /** The element type. */
    public ElementType elementType() {
        return type;
    }

    /** The shape, C order. */
    public long[] shape() {
        return shape.clone();
    }

    /** Total number of elements. */
    public long elementCount() {
        return elementCount;
    }

    private ByteBuffer chunk(long byteOffset) {
        return chunks[(int) (byteOffset >>> chunkShift)];
    }

    /**
     * Reads element {@code i} (flat, C order) as a double.
     *
     * @param i flat element index
     * @return the value; integers exactly up to 2^53
     */
    public double getDouble(long i) {
        long at = checkIndex(i) * type.byteWidth();
        ByteBuffer b = chunk(at);
        int p = (int) (at & chunkMask);
        return switch (type) {
            case BOOL -> b.get(p) != 0 ? 1 : 0;
            case UINT8 -> b.get(p) & 0xFF;
            case INT8 -> b.get(p);
            case UINT16 -> b.getShort(p) & 0xFFFF;
            case INT16 -> b.getShort(p);
            case INT32 -> b.getInt(p);
            case INT64 -> b.getLong(p);
            case FLOAT32 -> b.getFloat(p);
            case FLOAT64 -> b.getDouble(p);
        };
    }

    /**
     * Reads element {@code i} (flat, C order) as a long; floating-point values are truncated.
     *
     * @param i flat element index
     * @return the value
     */
    public long getLong(long i) {
        if (type == ElementType.INT64) {
            long at = checkIndex(i) * 8;
            return chunk(at).getLong((int) (at & chunkMask));
        }
        return (long) getDouble(i);
    }

    /**
     * Copies {@code count} consecutive elements starting at flat index {@code from} into {@code dst}, converted to
     * float without any scaling.
     *
     * @param from  first flat element index
     * @param count number of elements
     * @param dst   destination
     * @param off   offset into {@code dst}
     */
    public void copyAsFloat(long from, int count, float[] dst, int off) {
        if (count == 0) {
            return;
        }
        checkIndex(from);
        checkIndex(from + count - 1);
        if (type == ElementType.UINT8 && chunks.length == 1) {
            ByteBuffer b = chunks[0];
            int p = (int) from;
            for (int k = 0; k < count; k++) {
                dst[off + k] = b.get(p + k) & 0xFF;
            }
            return;
        }
        for (int k = 0; k < count; k++) {
            dst[off + k] = (float) getDouble(from + k);
        }
    }

    /**
     * Copies the raw bytes of {@code count} consecutive elements of a {@link ElementType#UINT8} array, starting at flat
     * index {@code from}, into {@code dst} with one bulk copy per storage chunk.
     *
     * @param from  first flat element index
     * @param count number of elements
     * @param dst   destination
     * @param off   offset into {@code dst}
     */
    public void copyBytes(long from, int count, byte[] dst, int off) {
        if (type != ElementType.UINT8) {
            throw new IllegalStateException(sourceName + " holds " + type + ", not uint8");
        }
        if (count == 0) {
            return;
        }
        checkIndex(from);
        checkIndex(from + count - 1);
        long mask = (1L << chunkShift) - 1;
        int done = 0;
        while (done < count) {
            long at = from + done;
            ByteBuffer b = chunks[(int) (at >>> chunkShift)];
            int p = (int) (at & mask);
            int n = Math.min(count - done, b.limit() - p);
            b.get(p, dst, off + done, n);
            done += n;
        }
    }

    private long checkIndex(long i) {
        if (i < 0 || i >= elementCount) {
            throw new IndexOutOfBoundsException("element " + i + " of " + sourceName + " (" + elementCount
                    + " elements)");
        }
        return i;
    }

    @Override
    public String toString() {
        return sourceName + " " + describe(shape) + " " + type;
    }
}
