package org.quantscope.core.data;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quantscope.core.data.TestFiles.f32;
import static org.quantscope.core.data.TestFiles.i64;
import static org.quantscope.core.data.TestFiles.idx;
import static org.quantscope.core.data.TestFiles.npy;
import static org.quantscope.core.data.TestFiles.u8;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.core.InputException;

/** Every bad input gives an {@link InputException} whose message names the file and says what was expected. */
class DatasetValidationTest {

    @TempDir
    Path dir;

    private Path data(String name, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return TestFiles.writeNpy(dir.resolve(name), "|u1", shape, new byte[(int) n]);
    }

    private Path labels(String name, long... values) {
        return TestFiles.writeNpy(dir.resolve(name), "<i8", new long[] {values.length}, i64(LITTLE_ENDIAN, values));
    }

    private static String fail(DataSpec spec, ExpectedInput expected) {
        return assertThrows(InputException.class, () -> DatasetLoader.open(spec, expected,
                org.quantscope.core.util.ProgressListener.NONE,
                org.quantscope.core.util.CancellationToken.none())).getMessage();
    }

    private static String fail(DataSpec spec) {
        return fail(spec, ExpectedInput.ANY);
    }

    @Test
    void missingFiles() {
        assertEquals("Data file " + dir.resolve("nope.npy") + " does not exist",
                fail(DataSpec.of(dir.resolve("nope.npy"))));
        Path d = data("d.npy", 2, 1);
        assertEquals("Labels file " + dir.resolve("gone.npy") + " does not exist",
                fail(DataSpec.of(d).withLabels(dir.resolve("gone.npy"))));
        assertTrue(fail(DataSpec.of(d).withLabels(labels("l.npy", 0, 0)).withDescription(dir.resolve("x.json")))
                .contains("x.json does not exist"));
        assertTrue(fail(DataSpec.of(d).withLabels(labels("l.npy", 0, 0)).withClassNames(dir.resolve("c.txt")))
                .contains("c.txt does not exist"));
    }

    @Test
    void unknownFormats() {
        Path csv = TestFiles.write(dir.resolve("data.csv"), "1,2,3\n".getBytes());
        assertTrue(fail(DataSpec.of(csv)).startsWith("data.csv is in an unknown data format; expected"));
        Path png = TestFiles.grayPng(dir.resolve("one.png"), TestFiles.uniform(2, 2, 0));
        assertTrue(fail(DataSpec.of(png)).startsWith("one.png is a single image; give the folder"));
    }

    @Test
    void shapeThatDoesNotFitTheModel() {
        Path d = data("data.npy", 2, 3, 32, 32);
        String m = fail(DataSpec.of(d).withLabels(labels("l.npy", 0, 1)),
                new ExpectedInput("input", new int[] {1, 28, 28}, 10));
        assertEquals("data.npy has samples of shape 3x32x32 but the model input 'input' expects 1x28x28", m);
        Path flat = data("flat.npy", 2, 5);
        assertEquals("flat.npy has samples of shape 5 but the model input expects 4",
                fail(DataSpec.of(flat).withLabels(labels("l.npy", 0, 1)), new ExpectedInput(null, new int[] {4}, -1)));
        Path oneD = data("vec.npy", 7);
        assertTrue(fail(DataSpec.of(oneD).withLabels(labels("l.npy", 0))).startsWith("vec.npy has shape 7, which"
                + " has no sample dimensions"));
    }

    @Test
    void labelCountDiffersFromSampleCount() {
        Path d = data("data.npy", 10, 2);
        assertEquals("labels.npy has 9 labels but data.npy has 10 samples",
                fail(DataSpec.of(d).withLabels(labels("labels.npy", new long[9]))));
    }

    @Test
    void labelsOutsideTheClasses() {
        Path d = data("data.npy", 3, 2);
        assertEquals("labels.npy has label 10 at index 2, outside [0, 10) given by the model's 10 outputs",
                fail(DataSpec.of(d).withLabels(labels("labels.npy", 0, 9, 10)),
                        new ExpectedInput(null, null, 10)));
        assertTrue(fail(DataSpec.of(d).withLabels(labels("neg.npy", 0, -1, 2)))
                .startsWith("neg.npy has a negative label -1 at index 1"));
        Path names = TestFiles.write(dir.resolve("names.txt"), "a\nb\n".getBytes());
        assertEquals("labels.npy has label 2 at index 2, outside [0, 2) given by the 2 names in names.txt",
                fail(DataSpec.of(d).withLabels(labels("labels.npy", 0, 1, 2)).withClassNames(names)));
        assertEquals("The 2 names in names.txt do not match the model's 3 outputs; give one name per output",
                fail(DataSpec.of(d).withLabels(labels("labels.npy", 0, 1, 1)).withClassNames(names),
                        new ExpectedInput(null, null, 3)));
    }

    @Test
    void labelsOfTheWrongKind() {
        Path d = data("data.npy", 2, 2);
        Path floats = TestFiles.writeNpy(dir.resolve("flabels.npy"), "<f4", new long[] {2},
                f32(LITTLE_ENDIAN, 0f, 1f));
        assertTrue(fail(DataSpec.of(d).withLabels(floats)).startsWith("flabels.npy holds float32 values, but labels"
                + " must be integers"));
        Path oneHot = TestFiles.writeNpy(dir.resolve("onehot.npy"), "<i8", new long[] {2, 2},
                i64(LITTLE_ENDIAN, 1, 0, 0, 1));
        assertTrue(fail(DataSpec.of(d).withLabels(oneHot)).startsWith("onehot.npy has shape 2x2, but labels must be"
                + " a 1-D array"));
    }

    @Test
    void labelsMissingSaySoAndHowToFixIt() {
        assertTrue(fail(DataSpec.of(data("data.npy", 2, 2))).startsWith("data.npy has no labels, and evaluation"
                + " needs one class label per sample"));
        Path npz = TestFiles.writeNpz(dir.resolve("only.npz"), Map.of("x", npy("|u1", new long[] {1, 2}, false, 1,
                u8(1, 2))));
        String m = fail(DataSpec.of(npz));
        assertTrue(m.startsWith("only.npz:x has no labels") && m.contains("under the key 'y' or 'labels'"), m);
        Path images = TestFiles.write(dir.resolve("train-images-idx3-ubyte"), idx(0x08, new int[] {1, 1, 1}, u8(3)));
        assertTrue(fail(DataSpec.of(images)).startsWith("train-images-idx3-ubyte has no labels"));
    }

    @Test
    void npzKeysThatDoNotExist() {
        Path npz = TestFiles.writeNpz(dir.resolve("two.npz"), new java.util.TreeMap<>(Map.of(
                "a", npy("|u1", new long[] {1, 2}, false, 1, u8(1, 2)),
                "b", npy("|u1", new long[] {1, 2}, false, 1, u8(1, 2)))));
        assertTrue(fail(DataSpec.of(npz)).startsWith("two.npz holds the arrays a, b but none is named x, data,"
                + " images, arr_0; name the data array explicitly, e.g. two.npz:a"));
        assertEquals("two.npz has no array 'zz'; it holds: a, b", fail(DataSpec.of(dir.resolve("two.npz:zz"))));
        Path notZip = TestFiles.write(dir.resolve("bad.npz"), u8('P', 'K', 3, 4, 0, 0, 0));
        assertTrue(fail(DataSpec.of(notZip)).startsWith("bad.npz is not a valid .npz (zip) archive"));
    }

    @Test
    void meanWithTheWrongNumberOfChannels() {
        Path d = data("data.npy", 1, 1, 2, 2);
        PreprocessingOptions rgbMean = new PreprocessingOptions(null, new double[] {0.1, 0.2, 0.3}, null, null, null);
        assertEquals("The preprocessing mean has 3 values but the samples of data.npy have 1 channel; give one"
                + " value, or one per channel", fail(DataSpec.of(d).withLabels(labels("l.npy", 0))
                .withPreprocessing(rgbMean)));
    }

    @Test
    void badDescriptionFiles() {
        Path d = data("data.npy", 1, 2);
        Path l = labels("l.npy", 0);
        TestFiles.write(dir.resolve("dataset.json"), "{\"scale\": 0.1, \"stds\": [1]}".getBytes());
        assertTrue(fail(DataSpec.of(d).withLabels(l)).startsWith("dataset.json has an unknown entry \"stds\""));
        TestFiles.write(dir.resolve("dataset.json"), "{\"scale\": 0.1,".getBytes());
        assertTrue(fail(DataSpec.of(d).withLabels(l)).startsWith("dataset.json is not valid JSON"));
        TestFiles.write(dir.resolve("dataset.json"), "{\"color\": \"cmyk\"}".getBytes());
        assertTrue(fail(DataSpec.of(d).withLabels(l)).startsWith("dataset.json: \"color\" must be"));
        TestFiles.write(dir.resolve("dataset.json"), "{\"std\": [0.5, 0]}".getBytes());
        assertTrue(fail(DataSpec.of(d).withLabels(l)).startsWith("dataset.json: \"std\" must be positive"));
        TestFiles.write(dir.resolve("dataset.json"), "[1, 2]".getBytes());
        assertTrue(fail(DataSpec.of(d).withLabels(l)).startsWith("dataset.json must hold a JSON object"));
    }

    @Test
    void badClassNamesFile() {
        Path d = data("data.npy", 1, 2);
        Path names = TestFiles.write(dir.resolve("names.txt"), "a\n\nb\n".getBytes());
        assertEquals("Class-names file names.txt has a blank line 2; it needs one class name per line",
                fail(DataSpec.of(d).withLabels(labels("l.npy", 0)).withClassNames(names)));
    }

    @Test
    void emptyArraysAndFileNamesWithAColon() {
        Path empty = TestFiles.writeNpy(dir.resolve("empty.npy"), "|u1", new long[] {0, 4}, new byte[0]);
        assertEquals("empty.npy holds no samples (shape 0x4)",
                fail(DataSpec.of(empty).withLabels(labels("l.npy"))));
        Path d = data("d.npy", 1, 2);
        // An existing file whose name has a colon is opened as it is, not split into file and key.
        TestFiles.write(dir.resolve("plain.npy:x"), new byte[0]);
        assertTrue(fail(DataSpec.of(dir.resolve("plain.npy:x"))).startsWith("plain.npy:x is in an unknown data"));
        assertEquals(d, ArrayLocation.parse(d).file());
    }

    @Test
    void formatsAreRecognisedByContentNotName() {
        Path renamed = TestFiles.write(dir.resolve("data.bin"), npy("|u1", new long[] {1, 2}, false, 1, u8(0, 255)));
        try (Dataset ds = DatasetLoader.open(DataSpec.of(renamed).withLabels(labels("l.npy", 0)))) {
            assertEquals(DataFormat.NPY, DataFormat.detect(renamed));
            assertEquals(1f, ds.read(0, 1).data()[1]);
        }
    }
}
