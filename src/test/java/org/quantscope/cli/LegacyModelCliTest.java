package org.quantscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quantscope.cli.CliTest.assertInputError;
import static org.quantscope.cli.CliTest.run;

/**
 * Older and unusual ONNX files on the command line ({@code src/test/resources/models/legacy}, decision 0017):
 * {@code info} shows the structure of every model and what can and cannot be done with it (exit 0); the commands that
 * need what a model lacks refuse with the file, node or input and the reason (exit 2, no stack trace).
 */
class LegacyModelCliTest {

    private static final Path LEGACY = Path.of("src/test/resources/models/legacy");
    private static final String TEST_IMAGES = "resources/demo/fmnist-test-images-idx3-ubyte.gz";
    private static final String CALIB_IMAGES = "resources/demo/fmnist-calib-images-idx3-ubyte.gz";

    @TempDir
    Path dir;

    private static String model(String name) {
        return LEGACY.resolve(name).toString();
    }

    @Test
    void infoOnAMultiInputModelShowsItsStructureAndWhyItCannotBeFed() throws Exception {
        Path json = dir.resolve("multi.json");
        CliTest.Run r = run("info", model("multi_input.onnx"), "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        String why = "2 data inputs (a [N, 4], b [N, 4]); QuantScope feeds one image or feature input";
        for (String s : new String[] {"opset 13", "Input     a  float32 [N, 4]", "Input     b  float32 [N, 4]",
                "Output    y  float32 [N, 3]", "fc ", "Gemm", "Ops       {Add=1, Gemm=1, Relu=1}",
                "What QuantScope can do with this model:", "yes  info: opset 13, IR 7",
                "no   evaluate, quantize, diagnose, reliability, export QDQ: " + why}) {
            assertTrue(r.out().contains(s), "'" + s + "' missing:\n" + r.out());
        }
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals(2, j.get("inputs").size());
        assertEquals(1, j.get("layers").size());
        JsonNode caps = j.get("capabilities");
        assertEquals("info", caps.get(0).get("task").asText());
        assertTrue(caps.get(0).get("possible").asBoolean());
        for (int i = 1; i < caps.size(); i++) {
            assertFalse(caps.get(i).get("possible").asBoolean(), caps.get(i).toString());
            assertEquals(why, caps.get(i).get("reason").asText());
        }
    }

    @Test
    void infoOnARank1InputModelShowsItsStructureAndWhyItCannotBeFed() throws Exception {
        Path json = dir.resolve("rank1.json");
        CliTest.Run r = run("info", model("rank1_input.onnx"), "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        for (String s : new String[] {"Input     x  float32 [784]", "Output    logits  float32 [10]", "MatMul",
                "784x10", "no   evaluate, quantize, diagnose, reliability, export QDQ: input 'x' has shape [784]",
                "no batch dimension"}) {
            assertTrue(r.out().contains(s), "'" + s + "' missing:\n" + r.out());
        }
        JsonNode caps = new ObjectMapper().readTree(json.toFile()).get("capabilities");
        assertEquals("evaluate", caps.get(1).get("task").asText());
        assertFalse(caps.get(1).get("possible").asBoolean());
    }

    @Test
    void infoOnTheOpset9FileShowsTheFileAndTheConversion() throws Exception {
        Path json = dir.resolve("o9.json");
        CliTest.Run r = run("info", model("legacy_cnn_opset9.onnx"), "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        for (String s : new String[] {"IR 3   opset 9", "Input     input  float32 [N, 1, 28, 28]",
                "Constants 17 graph inputs have an initializer", "Analysed as an equivalent opset-13 graph",
                "Clip: min/max attributes -> inputs: 2 nodes", "Upsample-9 -> Resize-13", "Upsample=1",
                "yes  quantize, diagnose, reliability: 4 layers with weights"}) {
            assertTrue(r.out().contains(s), "'" + s + "' missing:\n" + r.out());
        }
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals(9, j.get("opset").asInt());
        assertEquals(3, j.get("irVersion").asInt());
        assertEquals(13, j.get("analysedOpset").asInt());
        assertEquals(17, j.get("constantInputs").asInt());
        assertEquals(1, j.get("inputs").size());
        assertEquals(1, j.get("ops").get("Upsample").asInt());
        assertEquals("opset 9 -> 13", j.get("conversions").get(0).asText());
        assertTrue(j.get("conversionProblem").isNull());
    }

    @Test
    void commandsThatFeedDataRefuseModelsTheyCannotFeed() {
        assertInputError(run("eval", "--model", model("multi_input.onnx"), "--data", TEST_IMAGES),
                "multi_input.onnx", "2 data inputs (a [N, 4], b [N, 4])", "one image or feature input");
        assertInputError(run("quantize", "--model", model("rank1_input.onnx"), "--data", TEST_IMAGES,
                "--calib-data", CALIB_IMAGES), "rank1_input.onnx", "input 'x' has shape [784]", "no batch dimension");
    }

    @Test
    void aNodeThatCannotBeConvertedRefusesQuantizingButNotFp32() {
        String file = model("dropout_mask_opset7.onnx");
        CliTest.Run info = run("info", file);
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("no   quantize, diagnose, reliability, export QDQ: "), info.out());
        CliTest.Run eval = run("eval", "--model", file, "--data", TEST_IMAGES, "--limit", "200", "-q");
        assertEquals(0, eval.code(), eval.err());
        assertInputError(run("quantize", "--model", file, "--data", TEST_IMAGES, "--calib-data", CALIB_IMAGES,
                "--limit", "200"), "dropout_mask_opset7.onnx", "node 'drop'", "Dropout, opset 7",
                "mask output 'mask' is used", "opset 13");
    }

    @Test
    void opsetBelow7IsRefusedWithAConversionHint() {
        assertInputError(run("info", model("relu_opset6.onnx")), "relu_opset6.onnx", "opset 6", "opset 7 or newer",
                "convert_version");
    }
}
