package org.quantscope.core.data;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quantscope.core.data.TestFiles.f32;
import static org.quantscope.core.data.TestFiles.f64;
import static org.quantscope.core.data.TestFiles.gzip;
import static org.quantscope.core.data.TestFiles.i16;
import static org.quantscope.core.data.TestFiles.i32;
import static org.quantscope.core.data.TestFiles.idx;
import static org.quantscope.core.data.TestFiles.u8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.core.InputException;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.CancelledException;
import org.quantscope.core.util.ProgressListener;

class IdxReaderTest {

    @TempDir
    Path dir;

    private static double[] values(NumericArray a) {
        double[] v = new double[(int) a.elementCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.getDouble(i);
        }
        return v;
    }

    @Test
    void readsRawAndGzippedUbyteImages() {
        byte[] file = idx(0x08, new int[] {2, 2, 3}, u8(0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255));
        NumericArray raw = IdxReader.read(TestFiles.write(dir.resolve("imgs-idx3-ubyte"), file));
        NumericArray gz = IdxReader.read(TestFiles.write(dir.resolve("imgs-idx3-ubyte.gz"), gzip(file)));
        double[] expected = {0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255};
        for (NumericArray a : List.of(raw, gz)) {
            assertEquals(ElementType.UINT8, a.elementType());
            assertArrayEquals(new long[] {2, 2, 3}, a.shape());
            assertArrayEquals(expected, values(a));
        }
    }

    @Test
    void readsEveryIdxTypeBigEndian() {
        assertArrayEquals(new double[] {-128, 127}, values(read(0x09, u8(-128, 127))));
        assertArrayEquals(new double[] {-300, 300}, values(read(0x0B, i16(BIG_ENDIAN, -300, 300))));
        assertArrayEquals(new double[] {-70000, 70000}, values(read(0x0C, i32(BIG_ENDIAN, -70000, 70000))));
        assertArrayEquals(new double[] {0.25, -8}, values(read(0x0D, f32(BIG_ENDIAN, 0.25f, -8f))));
        assertArrayEquals(new double[] {0.1, 1e-300}, values(read(0x0E, f64(BIG_ENDIAN, 0.1, 1e-300))));
    }

    private NumericArray read(int type, byte[] data) {
        return IdxReader.read(TestFiles.write(dir.resolve("t" + type + ".idx"), idx(type, new int[] {2}, data)));
    }

    @Test
    void largeGzippedDataGoesThroughATemporaryFileThatIsRemoved() throws IOException {
        byte[] data = new byte[3 * 4 * 4];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 5);
        }
        Path f = TestFiles.write(dir.resolve("big-idx3-ubyte.gz"), gzip(idx(0x08, new int[] {3, 4, 4}, data)));
        List<Path> before = tempFiles();
        List<long[]> reports = new ArrayList<>();
        NumericArray a = IdxReader.read(f, 10, (done, total, msg) -> reports.add(new long[] {done, total}),
                CancellationToken.none());
        for (int i = 0; i < data.length; i++) {
            assertEquals(data[i] & 0xFF, a.getDouble(i));
        }
        assertEquals(before, tempFiles());
        assertArrayEquals(new long[] {48, 48}, reports.get(reports.size() - 1));
    }

    private static List<Path> tempFiles() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("quantscope-idx-")).sorted().toList();
        }
    }

    @Test
    void decompressionCanBeCancelled() {
        Path f = TestFiles.write(dir.resolve("c.gz"), gzip(idx(0x08, new int[] {4}, u8(1, 2, 3, 4))));
        CancellationToken token = new CancellationToken();
        token.cancel();
        assertThrows(CancelledException.class, () -> IdxReader.read(f, ProgressListener.NONE, token));
    }

    @Test
    void badFilesNameTheFile() {
        assertMessage(TestFiles.write(dir.resolve("magic.idx"), u8(1, 2, 8, 1, 0, 0, 0, 1, 7)),
                "magic.idx is not a valid IDX file (magic number 0x01020801");
        assertMessage(TestFiles.write(dir.resolve("type.idx"), u8(0, 0, 0x0A, 1, 0, 0, 0, 1, 7)),
                "type.idx is not a valid IDX file (unknown type code 0x0A");
        assertMessage(TestFiles.write(dir.resolve("short.idx"), u8(0, 0, 8)), "short.idx is not a valid IDX file");
        assertMessage(TestFiles.write(dir.resolve("trunc.idx"), idx(0x08, new int[] {10}, u8(1, 2))),
                "trunc.idx is truncated");
        assertMessage(TestFiles.write(dir.resolve("trunc.idx.gz"), gzip(idx(0x08, new int[] {10}, u8(1, 2)))),
                "trunc.idx.gz is truncated");
    }

    private static void assertMessage(Path f, String start) {
        InputException e = assertThrows(InputException.class, () -> IdxReader.read(f));
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
