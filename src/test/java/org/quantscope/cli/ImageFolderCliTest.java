package org.quantscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.core.data.TestFiles;

/**
 * {@code eval} on image folders from the command line: {@code --resize}/{@code --crop} (and the same keys in
 * dataset.json), {@code --skip-bad-files} (warning, provenance, the other samples' labels unchanged) and the exit code
 * 2 naming the file without it.
 */
class ImageFolderCliTest {

    @TempDir
    static Path dir;
    static Path clean;
    static Path withBad;

    @BeforeAll
    static void folders() throws Exception {
        clean = dir.resolve("clean");
        withBad = dir.resolve("bad");
        Random r = new Random(5);
        for (int c = 0; c < 4; c++) {
            for (int i = 0; i < 6; i++) {
                int[][] px = new int[10 + r.nextInt(5)][9 + r.nextInt(6)];
                for (int[] row : px) {
                    for (int x = 0; x < row.length; x++) {
                        row[x] = r.nextInt(256);
                    }
                }
                String name = "c" + c + "/" + i + ".png";
                TestFiles.grayPng(clean.resolve(name), px);
                TestFiles.grayPng(withBad.resolve(name), px);
            }
        }
        TestFiles.write(withBad.resolve("c1/3b.png"), "this is not a png".getBytes());
    }

    private static JsonNode json(Path p) throws Exception {
        return new ObjectMapper().readTree(p.toFile());
    }

    @Test
    void withoutTheFlagAnUnreadableFileStopsTheRunNamingIt() {
        CliTest.Run r = CliTest.run("eval", "--model", CliTest.TINY, "--data", withBad.toString(), "--resize", "8",
                "-q");
        CliTest.assertInputError(r, "3b.png", "not a readable PNG/JPEG image", "--skip-bad-files");
    }

    @Test
    void skippedFilesAreWarnedCountedAndMoveNoLabels() throws Exception {
        Path a = dir.resolve("clean.json");
        Path b = dir.resolve("skip.json");
        CliTest.Run ok = CliTest.run("eval", "--model", CliTest.TINY, "--data", clean.toString(), "--resize", "8",
                "--crop", "8", "-q", "--json", a.toString());
        assertEquals(0, ok.code(), ok.err());
        CliTest.Run skip = CliTest.run("eval", "--model", CliTest.TINY, "--data", withBad.toString(), "--resize", "8",
                "--crop", "8", "--skip-bad-files", "--decode-threads", "3", "-q", "--json", b.toString());
        assertEquals(0, skip.code(), skip.err());
        assertTrue(skip.err().contains("warning: skipped ") && skip.err().contains("3b.png"), skip.err());
        JsonNode x = json(a);
        JsonNode y = json(b);
        assertEquals(24, x.get("samples").asInt());
        assertEquals(24, y.get("samples").asInt());
        // The same samples with the same labels: the same confusion matrix, class by class.
        assertEquals(x.get("confusion"), y.get("confusion"));
        assertEquals(x.get("accuracy").asDouble(), y.get("accuracy").asDouble());
        JsonNode settings = y.get("provenance").get("settings");
        assertEquals("1", settings.get("skippedFiles").asText());
        assertTrue(settings.get("skippedFileList").asText().contains("3b.png"));
        assertEquals("true", settings.get("skipBadFiles").asText());
        assertEquals("8", settings.get("resize").asText());
        assertEquals("3", settings.get("decodeThreads").asText());
        assertFalse(x.get("provenance").get("settings").has("skippedFiles"));
        assertTrue(y.get("provenance").get("data").asText().contains("resize shorter side to 8"));
    }

    @Test
    void quantizeSkipsTheSameFileInTestDataAndCalibrationPool() throws Exception {
        Path a = dir.resolve("q-clean.json");
        Path b = dir.resolve("q-skip.json");
        CliTest.Run ok = CliTest.run("quantize", "--model", CliTest.TINY, "--data", clean.toString(), "--calib-data",
                clean.toString(), "--calib-size", "24", "--calib-sampling", "first", "--resize", "8", "-q", "--json",
                a.toString());
        assertEquals(0, ok.code(), ok.err());
        // 25 files, one unreadable: the calibration uses the other 24, the same samples as the clean pool.
        CliTest.Run skip = CliTest.run("quantize", "--model", CliTest.TINY, "--data", withBad.toString(),
                "--calib-data", withBad.toString(), "--calib-size", "25", "--calib-sampling", "first", "--resize", "8",
                "--skip-bad-files", "-q", "--json", b.toString());
        assertEquals(0, skip.code(), skip.err());
        assertTrue(skip.err().contains("of the test data skipped") && skip.err().contains("of the calibration pool"),
                skip.err());
        JsonNode x = json(a);
        JsonNode y = json(b);
        JsonNode settings = y.get("provenance").get("settings");
        assertEquals("1", settings.get("skippedFiles").asText());
        assertEquals("1", settings.get("calibrationSkippedFiles").asText());
        assertEquals(x.get("fp32").get("accuracy"), y.get("fp32").get("accuracy"));
        assertEquals(x.get("quantized").get("accuracy"), y.get("quantized").get("accuracy"));
        assertEquals(x.get("predictionAgreement"), y.get("predictionAgreement"));
    }

    @Test
    void datasetJsonResizeAndCropActLikeTheFlags() throws Exception {
        Path folder = dir.resolve("described");
        Files.createDirectories(folder);
        for (int c = 0; c < 4; c++) {
            try (var s = Files.list(clean.resolve("c" + c))) {
                for (Path f : s.toList()) {
                    Files.createDirectories(folder.resolve("c" + c));
                    Files.copy(f, folder.resolve("c" + c).resolve(f.getFileName()));
                }
            }
        }
        Files.writeString(folder.resolve("dataset.json"), "{\"resize\": 9, \"crop\": 8, \"scale\": 0.5}");
        Path a = dir.resolve("flags.json");
        Path b = dir.resolve("described.json");
        assertEquals(0, CliTest.run("eval", "--model", CliTest.TINY, "--data", clean.toString(), "--resize", "9",
                "--crop", "8", "--scale", "0.5", "-q", "--json", a.toString()).code());
        CliTest.Run r = CliTest.run("eval", "--model", CliTest.TINY, "--data", folder.toString(), "-q", "--json",
                b.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(json(a).get("confusion"), json(b).get("confusion"));
        // Different from resizing the whole image: the preprocessing really took effect.
        Path c = dir.resolve("stretch.json");
        assertEquals(0, CliTest.run("eval", "--model", CliTest.TINY, "--data", folder.toString(), "--resize", "0",
                "-q", "--json", c.toString()).code());
        assertFalse(json(c).get("provenance").get("data").asText().contains("resize shorter side"));
    }

    @Test
    void badResizeAndCropValuesAreRefused() throws Exception {
        CliTest.assertInputError(CliTest.run("eval", "--model", CliTest.TINY, "--data", clean.toString(), "--resize",
                "256", "--crop", "224"), "224x224", "8x8");
        CliTest.assertInputError(CliTest.run("eval", "--model", CliTest.TINY, "--data", CliTest.INPUT, "--labels",
                CliTest.LABELS, "--resize", "8"), "image folders only");
        CliTest.assertInputError(CliTest.run("eval", "--model", CliTest.TINY, "--data", clean.toString(), "--crop",
                "0"), "--crop");
        Path folder = dir.resolve("wrongkey");
        Files.createDirectories(folder.resolve("c0"));
        Files.copy(clean.resolve("c0/0.png"), folder.resolve("c0/0.png"));
        Files.writeString(folder.resolve("dataset.json"), "{\"resize\": \"big\"}");
        CliTest.assertInputError(CliTest.run("eval", "--model", CliTest.TINY, "--data", folder.toString()),
                "dataset.json", "\"resize\" must be a whole number of pixels");
    }
}
