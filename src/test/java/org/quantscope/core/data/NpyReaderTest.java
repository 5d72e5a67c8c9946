package org.quantscope.core.data;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quantscope.core.data.TestFiles.f32;
import static org.quantscope.core.data.TestFiles.f64;
import static org.quantscope.core.data.TestFiles.i16;
import static org.quantscope.core.data.TestFiles.i32;
import static org.quantscope.core.data.TestFiles.i64;
import static org.quantscope.core.data.TestFiles.npy;
import static org.quantscope.core.data.TestFiles.u8;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quantscope.core.InputException;

class NpyReaderTest {

    @TempDir
    Path dir;

    private NumericArray write(String descr, long[] shape, int major, byte[] data) {
        return NpyReader.read(TestFiles.write(dir.resolve("a.npy"), npy(descr, shape, false, major, data)));
    }

    private static double[] values(NumericArray a) {
        double[] v = new double[(int) a.elementCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.getDouble(i);
        }
        return v;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void readsFloat32LittleEndianInEveryHeaderVersion(int major) {
        NumericArray a = write("<f4", new long[] {2, 3}, major, f32(LITTLE_ENDIAN, 0.5f, -1.25f, 3f, 4f, 5f, 6.75f));
        assertEquals(ElementType.FLOAT32, a.elementType());
        assertArrayEquals(new long[] {2, 3}, a.shape());
        assertArrayEquals(new double[] {0.5, -1.25, 3, 4, 5, 6.75}, values(a));
    }

    @Test
    void readsBigEndianFloat32AndFloat64() {
        assertArrayEquals(new double[] {1.5, -2.25}, values(write(">f4", new long[] {2}, 1,
                f32(BIG_ENDIAN, 1.5f, -2.25f))));
        assertArrayEquals(new double[] {0.1, 1e300}, values(write(">f8", new long[] {2}, 2,
                f64(BIG_ENDIAN, 0.1, 1e300))));
        assertArrayEquals(new double[] {0.1, -7}, values(write("<f8", new long[] {2}, 3,
                f64(LITTLE_ENDIAN, 0.1, -7))));
    }

    @Test
    void readsEveryIntegerType() {
        assertArrayEquals(new double[] {0, 128, 255}, values(write("|u1", new long[] {3}, 1, u8(0, 128, 255))));
        assertArrayEquals(new double[] {-128, -1, 127}, values(write("|i1", new long[] {3}, 1, u8(-128, -1, 127))));
        assertArrayEquals(new double[] {-32768, 7}, values(write("<i2", new long[] {2}, 1,
                i16(LITTLE_ENDIAN, -32768, 7))));
        assertArrayEquals(new double[] {65535, 1}, values(write(">u2", new long[] {2}, 1,
                i16(BIG_ENDIAN, 65535, 1))));
        assertArrayEquals(new double[] {-5, 100000}, values(write(">i4", new long[] {2}, 1,
                i32(BIG_ENDIAN, -5, 100000))));
        NumericArray longs = write("<i8", new long[] {2}, 1, i64(LITTLE_ENDIAN, 9, 1L << 40));
        assertEquals(1L << 40, longs.getLong(1));
        assertArrayEquals(new double[] {1, 0, 1}, values(write("|b1", new long[] {3}, 1, u8(1, 0, 2))));
    }

    @Test
    void readsAnArrayHeldInMemory() {
        byte[] bytes = npy("<i4", new long[] {1, 2}, false, 1, i32(LITTLE_ENDIAN, 3, -4));
        NumericArray a = NpyReader.read(ByteBuffer.wrap(bytes), "mem.npy");
        assertArrayEquals(new double[] {3, -4}, values(a));
    }

    @Test
    void readsAcrossMappedChunkBoundaries() {
        float[] v = new float[37];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0.5f;
        }
        byte[] bytes = npy("<f4", new long[] {37}, false, 1, f32(LITTLE_ENDIAN, v));
        Path f = TestFiles.write(dir.resolve("c.npy"), bytes);
        int offset = bytes.length - 4 * v.length;
        NumericArray a = NumericArray.map(f, offset, ElementType.FLOAT32, LITTLE_ENDIAN, new long[] {37}, "c.npy", 4);
        float[] out = new float[37];
        a.copyAsFloat(0, 37, out, 0);
        assertArrayEquals(v, out);
    }

    @Test
    void fortranOrderIsRefusedWithAFix() {
        Path f = TestFiles.write(dir.resolve("fortran.npy"), npy("<f4", new long[] {2, 2}, true, 1,
                f32(LITTLE_ENDIAN, 1, 2, 3, 4)));
        InputException e = assertThrows(InputException.class, () -> NpyReader.read(f));
        assertTrue(e.getMessage().startsWith("fortran.npy is stored in Fortran"), e.getMessage());
        assertTrue(e.getMessage().contains("np.ascontiguousarray"), e.getMessage());
    }

    @Test
    void fortranOrderOfAVectorIsTheSameLayoutAndAccepted() {
        Path f = TestFiles.write(dir.resolve("v.npy"), npy("<f4", new long[] {3}, true, 1,
                f32(LITTLE_ENDIAN, 1, 2, 3)));
        assertArrayEquals(new double[] {1, 2, 3}, values(NpyReader.read(f)));
    }

    @Test
    void badFilesNameTheFile() {
        assertMessage(TestFiles.write(dir.resolve("complex.npy"), npy("<c8", new long[] {1}, false, 1, new byte[8])),
                "complex.npy has dtype '<c8'");
        assertMessage(TestFiles.write(dir.resolve("text.npy"), "hello, this is not numpy".getBytes()),
                "text.npy is not a numpy .npy file");
        byte[] v4 = npy("<f4", new long[] {1}, false, 2, new byte[4]);
        v4[6] = 4;
        assertMessage(TestFiles.write(dir.resolve("v4.npy"), v4), "v4.npy uses .npy format version 4.0");
        byte[] full = npy("<f4", new long[] {10}, false, 1, new byte[40]);
        byte[] cut = java.util.Arrays.copyOf(full, full.length - 8);
        assertMessage(TestFiles.write(dir.resolve("cut.npy"), cut), "cut.npy is truncated");
        assertMessage(structured(), "rec.npy holds a structured");
    }

    private Path structured() {
        String dict = "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }";
        byte[] h = dict.getBytes();
        ByteBuffer b = ByteBuffer.allocate(10 + h.length + 1 + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes()).put((byte) 1).put((byte) 0).putShort((short) (h.length + 1))
                .put(h).put((byte) '\n');
        return TestFiles.write(dir.resolve("rec.npy"), b.array());
    }

    private static void assertMessage(Path f, String start) {
        InputException e = assertThrows(InputException.class, () -> NpyReader.read(f));
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
