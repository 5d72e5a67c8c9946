package org.quantscope.ui.main;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.chart.figure.ClassAccuracy;
import org.quantscope.core.demo.DemoAssets;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.ui.DemoFiles;
import org.quantscope.ui.task.CurrentThreadTaskRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.prefs.Preferences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The main view model driven synchronously ({@link CurrentThreadTaskRunner}) on the real demo model and data. */
class MainViewModelTest {

    private final CurrentThreadTaskRunner runner = new CurrentThreadTaskRunner();
    private final List<UserMessage> messages = new ArrayList<>();
    private Preferences prefs;
    private MainViewModel vm;
    private DemoAssets demo;

    @BeforeEach
    void setUp() {
        demo = DemoFiles.require();
        prefs = Preferences.userRoot().node("org/quantscope-test/" + UUID.randomUUID());
        vm = new MainViewModel(runner, new ModelDatasetOpener(), new RecentModels(prefs));
        vm.setMessageHandler(messages::add);
    }

    @AfterEach
    void tearDown() throws Exception {
        prefs.removeNode();
    }

    @Test
    void demoOpensWithSummaryLayersAndTestData() {
        vm.openDemo(false);
        OnnxModel model = OnnxModelLoader.load(demo.model());

        assertEquals(List.of(), messages);
        ModelSummary s = vm.summaryProperty().get();
        assertNotNull(s);
        assertEquals("mobilenet-fmnist.onnx", s.fileName());
        assertEquals(String.format(Locale.ROOT, "%,d", model.parameterCount()), s.parameters());
        assertEquals(String.valueOf(model.layers().size()), s.layers());
        assertEquals(String.valueOf(model.opset()), s.opset());
        assertEquals(model.layers().size(), vm.layers().size());
        assertEquals(model.layers().get(0).name(), vm.layers().get(0).name());
        assertTrue(s.inputsOutputs().startsWith("input: " + model.inputs().get(0).name() + " float32 ["),
                s.inputsOutputs());
        assertTrue(s.inputsOutputs().matches(".*→\\s+" + model.outputs().get(0).name() + " \\[.*"),
                s.inputsOutputs());
        assertTrue(vm.dataTextProperty().get().contains("10,000 samples · 10 classes"), vm.dataTextProperty().get());
        assertEquals(MainViewModel.NO_VALUE, vm.accuracyTextProperty().get());
        assertTrue(vm.shaTextProperty().get().startsWith("SHA-256 " + model.sha256().substring(0, 12)));
        assertTrue(vm.canEvaluateBinding().get());
        assertFalse(vm.busyProperty().get());
        assertEquals(List.of(), vm.recentModels(), "the demo is not a user file");
    }

    @Test
    void evaluationFillsAccuracyTileChartAndThroughput() throws Exception {
        vm.openDemo(false);
        vm.evaluate();

        assertEquals(List.of(), messages);
        String acc = vm.accuracyTextProperty().get();
        assertTrue(acc.matches("\\d{1,3}\\.\\d\\d %"), acc);
        double percent = Double.parseDouble(acc.replace(" %", ""));
        assertTrue(percent > 50 && percent <= 100, "the demo model is trained: " + acc);
        assertEquals(10, vm.classAccuracies().size());
        assertEquals("T-shirt/top", vm.classAccuracies().get(0).className());
        int samples = 0;
        int correct = 0;
        for (ClassAccuracy c : vm.classAccuracies()) {
            assertTrue(c.percent() >= 0 && c.percent() <= 100, c.toString());
            assertEquals(100.0 * c.correct() / c.samples(), c.percent(), 1e-9);
            samples += c.samples();
            correct += c.correct();
        }
        assertEquals(10_000, samples);
        assertEquals(String.format(Locale.ROOT, "%.2f %%", 100.0 * correct / samples), acc);
        assertTrue(vm.throughputTextProperty().get().endsWith(" images/s"), vm.throughputTextProperty().get());

        // Golden numbers: PyTorch's FP32 results when the demo was made; ONNX Runtime may flip at most 2 of the
        // 10,000 predictions (none of the demo's top-2 logit margins is below 1e-3).
        JsonNode ref = new ObjectMapper().readTree(demo.fp32Reference().toFile()).get("mobilenet-fmnist.onnx");
        assertEquals(ref.get("correct").asInt(), correct, 2);
        for (int k = 0; k < 10; k++) {
            assertEquals(ref.get("perClassAccuracy").get(k).asDouble() * 100, vm.classAccuracies().get(k).percent(),
                    0.2 + 1e-6, "class " + k);
        }
        assertTrue(vm.statusTextProperty().get().startsWith("FP32 accuracy " + acc));
        assertEquals(0.0, vm.progressProperty().get());
    }

    @Test
    void aNonOnnxFileGivesAMessageAndKeepsTheOpenModelAndResult(@TempDir Path dir) throws Exception {
        vm.openDemo(false);
        vm.evaluate();
        String accuracy = vm.accuracyTextProperty().get();
        Path notModel = Files.writeString(dir.resolve("notes.onnx"), "these are notes, not a model");

        vm.openModel(notModel);

        assertEquals(1, messages.size());
        assertEquals("Cannot open model", messages.get(0).title());
        assertTrue(messages.get(0).text().contains("notes.onnx"), messages.get(0).text());
        assertFalse(messages.get(0).text().contains("Exception"), "no stack trace or class names for the user");
        assertEquals("mobilenet-fmnist.onnx", vm.summaryProperty().get().fileName());
        assertEquals(accuracy, vm.accuracyTextProperty().get());
        assertEquals(10, vm.classAccuracies().size());
        assertEquals(List.of(), vm.recentModels(), "a failed open is not remembered");
        assertFalse(vm.busyProperty().get());
    }

    @Test
    void droppingAFileThatIsNotOnnxExplainsWhatCanBeDropped() {
        vm.openDemo(false);
        int jobs = runner.jobsRun();

        vm.openDropped(List.of(Path.of("/data/cat.png")));

        assertEquals(jobs, runner.jobsRun(), "nothing is opened");
        assertEquals(1, messages.size());
        assertEquals("Not an ONNX model", messages.get(0).title());
        assertTrue(messages.get(0).text().contains("cat.png"));
        assertTrue(messages.get(0).text().contains(".onnx"));
    }

    @Test
    void droppedOnnxModelOpensAndJoinsRecentModels(@TempDir Path dir) throws Exception {
        vm.openDemo(false);
        Path copy = Files.copy(demo.model(), dir.resolve("copy.onnx"));

        vm.openDropped(List.of(dir.resolve("readme.txt"), copy));

        assertEquals(List.of(), messages);
        assertEquals("copy.onnx", vm.summaryProperty().get().fileName());
        assertEquals(List.of(copy.toAbsolutePath()), vm.recentModels());
        assertEquals(List.of(copy.toAbsolutePath()), new RecentModels(prefs).list(), "stored in preferences");
        assertTrue(vm.titleProperty().get().endsWith("copy.onnx"));
    }

    @Test
    void dataThatDoesNotFitTheModelIsRefusedAndTheOldDataKept() {
        vm.openDemo(false);
        String before = vm.dataTextProperty().get();

        vm.openData(new DataSelection(demo.testLabels(), null));

        assertEquals(1, messages.size());
        assertEquals("Cannot open data", messages.get(0).title());
        assertFalse(messages.get(0).text().isBlank());
        assertEquals(before, vm.dataTextProperty().get());
        assertEquals(demo.testImages(), vm.dataProperty().get().data());
    }

    @Test
    void anImageFolderWithAnUnreadableFileIsEvaluatedWhenSkippingIsOnAndTheFileNamed(@TempDir Path dir)
            throws Exception {
        vm.openModel(Path.of("src/test/resources/models/tiny_cnn.onnx"));
        for (int c = 0; c < 4; c++) {
            for (int i = 0; i < 3; i++) {
                org.quantscope.core.data.TestFiles.grayPng(dir.resolve("c" + c).resolve(i + ".png"),
                        org.quantscope.core.data.TestFiles.uniform(9, 8, 40 * c + i));
            }
        }
        org.quantscope.core.data.TestFiles.write(dir.resolve("c2/broken.png"), new byte[] {1, 2, 3});
        vm.openData(new DataSelection(dir, null, false));
        vm.evaluate();
        assertEquals(1, messages.size());
        assertEquals("Evaluation failed", messages.get(0).title());
        assertTrue(messages.get(0).text().contains("broken.png"), messages.get(0).text());

        messages.clear();
        vm.skipBadFilesProperty().set(true);
        vm.openData(new DataSelection(dir, null, vm.skipBadFilesProperty().get()));
        assertTrue(vm.dataTextProperty().get().contains("skipping unreadable images"), vm.dataTextProperty().get());
        vm.evaluate();
        assertEquals(1, messages.size());
        assertEquals("Unreadable images skipped", messages.get(0).title());
        assertTrue(messages.get(0).text().contains("broken.png") && messages.get(0).text().contains("other 12"),
                messages.get(0).text());
        assertFalse(MainViewModel.NO_VALUE.equals(vm.accuracyTextProperty().get()));
    }

    @Test
    void cancelledEvaluationChangesNothingAndShowsNoDialog() {
        vm.openDemo(false);
        runner.cancelNextJob();

        vm.evaluate();

        assertEquals(List.of(), messages);
        assertEquals("Cancelled", vm.statusTextProperty().get());
        assertEquals(MainViewModel.NO_VALUE, vm.accuracyTextProperty().get());
        assertTrue(vm.classAccuracies().isEmpty());
        assertFalse(vm.busyProperty().get());
        assertTrue(vm.canEvaluateBinding().get());
    }

    @Test
    void aModelItCannotFeedOpensWithItsStructureAndSaysWhatCannotBeDone() {
        vm.openModel(Path.of("src/test/resources/models/legacy/multi_input.onnx"));

        assertEquals(List.of(), messages, "opening is not an error");
        ModelSummary s = vm.summaryProperty().get();
        assertEquals("multi_input.onnx", s.fileName());
        assertEquals(1, vm.layers().size());
        assertTrue(s.inputsOutputs().startsWith("inputs: a float32 [N, 4], b float32 [N, 4]"), s.inputsOutputs());
        assertEquals("Cannot evaluate, quantize, diagnose, reliability, export QDQ: 2 data inputs (a [N, 4], "
                + "b [N, 4]); QuantScope feeds one image or feature input.", s.limits());
        assertFalse(s.canEvaluate());
        assertTrue(vm.statusTextProperty().get().contains(s.limits()), vm.statusTextProperty().get());

        vm.openData(new DataSelection(demo.testImages(), demo.testLabels()));
        assertFalse(vm.canEvaluateBinding().get());
        assertEquals(1, messages.size());
        assertTrue(messages.get(0).text().contains("2 data inputs"), messages.get(0).text());
    }

    @Test
    void anOpset9FileShowsItsOwnOpsetAndThatItIsAnalysedAsOpset13() {
        vm.openModel(Path.of("src/test/resources/models/legacy/legacy_cnn_opset9.onnx"));

        assertEquals(List.of(), messages);
        ModelSummary s = vm.summaryProperty().get();
        assertEquals("9", s.opset());
        assertTrue(s.opsetDetail().startsWith("ONNX IR 3") && s.opsetDetail().endsWith("analysed as opset 13"),
                s.opsetDetail());
        assertEquals("", s.limits());
        assertTrue(s.canEvaluate());
        assertTrue(s.inputsOutputs().startsWith("input: input float32 [N, 1, 28, 28]"), s.inputsOutputs());
    }
}
