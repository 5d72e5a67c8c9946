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
 * {@code info} and {@code quantize} end to end on MobileNetV3-small (HardSwish as HardSigmoid + Mul, squeeze-and-
 * excitation): the blocks in the layer table and the JSON, the placement check in the console and the JSON, a float
 * input named when a quantizer is disabled, and {@code info} on the exported QDQ model showing its integer layers.
 */
class ModernModelCliTest {

    private static final String V3 = "src/test/resources/models/modern/mobilenetv3_small.onnx";
    private static final String TEST = "resources/demo/fmnist-test-images-idx3-ubyte.gz";
    private static final String CALIB = "resources/demo/fmnist-calib-images-idx3-ubyte.gz";
    private static final String SE_SCALE = "/features/features.4/block/block.2/Mul_output_0";

    @TempDir
    Path dir;

    @Test
    void infoShowsHardSwishAndSqueezeExcitation() throws Exception {
        Path json = dir.resolve("info.json");
        CliTest.Run r = run("info", V3, "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Blocks    9 squeeze-and-excitation blocks · fused activations: 19 HardSwish, "
                + "14 ReLU, 9 HardSigmoid"), r.out());
        String stem = r.out().lines().filter(l -> l.contains("/features/features.0/features.0.0/Conv")).findFirst()
                .orElseThrow();
        assertTrue(stem.contains("BN + HardSwish") && stem.contains("float32"), stem);
        String fc1 = r.out().lines().filter(l -> l.contains("/features/features.4/block/block.2/fc1/Conv"))
                .findFirst().orElseThrow();
        assertTrue(fc1.contains("ReLU") && fc1.contains("SE reduce"), fc1);
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals("HardSwish", j.get("layers").get(0).get("activation").asText());
        assertEquals("HARD_SWISH", j.get("layers").get(0).get("activationKind").asText());
        assertEquals("float32", j.get("layers").get(0).get("weightType").asText());
        assertTrue(j.get("layers").get(0).get("quantizedWeight").isNull());
        int expand = 0;
        for (JsonNode l : j.get("layers")) {
            if ("SE expand".equals(l.get("block").asText())) {
                expand++;
                assertEquals("HardSigmoid", l.get("activation").asText());
            }
        }
        assertEquals(9, expand);
        assertEquals(9, j.get("squeezeExcitation").size());
        assertEquals(SE_SCALE, j.get("squeezeExcitation").get(1).get("output").asText());
        assertEquals(19, j.get("activationCounts").get("HardSwish").asInt());
        assertEquals(0, j.get("quantizedLayers").asInt());
    }

    @Test
    void quantizeChecksThePlacementAndTheExportShowsItsIntegerLayers() throws Exception {
        Path json = dir.resolve("q.json");
        Path qdq = dir.resolve("qdq.onnx");
        CliTest.Run r = run("quantize", "--model", V3, "--data", TEST, "--calib-data", CALIB, "--limit", "500",
                "--calib-size", "64", "--w-granularity", "per-channel", "--bias", "int32", "--json", json.toString(),
                "--export-onnx", qdq.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Placement  complete: every input of the 54 quantized layers comes from a "
                + "quantizer"), r.out());
        assertFalse(r.out().contains("warning: Float input"), r.out());
        // 18 HardSwish convolutions and the 9 SE expand convolutions with their HardSigmoid gate
        assertTrue(r.out().contains("note: 27 convolution layers end in HardSwish, SiLU or a Sigmoid-like gate"),
                r.out());
        JsonNode q = new ObjectMapper().readTree(json.toFile());
        assertTrue(q.get("placementCheck").get("complete").asBoolean());
        assertEquals(54, q.get("placementCheck").get("computeLayers").asInt());
        assertEquals(0, q.get("placementCheck").get("floatInputs").size());

        Path info = dir.resolve("info.json");
        CliTest.Run i = run("info", qdq.toString(), "--json", info.toString());
        assertEquals(0, i.code(), i.err());
        assertTrue(i.out().contains("layers 54"), i.out());
        assertTrue(i.out().contains("Quantized 54 of 54 layers with integer weights"), i.out());
        assertTrue(i.out().contains("9 squeeze-and-excitation blocks"), "Q/DQ pairs do not hide the blocks");
        String stem = i.out().lines().filter(l -> l.contains("/features/features.0/features.0.0/Conv")).findFirst()
                .orElseThrow();
        assertTrue(stem.contains("W8 uint8 per-channel") && stem.contains("HardSwish"), stem);
        JsonNode j = new ObjectMapper().readTree(info.toFile());
        assertEquals(54, j.get("quantizedLayers").asInt());
        JsonNode w = j.get("layers").get(0).get("quantizedWeight");
        assertEquals("uint8", w.get("storage").asText());
        assertEquals(8, w.get("bits").asInt());
        assertEquals("per-channel", w.get("granularity").asText());
        assertTrue(w.get("symmetric").asBoolean(), "the int8 grid stored as uint8 with zero point 128");

        CliTest.Run again = run("quantize", "--model", qdq.toString(), "--data", TEST, "--calib-data", CALIB,
                "--limit", "100");
        assertInputError(again, "already quantized", "float model");
    }

    @Test
    void aDisabledQuantizerLeavesANamedFloatInput() throws Exception {
        Path json = dir.resolve("q.json");
        CliTest.Run r = run("quantize", "--model", V3, "--data", TEST, "--calib-data", CALIB, "--limit", "200",
                "--calib-size", "32", "--disable", SE_SCALE, "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Placement  1 of 54 quantized layers read float inputs"), r.out());
        assertTrue(r.out().contains("warning: Float input: 1 quantized layer reads an activation whose quantizer is "
                + "disabled"), r.out());
        JsonNode f = new ObjectMapper().readTree(json.toFile()).get("placementCheck").get("floatInputs");
        assertEquals(1, f.size());
        assertEquals("/features/features.4/block/block.3/block.3.0/Conv", f.get(0).get("layer").asText());
        assertEquals(SE_SCALE, f.get(0).get("tensor").asText());
        assertEquals("Mul", f.get(0).get("producerOp").asText());
        assertEquals(SE_SCALE, f.get(0).get("quantizer").asText());
    }
}
