package org.quantscope.core.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.quantscope.core.InputException;

/**
 * Reads numpy {@code .npy} arrays (format versions 1.0, 2.0 and 3.0; little and big endian; C order) as
 * {@link NumericArray}s. A file is memory-mapped, so a large array is not copied into the Java heap; only the samples
 * a dataset asks for are touched. Supported dtypes: bool, uint8, int8, uint16, int16, int32, int64, float32, float64.
 * Fortran-ordered arrays are refused with a message saying how to re-save them.
 *
 * @see <a href="https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html">the .npy format</a>
 */
public final class NpyReader {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*(['\"]([^'\"]*)['\"]|\\[)");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    private NpyReader() {
    }

    /** What the header of a {@code .npy} file says. */
    record Header(ElementType type, ByteOrder order, long[] shape, int dataOffset) {
    }

    /**
     * Memory-maps a {@code .npy} file.
     *
     * @param file the file
     * @return the array
     * @throws InputException when the file is missing, malformed, Fortran-ordered or of an unsupported dtype
     */
    public static NumericArray read(Path file) {
        String name = file.getFileName().toString();
        Header header;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer start = ByteBuffer.allocate((int) Math.min(channel.size(), 12));
            readFully(channel, start, 0);
            int headerEnd = headerEnd(start.flip(), name);
            if (channel.size() < headerEnd) {
                throw new InputException(name + " is truncated: its .npy header is incomplete");
            }
            ByteBuffer all = ByteBuffer.allocate(headerEnd);
            readFully(channel, all, 0);
            header = parseHeader(all.flip(), name);
        } catch (IOException e) {
            throw new InputException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        return NumericArray.map(file, header.dataOffset(), header.type(), header.order(), header.shape(), name);
    }

    /**
     * Reads a {@code .npy} image held in memory (for example an entry of a {@code .npz} archive).
     *
     * @param bytes      the whole {@code .npy} content, from position on
     * @param sourceName the name used in messages
     * @return the array, sharing {@code bytes}
     */
    public static NumericArray read(ByteBuffer bytes, String sourceName) {
        ByteBuffer b = bytes.slice();
        Header header = parseHeader(b.duplicate(), sourceName);
        b.position(header.dataOffset());
        return NumericArray.wrap(b, header.type(), header.order(), header.shape(), sourceName);
    }

    private static void readFully(FileChannel channel, ByteBuffer dst, long position) throws IOException {
        long p = position;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, p);
            if (n < 0) {
                break;
            }
            p += n;
        }
    }

    /** Returns the offset of the first data byte, from the magic, version and header length. */
    private static int headerEnd(ByteBuffer b, String name) {
        if (b.remaining() < 10) {
            throw notNpy(name);
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (b.get(i) != MAGIC[i]) {
                throw notNpy(name);
            }
        }
        int major = b.get(6) & 0xFF;
        int minor = b.get(7) & 0xFF;
        ByteBuffer le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        return switch (major) {
            case 1 -> 10 + (le.getShort(8) & 0xFFFF);
            case 2, 3 -> {
                if (b.remaining() < 12) {
                    throw notNpy(name);
                }
                long len = le.getInt(8) & 0xFFFFFFFFL;
                if (len > 16 << 20) {
                    throw new InputException(name + " has an implausible .npy header length " + len);
                }
                yield 12 + (int) len;
            }
            default -> throw new InputException(name + " uses .npy format version " + major + "." + minor
                    + ", which QuantScope cannot read (versions 1.0, 2.0 and 3.0 are supported)");
        };
    }

    private static InputException notNpy(String name) {
        return new InputException(name + " is not a numpy .npy file (it does not start with \\x93NUMPY)");
    }

    static Header parseHeader(ByteBuffer b, String name) {
        int dataOffset = headerEnd(b, name);
        if (b.remaining() < dataOffset) {
            throw new InputException(name + " is truncated: its .npy header is incomplete");
        }
        int major = b.get(6) & 0xFF;
        int textStart = major == 1 ? 10 : 12;
        byte[] text = new byte[dataOffset - textStart];
        b.duplicate().position(textStart).get(text);
        Charset cs = major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
        String dict = new String(text, cs);

        Matcher descr = DESCR.matcher(dict);
        if (!descr.find()) {
            throw malformed(name, "no 'descr' entry", dict);
        }
        if (descr.group(2) == null) {
            throw new InputException(name + " holds a structured (record) array; save a plain numeric array");
        }
        String d = descr.group(2);
        ByteOrder order = switch (d.isEmpty() ? '?' : d.charAt(0)) {
            case '>' -> ByteOrder.BIG_ENDIAN;
            case '=' -> ByteOrder.nativeOrder();
            default -> ByteOrder.LITTLE_ENDIAN;
        };
        ElementType type = dtype(d.replaceFirst("^[<>|=]", ""), d, name);

        Matcher shapeMatch = SHAPE.matcher(dict);
        if (!shapeMatch.find()) {
            throw malformed(name, "no 'shape' entry", dict);
        }
        long[] shape = parseShape(shapeMatch.group(1), name, dict);

        Matcher fortran = FORTRAN.matcher(dict);
        if (!fortran.find()) {
            throw malformed(name, "no 'fortran_order' entry", dict);
        }
        if (fortran.group(1).equals("True") && nonUnitDims(shape) > 1) {
            throw new InputException(name + " is stored in Fortran (column-major) order, which QuantScope does not"
                    + " read; re-save it in C order, e.g. np.save(path, np.ascontiguousarray(a))");
        }
        return new Header(type, order, shape, dataOffset);
    }

    private static ElementType dtype(String code, String descr, String name) {
        return switch (code) {
            case "b1", "?" -> ElementType.BOOL;
            case "u1", "B" -> ElementType.UINT8;
            case "i1", "b" -> ElementType.INT8;
            case "u2" -> ElementType.UINT16;
            case "i2" -> ElementType.INT16;
            case "i4" -> ElementType.INT32;
            case "i8" -> ElementType.INT64;
            case "f4" -> ElementType.FLOAT32;
            case "f8" -> ElementType.FLOAT64;
            default -> throw new InputException(name + " has dtype '" + descr + "', which QuantScope cannot read;"
                    + " supported are float32, float64, uint8, int8, int16, uint16, int32, int64 and bool"
                    + " (convert it, e.g. a.astype(np.float32))");
        };
    }

    private static long[] parseShape(String text, String name, String dict) {
        List<Long> dims = new ArrayList<>();
        for (String part : text.split(",")) {
            String t = part.trim();
            if (t.endsWith("L")) {
                t = t.substring(0, t.length() - 1);
            }
            if (t.isEmpty()) {
                continue;
            }
            try {
                dims.add(Long.parseLong(t));
            } catch (NumberFormatException e) {
                throw malformed(name, "a shape entry '" + t + "' that is not a number", dict);
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    private static int nonUnitDims(long[] shape) {
        int n = 0;
        for (long d : shape) {
            if (d > 1) {
                n++;
            }
        }
        return n;
    }

    private static InputException malformed(String name, String what, String dict) {
        return new InputException(name + " has a malformed .npy header (" + what + "): " + dict.strip());
    }
}
