package org.quantscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.core.data.NpyReader;
import org.quantscope.core.data.NumericArray;
import org.quantscope.core.data.TestFiles;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line end to end: exit codes, printed tables, JSON fields, and messages for bad input. */
class CliTest {

    static final Path MODELS = Path.of("src/test/resources/models");
    static final String TINY = MODELS.resolve("tiny_cnn.onnx").toString();
    static final String INPUT = MODELS.resolve("tiny_cnn_input.npy").toString();
    static final String LABELS = MODELS.resolve("labels_int64.npy").toString();

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = QuantScopeCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    static void assertInputError(Run r, String... fragments) {
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: "), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "message should mention '" + f + "': " + r.err());
        }
    }

    @Test
    void versionAndHelp() {
        Run v = run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().contains("QuantScope") && v.out().contains("onnxruntime"), v.out());
        Run h = run("--help");
        assertEquals(0, h.code());
        assertTrue(h.out().contains("info") && h.out().contains("eval"), h.out());
    }

    @Test
    void infoPrintsLayerTableAndJson() throws Exception {
        Path json = dir.resolve("info.json");
        Run r = run("info", TINY, "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("opset 13"), r.out());
        assertTrue(r.out().contains("Depthwise conv"), r.out());
        assertTrue(r.out().contains("ReLU6"), r.out());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals(6, j.get("layers").size());
        assertEquals("input", j.get("inputs").get(0).get("name").asText());
    }

    @Test
    void evalMatchesArgmaxOfPyTorchLogits() throws Exception {
        NumericArray logits = NpyReader.read(MODELS.resolve("tiny_cnn_expected.npy"));
        NumericArray labels = NpyReader.read(MODELS.resolve("labels_int64.npy"));
        int n = (int) logits.shape()[0];
        int k = (int) logits.shape()[1];
        int correct = 0;
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int j = 1; j < k; j++) {
                if (logits.getDouble((long) i * k + j) > logits.getDouble((long) i * k + best)) {
                    best = j;
                }
            }
            correct += best == labels.getLong(i) ? 1 : 0;
        }
        Path json = dir.resolve("eval.json");
        Run r = run("eval", "--model", TINY, "--data", INPUT, "--labels", LABELS, "--batch", "3", "--json",
                json.toString(), "-q");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals(correct / (double) n, j.get("accuracy").asDouble(), 1e-12);
        assertEquals(n, j.get("samples").asInt());
        assertEquals(k, j.get("perClassAccuracy").size());
        assertEquals(k, j.get("confusion").size());
        assertEquals(k, j.get("classes").size());
        assertEquals(64, j.get("provenance").get("modelSha256").asText().length());
        assertTrue(j.get("provenance").get("data").asText().contains("tiny_cnn_input.npy"));
        assertTrue(r.out().contains("Confusion matrix"), r.out());
    }

    @Test
    void enumOptionsAcceptAnyCaseAndProvenanceRecordsSettings() throws Exception {
        Path json = dir.resolve("c.json");
        Run r = run("eval", "--model", TINY, "--data", INPUT, "--labels", LABELS, "--color", "grayscale",
                "--threads", "1", "--json", json.toString(), "-q");
        assertEquals(0, r.code(), r.err());
        JsonNode settings = new ObjectMapper().readTree(json.toFile()).get("provenance").get("settings");
        assertEquals("grayscale", settings.get("color").asText());
        assertEquals("1", settings.get("threads").asText());
        assertTrue(settings.get("dataPath").asText().endsWith("tiny_cnn_input.npy"));
    }

    @Test
    void normalizationOptionsOnFloatDataAreRefusedUnlessAskedFor() {
        assertInputError(run("eval", "--model", TINY, "--data", INPUT, "--labels", LABELS, "--mean", "100"),
                "tiny_cnn_input.npy", "--normalize-float");
        Run r = run("eval", "--model", TINY, "--data", INPUT, "--labels", LABELS, "--mean", "0", "--std", "1",
                "--scale", "1", "--normalize-float", "-q");
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void missingModelFile() {
        assertInputError(run("eval", "--model", dir.resolve("none.onnx").toString(), "--data", INPUT), "none.onnx",
                "not found");
    }

    @Test
    void notAnOnnxFile() throws Exception {
        Path bad = Files.writeString(dir.resolve("model.onnx"), "{\"not\": \"a model\"}");
        assertInputError(run("info", bad.toString()), "model.onnx");
    }

    @Test
    void dataShapeThatDoesNotFitTheModel() {
        Path data = TestFiles.writeNpy(dir.resolve("rgb.npy"), "<f4", new long[] {2, 3, 8, 8},
                TestFiles.f32(ByteOrder.LITTLE_ENDIAN, new float[2 * 3 * 8 * 8]));
        assertInputError(run("eval", "--model", TINY, "--data", data.toString(), "--labels", LABELS), "rgb.npy",
                "1x8x8");
    }

    @Test
    void labelCountMismatch() {
        Path labels = TestFiles.writeNpy(dir.resolve("three.npy"), "<i8", new long[] {3},
                TestFiles.i64(ByteOrder.LITTLE_ENDIAN, 0, 1, 2));
        assertInputError(run("eval", "--model", TINY, "--data", INPUT, "--labels", labels.toString()), "three.npy",
                "3 labels");
    }

    @Test
    void labelOutOfRange() {
        Path labels = TestFiles.writeNpy(dir.resolve("big.npy"), "<i8", new long[] {4},
                TestFiles.i64(ByteOrder.LITTLE_ENDIAN, 0, 1, 2, 9));
        assertInputError(run("eval", "--model", TINY, "--data", INPUT, "--labels", labels.toString()), "big.npy");
    }

    @Test
    void missingDataAndUnknownOption() {
        assertInputError(run("eval", "--model", TINY), "--data");
        assertInputError(run("eval", "--model", TINY, "--data", INPUT, "--bogus"), "--bogus");
        assertInputError(run("eval", "--model", TINY, "--data", INPUT, "--labels", LABELS, "--batch", "0"),
                "--batch");
    }
}
