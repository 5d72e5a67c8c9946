package org.quantscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code quantize} end to end on the demo: the JSON fields of the issue (fp32/quantized accuracy and per-class
 * accuracy, drop, settings, encodings, provenance), the exports, and one bad input per option, each with exit code 2,
 * a message naming the problem, and no stack trace. Reference numbers come from the PyTorch fake-quant reference
 * ({@code tools/reference/torch-fakequant-mobilenet-fmnist.json}).
 */
class QuantizeCommandTest {

    private static final Path REFERENCE = Path.of("tools/reference/torch-fakequant-mobilenet-fmnist.json");

    @TempDir
    Path dir;

    @Test
    void jsonHasTheDocumentedFieldsAndThePyTorchNumbers() throws Exception {
        Path json = dir.resolve("q.json");
        Path enc = dir.resolve("enc.json");
        CliTest.Run r = CliTest.run("quantize", "--demo", "--calib-sampling", "first", "--scale-convention",
                "pytorch", "--w-granularity", "per-channel", "--json", json.toString(), "--export-encodings",
                enc.toString(), "-q");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("FP32") && r.out().contains("Drop") && r.out().contains("features.3.weight"),
                r.out());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        JsonNode ref = new ObjectMapper().readTree(REFERENCE.toFile()).get("configs");
        assertEquals(ref.get("FP32").get("accuracy").asDouble(), j.get("fp32").get("accuracy").asDouble(), 2e-4);
        double q = j.get("quantized").get("accuracy").asDouble();
        assertEquals(ref.get("W8A8 per-channel").get("accuracy").asDouble(), q, 0.003);
        assertEquals((j.get("fp32").get("accuracy").asDouble() - q) * 100, j.get("drop").asDouble(), 1e-9);
        assertEquals(10, j.get("quantized").get("perClassAccuracy").size());
        assertEquals(10, j.get("perClassDrop").size());
        JsonNode settings = j.get("settings");
        assertEquals("per-channel", settings.get("weightGranularity").asText());
        assertEquals("pytorch", settings.get("scaleConvention").asText());
        assertEquals(256, settings.get("calibrationSize").asInt());
        assertTrue(settings.get("weightBits").isInt() && settings.get("foldBatchNorm").isBoolean(),
                "numbers and booleans are typed: " + settings);
        int channels = 0;
        for (JsonNode rq : ref.get("W8A8 per-channel").get("quantizers")) {
            if (rq.get("tensor").asText().equals("features.3.weight")) {
                channels = rq.get("scale").size();
            }
        }
        assertTrue(channels > 1);
        assertEquals(channels, j.get("encodings").get("param_encodings").get("features.3.weight").size(),
                "one entry per output channel");
        JsonNode input = j.get("encodings").get("activation_encodings").get("input").get(0);
        assertEquals(8, input.get("bitwidth").asInt());
        assertEquals(73, input.get("zeroPoint").asInt());
        assertEquals(-73, input.get("offset").asInt());
        assertEquals(input.get("scale").asDouble() * -73, input.get("min").asDouble(), 1e-6);
        assertEquals(22, j.get("quantizers").size());
        assertEquals(64, j.get("provenance").get("modelSha256").asText().length());
        assertEquals("first", j.get("provenance").get("settings").get("calibrationSampling").asText());
        JsonNode e = new ObjectMapper().readTree(enc.toFile());
        assertEquals(j.get("encodings"), e);
    }

    @Test
    void exportedQdqModelEvaluatesLikeTheSimulation() throws Exception {
        Path onnx = dir.resolve("qdq.onnx");
        Path json = dir.resolve("q.json");
        CliTest.Run r = CliTest.run("quantize", "--demo", "--w-granularity", "per-channel", "--bias", "int32",
                "--export-onnx", onnx.toString(), "--json", json.toString(), "-q");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.size(onnx) > 10_000);
        Path eval = dir.resolve("eval.json");
        CliTest.Run e = CliTest.run("eval", "--demo", "--model", onnx.toString(), "--json", eval.toString(), "-q");
        assertEquals(0, e.code(), e.err());
        double sim = new ObjectMapper().readTree(json.toFile()).get("quantized").get("accuracy").asDouble();
        double deployed = new ObjectMapper().readTree(eval.toFile()).get("accuracy").asDouble();
        assertEquals(sim, deployed, 0.001, "QDQ model in plain ONNX Runtime vs simulation");
    }

    /** Issue 6 target: CLE brings W8A8 per-tensor within 0.5 points of W8A8 per-channel on the demo. */
    @Test
    void crossLayerEqualizationRescuesPerTensorWeights() throws Exception {
        Path cle = dir.resolve("cle.json");
        Path pc = dir.resolve("pc.json");
        CliTest.Run r = CliTest.run("quantize", "--demo", "--cle", "--json", cle.toString(), "-q");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("cross-layer equalization of"), r.out());
        assertEquals(0, CliTest.run("quantize", "--demo", "--w-granularity", "per-channel", "--json", pc.toString(),
                "-q").code());
        JsonNode j = new ObjectMapper().readTree(cle.toFile());
        double after = j.get("quantized").get("accuracy").asDouble();
        double before = j.get("beforeFixes").get("accuracy").asDouble();
        double perChannel = new ObjectMapper().readTree(pc.toFile()).get("quantized").get("accuracy").asDouble();
        assertTrue(before < 0.5, "per-tensor W8A8 collapses without CLE: " + before);
        assertTrue(perChannel - after < 0.005, "CLE " + after + " vs per-channel " + perChannel);
        JsonNode fix = j.get("fixes").get(0);
        assertEquals("cle", fix.get("name").asText());
        // the default keeps ReLU6 exact: one per-channel clip per pair, the FP32 function unchanged
        assertEquals("exact", fix.get("relu6").asText());
        assertEquals(0, fix.get("relu6ReplacedByRelu").size());
        assertEquals(fix.get("pairs").size(), fix.get("relu6PerChannelBound").size());
        assertTrue(fix.get("converged").asBoolean(), fix.toString());
        assertFalse(fix.get("fp32Change").get("changed").asBoolean(), fix.get("fp32Change").toString());
        assertTrue(fix.get("fp32Change").get("maxRelativeLogitDiff").asDouble() <= 1e-5);
        assertEquals(j.get("fp32").get("accuracy").asDouble(), fix.get("fp32AccuracyAfter").asDouble(), 1e-9);
        assertTrue(r.out().contains("cle: FP32 function unchanged"), r.out());
        for (JsonNode row : fix.get("weightRangeRatio")) {
            if (row.get("layer").asText().equals("/features/features.3/Conv")) {
                assertTrue(row.get("before").asDouble() > 50 && row.get("after").asDouble() < 5,
                        "equalization flattens the depthwise channel ranges: " + row);
            }
        }
        CliTest.assertInputError(CliTest.run("quantize", "--demo", "--cle", "--no-bn-fold", "-q"),
                "--cle needs BatchNormalization folded first");
    }

    /** The white paper's ReLU6 -> ReLU replacement stays available and reports its FP32 change; bad values refused. */
    @Test
    void cleRelu6OptionReplacesOrSkipsAndIsChecked() throws Exception {
        Path relu = dir.resolve("relu.json");
        CliTest.Run r = CliTest.run("quantize", "--demo", "--cle", "--cle-relu6", "relu", "--limit", "2000",
                "--json", relu.toString(), "-q");
        assertEquals(0, r.code(), r.err());
        JsonNode fix = new ObjectMapper().readTree(relu.toFile()).get("fixes").get(0);
        assertEquals("relu", fix.get("relu6").asText());
        assertEquals(fix.get("pairs").size(), fix.get("relu6ReplacedByRelu").size());
        assertEquals(0, fix.get("relu6PerChannelBound").size());
        JsonNode change = fix.get("fp32Change");
        // the demo's ReLU6 clip is active: replacing it changes the function far beyond float rounding
        assertTrue(change.get("changed").asBoolean(), change.toString());
        assertTrue(change.get("maxRelativeLogitDiff").asDouble() > 1e-2, change.toString());
        assertTrue(change.get("measured").asBoolean());
        Path skip = dir.resolve("skip.json");
        assertEquals(0, CliTest.run("quantize", "--demo", "--cle", "--cle-relu6", "skip", "--limit", "500", "--json",
                skip.toString(), "-q").code());
        assertEquals(0, new ObjectMapper().readTree(skip.toFile()).get("fixes").get(0).get("pairs").size(),
                "every pair of the demo is joined by ReLU6");
        CliTest.assertInputError(CliTest.run("quantize", "--demo", "--cle", "--cle-relu6", "relu7", "-q"),
                "--cle-relu6 must be exact, relu or skip");
        CliTest.assertInputError(CliTest.run("quantize", "--demo", "--cle-relu6", "relu", "-q"),
                "give --cle too");
    }

    @Test
    void biasCorrectionReportsEveryLayerAndHelpsW4() throws Exception {
        Path json = dir.resolve("bc.json");
        CliTest.Run r = CliTest.run("quantize", "--demo", "--w-bits", "4", "--w-granularity", "per-channel",
                "--bias-correction", "empirical", "--json", json.toString(), "-q");
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        JsonNode fix = j.get("fixes").get(0);
        assertEquals("biasCorrection", fix.get("name").asText());
        assertEquals(10, fix.get("layers").size());
        assertTrue(j.get("quantized").get("accuracy").asDouble() > j.get("beforeFixes").get("accuracy").asDouble(),
                "bias correction improves W4A8 per-channel on the demo");
        Path analytic = dir.resolve("analytic.json");
        assertEquals(0, CliTest.run("quantize", "--demo", "--w-bits", "4", "--w-granularity", "per-channel",
                "--bias-correction", "analytic", "--json", analytic.toString(), "-q").code());
        JsonNode a = new ObjectMapper().readTree(analytic.toFile());
        assertEquals("analytic", a.get("fixes").get(0).get("method").asText());
        assertTrue(a.get("quantized").get("accuracy").asDouble() > a.get("beforeFixes").get("accuracy").asDouble(),
                "analytic bias correction improves W4A8 per-channel on the demo");
        CliTest.assertInputError(CliTest.run("quantize", "--demo", "--bias-correction", "mean", "-q"),
                "--bias-correction must be empirical");
        CliTest.assertInputError(CliTest.run("quantize", "--demo", "--cle", "--bias-correction", "analytic", "-q"),
                "cross-layer equalization rescales");
    }

    /**
     * Issue 6: AdaRound on W4A8 per-channel (short schedule to keep the test quick): every layer's learned rounding
     * reconstructs its output better than nearest rounding, accuracy improves, the per-layer error before/after is
     * reported, and the exported QDQ model (weights on AdaRound's grid) runs in plain ONNX Runtime as simulated.
     */
    @Test
    void adaRoundBeatsNearestAndExportsAsSimulated() throws Exception {
        Path json = dir.resolve("ada.json");
        Path onnx = dir.resolve("ada.onnx");
        CliTest.Run r = CliTest.run("quantize", "--demo", "--w-bits", "4", "--w-granularity", "per-channel",
                "--bias", "int32", "--adaround", "--adaround-iters", "200", "--adaround-samples", "256",
                "--export-onnx", onnx.toString(), "--json", json.toString(), "-q");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Fix: AdaRound, 200 iterations per layer on 256 samples"), r.out());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        JsonNode fix = j.get("fixes").get(0);
        assertEquals("adaround", fix.get("name").asText());
        assertEquals(200, fix.get("parameters").get("iterations").asInt());
        assertEquals("adaround", j.get("provenance").get("settings").get("fixes").asText());
        assertTrue(j.get("provenance").get("settings").get("adaround").asText().contains("iterations=200"));
        assertEquals(10, fix.get("layers").size());
        for (JsonNode l : fix.get("layers")) {
            assertEquals("adaround", l.get("kept").asText(), l.toString());
            assertTrue(l.get("adaroundReconstructionError").asDouble() < l.get("nearestReconstructionError")
                    .asDouble(), l.toString());
        }
        double after = j.get("quantized").get("accuracy").asDouble();
        double before = j.get("beforeFixes").get("accuracy").asDouble();
        assertTrue(after > before, "AdaRound " + after + " vs nearest " + before);
        JsonNode effects = j.get("layerEffects").get("layers");
        assertEquals(10, effects.size());
        int better = 0;
        for (JsonNode e : effects) {
            if (e.get("sqnrDbAfter").asDouble() > e.get("sqnrDbBefore").asDouble()) {
                better++;
            }
        }
        assertTrue(better >= 8, better + " of 10 layers have a higher SQNR after AdaRound");
        Path eval = dir.resolve("ada-eval.json");
        CliTest.Run e = CliTest.run("eval", "--demo", "--model", onnx.toString(), "--json", eval.toString(), "-q");
        assertEquals(0, e.code(), e.err());
        double deployed = new ObjectMapper().readTree(eval.toFile()).get("accuracy").asDouble();
        assertEquals(after, deployed, 0.001, "AdaRound QDQ model in plain ONNX Runtime vs simulation");
    }

    /** nn.Linear on a 3-D tensor (MatMul + bias Add): int32 biases and bias correction rewrite the Add's input. */
    @Test
    void matMulBiasesAreRewrittenWhereTheyAreRead() throws Exception {
        String model = "src/test/resources/models/generality/linear3d.onnx";
        Path onnx = dir.resolve("l3.onnx");
        Path json = dir.resolve("l3.json");
        CliTest.Run r = CliTest.run("quantize", "--demo", "--model", model, "--bias", "int32", "--bias-correction",
                "empirical", "--export-onnx", onnx.toString(), "--json", json.toString(), "-q");
        assertEquals(0, r.code(), r.err());
        assertEquals(2, new ObjectMapper().readTree(json.toFile()).get("fixes").get(0).get("layers").size());
        Path eval = dir.resolve("eval.json");
        assertEquals(0, CliTest.run("eval", "--demo", "--model", onnx.toString(), "--json", eval.toString(), "-q")
                .code());
        assertEquals(new ObjectMapper().readTree(json.toFile()).get("quantized").get("accuracy").asDouble(),
                new ObjectMapper().readTree(eval.toFile()).get("accuracy").asDouble(), 0.001);
    }

    @Test
    void aFlagAgreeingWithThePresetIsAccepted() {
        CliTest.Run r = CliTest.run("quantize", "--demo", "--preset", "tvm", "--scale-type", "pot", "--w-symmetry",
                "symmetric", "--list-quantizers");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("preset tvm"), r.out());
    }

    @Test
    void disablingALayerLeavesAllItsQuantizersInFloat() {
        CliTest.Run r = CliTest.run("quantize", "--demo", "--disable", "/features/features.3/Conv",
                "--list-quantizers");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("2 quantizer(s) off"), r.out());
    }

    @Test
    void listQuantizersShowsPlacementWithoutCalibrating() {
        CliTest.Run r = CliTest.run("quantize", "--demo", "--list-quantizers", "--preset", "tensorrt");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("layer output") && r.out().contains("model input"), r.out());
        assertTrue(r.out().contains("preset tensorrt"), r.out());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--w-bits 1 | --w-bits must be between 2 and 16",
        "--a-bits 17 | --a-bits must be between 2 and 16",
        "--calib-size 6000 | calibration size 6000 is larger than the 5000 samples",
        "--preset tensorrt --w-granularity per-tensor | contradicted by --w-granularity per-tensor",
        "--preset tvm --scale-type float | contradicted by --scale-type float",
        "--preset nvidia | unknown preset 'nvidia'",
        "--override logits:granularity=per-channel | per-channel granularity applies to weights only",
        "--override nothing:bits=4 | no quantizer named 'nothing'",
        "--a-range entropy | unknown activation range method 'entropy'",
        "--w-range kl | unknown weight range method 'kl'",
        "--disable nope | has no quantizer of that name",
        "--calib-data /no/such/calib.npy | /no/such/calib.npy",
        "--calib-sampling sorted | --calib-sampling must be random, stratified or first",
        "--w-granularity per-row | granularity must be per-tensor or per-channel",
        "--preset tvm --scale-type pot --calib-size 6000 | calibration size 6000",
        "--json /tmp | is a folder; give a file name",
        "--export-weight-type int4 | --export-weight-type must be auto, int8 or uint8",
        "--override /features/features.3/Conv:bits=4 | is a layer, not a quantizer; its quantizers are features.3.weight",
        "--calib-data /no/such/pool | --calib-data /no/such/pool does not exist",
        "--adaround-iters 100 | give --adaround too",
        "--adaround --bias-correction empirical | do not go together",
        "--adaround --adaround-iters 0 | --adaround-iters must be at least 1",
        "--adaround --adaround-samples 6000 | AdaRound asks for 6000 calibration samples",
        "--mp-samples 500 | --mp-samples tunes the mixed-precision search",
        "--json /no/such/folder/q.json | the folder /no/such/folder does not exist",
        "--export-onnx pom.xml/q.onnx | is a file, not a folder"})
    void badInputGivesAnActionableMessage(String args, String fragment) {
        String[] extra = args.trim().split(" ");
        String[] all = new String[extra.length + 3];
        all[0] = "quantize";
        all[1] = "--demo";
        all[2] = "-q";
        System.arraycopy(extra, 0, all, 3, extra.length);
        CliTest.assertInputError(CliTest.run(all), fragment.trim());
    }
}
