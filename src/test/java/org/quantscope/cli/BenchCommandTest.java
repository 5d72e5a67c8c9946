package org.quantscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.core.CpuInfo;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench quantize} and {@code bench calibration} run on the demo with tiny settings; no timing is asserted. */
class BenchCommandTest {

    @TempDir
    Path dir;

    @Test
    void benchQuantizeWritesThroughputJson() throws Exception {
        Path json = dir.resolve("q.json");
        CliTest.Run r = CliTest.run("bench", "quantize", "--demo", "--limit", "64", "--batch", "64", "--repeat", "1",
                "--warmup", "0", "--calib-size", "64", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("ratio"), r.out());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals("quantize", j.get("benchmark").asText());
        assertEquals(64, j.get("samples").asInt());
        assertEquals(64, j.get("calibrationSize").asInt());
        assertEquals(1, j.get("fp32ImagesPerSecond").size());
        assertEquals(1, j.get("simulatedImagesPerSecond").size());
        for (String f : new String[] {"medianFp32", "medianSimulated", "ratio", "prepareSeconds"}) {
            assertTrue(j.get(f).asDouble() > 0, f + ": " + j);
        }
        assertEquals("per-tensor", j.get("settings").get("weightGranularity").asText());
        assertEquals("onnx", j.get("settings").get("scaleConvention").asText());
        double acc = j.get("simulatedAccuracy").asDouble();
        assertTrue(acc >= 0 && acc <= 1, j.toString());
        assertTrue(j.get("fp32Accuracy").asDouble() > 0.5, j.toString());
        assertRecordsTheCpu(r.out(), j);
    }

    /** Every benchmark says which processor its figures come from (AVX2 and AVX-512 figures differ). */
    private static void assertRecordsTheCpu(String out, JsonNode j) {
        CpuInfo cpu = CpuInfo.current();
        assertTrue(out.contains("CPU: " + cpu.describe()), out);
        assertEquals(cpu.model(), j.get("cpu").get("model").asText());
        for (String f : CpuInfo.RELEVANT_FLAGS) {
            assertEquals(cpu.has(f), j.get("cpu").get("flags").get(f).asBoolean(), f + ": " + j.get("cpu"));
        }
        assertEquals(Runtime.getRuntime().availableProcessors(), j.get("cpu").get("cores").asInt());
        assertTrue(j.get("runtime").asText().startsWith("onnxruntime "), j.toString());
    }

    @Test
    void benchQuantizeTakesQuantizationOptions() throws Exception {
        Path json = dir.resolve("qp.json");
        CliTest.Run r = CliTest.run("bench", "quantize", "--demo", "--limit", "32", "--repeat", "1", "--warmup", "0",
                "--calib-size", "32", "--scale-convention", "pytorch", "--w-granularity", "per-channel",
                "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals("per-channel", j.get("settings").get("weightGranularity").asText());
        assertEquals("pytorch", j.get("settings").get("scaleConvention").asText());
    }

    @Test
    void benchCalibrationWritesMemoryJson() throws Exception {
        Path json = dir.resolve("c.json");
        CliTest.Run r = CliTest.run("bench", "calibration", "--demo", "--calib-size", "16", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("peak RSS"), r.out());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals("calibration", j.get("benchmark").asText());
        assertEquals(16, j.get("calibrationSize").asInt());
        assertEquals(5000, j.get("poolSize").asInt());
        assertTrue(j.get("peakHeapUsedBytes").asLong() > 0, j.toString());
        assertTrue(j.get("heapUsedAfterGcBytes").asLong() > 0, j.toString());
        assertTrue(j.get("quantizers").asInt() > 0, j.toString());
        for (String f : new String[] {"peakRssKiB", "rssBeforeKiB", "rssAfterKiB", "seconds"}) {
            assertTrue(j.has(f), f + ": " + j);
        }
        assertTrue(j.has("peakRssResetBeforeCalibration"), j.toString());
        assertRecordsTheCpu(r.out(), j);
    }

    @Test
    void badCalibrationSizesExitWithInputError() {
        CliTest.assertInputError(CliTest.run("bench", "calibration", "--demo", "--calib-size", "0"), "--calib-size");
        CliTest.assertInputError(CliTest.run("bench", "calibration", "--demo", "--calib-size", "6000"),
                "--calib-size 6000", "5000");
        CliTest.assertInputError(CliTest.run("bench", "quantize", "--demo", "--calib-size", "6000", "--repeat", "1",
                "--warmup", "0", "--limit", "8"), "6000");
        CliTest.assertInputError(CliTest.run("bench", "quantize", "--demo", "--repeat", "0"), "--repeat");
    }

    @Test
    void benchDiagnoseComparesCachedWithFullReRuns() throws Exception {
        Path json = dir.resolve("d.json");
        CliTest.Run r = CliTest.run("bench", "diagnose", "--demo", "--samples", "40", "--repeat", "1",
                "--calib-size", "32", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("same sensitivity drops and float gains: yes"), r.out());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals("diagnose", j.get("benchmark").asText());
        assertEquals(40, j.get("samples").asInt());
        assertEquals(1, j.get("naiveLayerPhaseSeconds").size());
        assertTrue(j.get("layerPhaseRatio").asDouble() > 0, j.toString());
        assertTrue(j.get("identicalDropsAndGains").asBoolean(), j.toString());
        assertTrue(j.has("peakRssKiB") && j.get("peakHeapUsedBytes").asLong() > 0, j.toString());
    }

    @Test
    void badDiagnoseBenchAndCacheOptionsExitWithInputError() {
        CliTest.assertInputError(CliTest.run("bench", "diagnose", "--demo", "--samples", "0"), "--samples");
        CliTest.assertInputError(CliTest.run("bench", "diagnose", "--demo", "--samples", "20000", "--calib-size",
                "8"), "--samples 20000", "10000");
        CliTest.assertInputError(CliTest.run("bench", "diagnose", "--demo", "--repeat", "0"), "--repeat");
        CliTest.assertInputError(CliTest.run("diagnose", "--demo", "--cache-mib", "-1"), "--cache-mib");
        CliTest.assertInputError(CliTest.run("diagnose", "--demo", "--cache-mib", "2000000"), "--cache-mib",
                "1048576");
        CliTest.Run notANumber = CliTest.run("diagnose", "--demo", "--cache-mib", "lots");
        assertEquals(2, notANumber.code(), notANumber.err());
        assertTrue(notANumber.err().contains("--cache-mib"), notANumber.err());
    }
}
