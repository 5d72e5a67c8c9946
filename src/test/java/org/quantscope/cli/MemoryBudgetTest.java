package org.quantscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.core.data.TestFiles;
import org.quantscope.core.util.MemoryBudget;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14: capture-heavy analyses on a 224x224 model stay within the memory budget, measured in a JVM whose heap is
 * far smaller than what the unbudgeted runs would hold, and an impossible budget is refused before the work starts.
 * The model (tools/make_large_input_model.py) has a stem output of 9.6 MB per sample.
 */
class MemoryBudgetTest {

    static final Path MODEL = Path.of("src/test/resources/models/large/cnn224.onnx");
    static final int SAMPLES = 32;

    @TempDir
    static Path dir;
    static Path data;
    static Path labels;

    @BeforeAll
    static void writeData() {
        Random r = new Random(14);
        int per = 3 * 224 * 224;
        ByteBuffer x = ByteBuffer.allocate(4 * SAMPLES * per).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < SAMPLES * per; i++) {
            x.putFloat((float) r.nextGaussian());
        }
        data = TestFiles.writeNpy(dir.resolve("x.npy"), "<f4", new long[] {SAMPLES, 3, 224, 224}, x.array());
        long[] y = new long[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            y[i] = r.nextInt(1000);
        }
        labels = TestFiles.writeNpy(dir.resolve("y.npy"), "<i8", new long[] {SAMPLES},
                TestFiles.i64(ByteOrder.LITTLE_ENDIAN, y));
    }

    private static List<String> quantize(String memoryMib, Path json) {
        List<String> a = new ArrayList<>(List.of("quantize", "--model", MODEL.toString(), "--data", data.toString(),
                "--labels", labels.toString(), "--calib-data", data.toString(), "--calib-size", "32", "--cle",
                "--bias-absorption", "--bias-correction", "empirical", "--memory-mib", memoryMib, "-q"));
        if (json != null) {
            a.addAll(List.of("--json", json.toString()));
        }
        return a;
    }

    @Test
    void impossibleBudgetIsRefusedBeforeTheWork() {
        // one sample of the stem output, in the FP32 and the quantized session with two copies each: 38 MiB > 16
        CliTest.Run r = CliTest.run(quantize("16", null).toArray(String[]::new));
        CliTest.assertInputError(r, "needs 37 MiB per sample", "memory budget of 16 MiB", "--memory-mib",
                "QUANTSCOPE_HEAP");
        assertFalse(r.out().contains("FP32"), "refused before evaluating: " + r.out());
    }

    /**
     * In a child JVM with a 160 MiB heap: unbudgeted, the fix-effects comparison would hold runs of 6 samples x 4
     * copies of about 12 MB of layer outputs (about 290 MB); with a 48 MiB budget every analysis streams in small runs
     * (the stem output in passes of its own) and the run completes, the peak heap after collections staying within
     * the heap; with a budget larger than the heap it runs out of memory and ends with a message and exit code 2,
     * not a stack trace.
     */
    @Test
    void smallHeapCompletesWithinTheBudgetAndAnOversizedBudgetEndsCleanly() throws Exception {
        Path json = dir.resolve("q.json");
        Child ok = child(quantize("48", json));
        assertEquals(0, ok.code, ok.err);
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertTrue(j.path("layerEffects").path("layers").size() > 0 || j.path("layerEffects").size() > 0,
                "per-layer fix effects written: " + j.path("layerEffects"));
        assertTrue(ok.err.isEmpty() || !ok.err.contains("\tat "), ok.err);

        Child oom = child(quantize("4096", null));
        assertEquals(2, oom.code, oom.err);
        assertTrue(oom.err.startsWith("error: out of memory"), oom.err);
        assertTrue(oom.err.contains("--memory-mib") && oom.err.contains("QUANTSCOPE_HEAP"), oom.err);
        assertFalse(oom.err.contains("\tat ") || oom.err.contains("Exception in thread"), oom.err);
    }

    @Test
    void budgetArithmetic() {
        String before = System.getProperty(MemoryBudget.PROPERTY);
        try {
            System.setProperty(MemoryBudget.PROPERTY, "100");
            assertEquals(100L << 20, MemoryBudget.captureBytes());
            assertEquals(10, MemoryBudget.samplesPerRun(10L << 20, 64, "x", null));
            assertEquals(8, MemoryBudget.samplesPerRun(1L << 20, 8, "x", null));
            assertEquals(1, MemoryBudget.samplesPerRun(100L << 20, 64, "x", null));
            System.setProperty(MemoryBudget.PROPERTY, "4096");
            // runs never exceed 256 MiB, whatever the budget: same run sizes (and numbers) on every machine
            assertEquals(25, MemoryBudget.samplesPerRun(10L << 20, 64, "x", null));
        } finally {
            if (before == null) {
                System.clearProperty(MemoryBudget.PROPERTY);
            } else {
                System.setProperty(MemoryBudget.PROPERTY, before);
            }
        }
    }

    record Child(int code, String out, String err) {
    }

    private static Child child(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx160m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("org.quantscope.Launcher");
        cmd.addAll(args);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(8, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("child did not finish: " + cmd);
        }
        return new Child(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
