package org.quantscope.core.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import javax.imageio.ImageIO;

/** Writes test fixtures byte by byte, following the published formats (.npy, .npz, IDX, PNG). */
final class TestFiles {

    private TestFiles() {
    }

    /** A .npy image: magic, version, header length, a padded dict header, then {@code data}. */
    static byte[] npy(String descr, long[] shape, boolean fortran, int major, byte[] data) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        s.append(shape.length == 1 ? ",)" : ")");
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False")
                + ", 'shape': " + s + ", }";
        int prefix = major == 1 ? 10 : 12;
        byte[] dictBytes = dict.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int total = prefix + dictBytes.length + 1;
        int pad = (64 - total % 64) % 64;
        int headerLen = dictBytes.length + pad + 1;
        ByteBuffer b = ByteBuffer.allocate(prefix + headerLen + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) headerLen);
        } else {
            b.putInt(headerLen);
        }
        b.put(dictBytes);
        for (int i = 0; i < pad; i++) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n').put(data);
        return b.array();
    }

    static Path writeNpy(Path file, String descr, long[] shape, byte[] data) {
        return write(file, npy(descr, shape, false, 1, data));
    }

    static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] f32(ByteOrder o, float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(o);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    static byte[] f64(ByteOrder o, double... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(o);
        for (double x : v) {
            b.putDouble(x);
        }
        return b.array();
    }

    static byte[] u8(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    static byte[] i16(ByteOrder o, int... v) {
        ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(o);
        for (int x : v) {
            b.putShort((short) x);
        }
        return b.array();
    }

    static byte[] i32(ByteOrder o, int... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(o);
        for (int x : v) {
            b.putInt(x);
        }
        return b.array();
    }

    static byte[] i64(ByteOrder o, long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(o);
        for (long x : v) {
            b.putLong(x);
        }
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** An IDX file: magic 0x0000TTNN, big-endian dimensions, then the big-endian data. */
    static byte[] idx(int typeCode, int[] dims, byte[] bigEndianData) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + bigEndianData.length).order(ByteOrder.BIG_ENDIAN);
        b.putInt((typeCode << 8) | dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(bigEndianData);
        return b.array();
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A .npz: a zip whose entries are {@code key.npy}, deflated as np.savez_compressed writes them. */
    static Path writeNpz(Path file, Map<String, byte[]> arrays) {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, byte[]> e : arrays.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** A grayscale PNG; {@code rows[y][x]} in 0..255. */
    static Path grayPng(Path file, int[][] rows) {
        BufferedImage img = new BufferedImage(rows[0].length, rows.length, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < rows.length; y++) {
            for (int x = 0; x < rows[0].length; x++) {
                img.getRaster().setSample(x, y, 0, rows[y][x]);
            }
        }
        return image(file, img, "png");
    }

    /** An RGB image; {@code rgb[y][x]} packed 0xRRGGBB. */
    static Path rgbImage(Path file, int[][] rgb, String format) {
        BufferedImage img = new BufferedImage(rgb[0].length, rgb.length, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < rgb.length; y++) {
            for (int x = 0; x < rgb[0].length; x++) {
                img.setRGB(x, y, rgb[y][x]);
            }
        }
        return image(file, img, format);
    }

    static Path image(Path file, BufferedImage img, String format) {
        try {
            Files.createDirectories(file.getParent());
            if (!ImageIO.write(img, format, file.toFile())) {
                throw new IllegalStateException("no writer for " + format);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[][] uniform(int h, int w, int v) {
        int[][] rows = new int[h][w];
        for (int[] r : rows) {
            java.util.Arrays.fill(r, v);
        }
        return rows;
    }
}
