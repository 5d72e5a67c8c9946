package org.quantscope.ui;

import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.chart.Plot;
import org.quantscope.ui.chart.PlotView;
import org.quantscope.ui.main.MainView;
import org.quantscope.ui.main.MainViewModel;
import org.quantscope.ui.main.ModelDatasetOpener;
import org.quantscope.ui.main.RecentModels;
import org.quantscope.ui.task.FxTaskRunner;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Headless (Monocle) test of the real main window on the demo model: Evaluate fills the accuracy tile and one bar per
 * class; a file that is not a model gives an error dialog and the model stays open.
 */
@ExtendWith(ApplicationExtension.class)
class MainWindowTest {

    private static final long TIMEOUT_S = 120;

    private final Preferences prefs = Preferences.userRoot().node("org/quantscope-test/" + UUID.randomUUID());
    private FxTaskRunner runner;
    private MainViewModel vm;

    @Start
    void start(Stage stage) {
        DemoFiles.require();
        runner = new FxTaskRunner();
        vm = new MainViewModel(runner, new ModelDatasetOpener(), new RecentModels(prefs));
        MainView view = new MainView(vm, stage);
        // Monocle's headless screen is 1280x800; a larger window overflows its frame buffer.
        stage.setScene(new Scene(view.root(), 1240, 760));
        stage.show();
        vm.openDemo(false);
    }

    @AfterEach
    void tearDown() throws Exception {
        runner.shutdown();
        prefs.removeNode();
    }

    @Test
    void evaluateShowsAccuracyAndOneBarPerClass(FxRobot robot) throws Exception {
        Button evaluate = robot.lookup("#evaluateButton").queryButton();
        WaitForAsyncUtils.waitFor(TIMEOUT_S, TimeUnit.SECONDS, () -> !evaluate.isDisabled());
        Label accuracy = robot.lookup("#accuracyValue").queryAs(Label.class);
        assertEquals(MainViewModel.NO_VALUE, accuracy.getText());

        robot.clickOn("#evaluateButton");
        WaitForAsyncUtils.waitFor(TIMEOUT_S, TimeUnit.SECONDS, () -> accuracy.getText().matches("\\d+\\.\\d\\d %"));
        WaitForAsyncUtils.waitForFxEvents();

        PlotView chart = robot.lookup("#classAccuracyChart").queryAs(PlotView.class);
        Plot plot = chart.getPlot();
        List<Plot.Box> bars = plot.boxes().stream().filter(b -> b.kind().equals("bar")).toList();
        assertEquals(1, bars.stream().map(Plot.Box::role).distinct().count(), "one series");
        assertEquals(10, bars.size());
        assertEquals(Set.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                "Ankle boot"), bars.stream().map(b -> className(plot, b)).collect(Collectors.toSet()));
        Set<Node> nodes = robot.lookup("#classAccuracyChart .plot-bar").queryAll();
        assertEquals(bars.size(), nodes.size());
        for (Node node : nodes) {
            Plot.Box bar = (Plot.Box) node.getUserData();
            double v = bar.x1();
            assertTrue(v >= 0 && v <= 100, className(plot, bar) + " " + v);
            assertTrue(node.getParent() != null, "bar drawn for " + className(plot, bar));
            assertTrue(v == 0 || node.getBoundsInParent().getWidth() > 0, "bar has a length");
        }
        assertTrue(robot.lookup("#throughputLabel").queryAs(Label.class).getText().endsWith("images/s"));

        Node first = nodes.stream().filter(n -> className(plot, (Plot.Box) n.getUserData()).equals("T-shirt/top"))
                .findFirst().orElseThrow();
        robot.moveTo(first);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> tooltipText(robot).isPresent()); // slow on a loaded machine
        String tip = tooltipText(robot).orElseThrow();
        assertTrue(tip.matches("T-shirt/top: \\d+\\.\\d\\d % \\([\\d,]+ of 1,000 correct\\)"), tip);
    }

    /** The class of a bar: the category label of its row. */
    private static String className(Plot plot, Plot.Box bar) {
        return plot.y().ticks().get((int) Math.round((bar.y0() + bar.y1()) / 2)).label();
    }

    private static Optional<String> tooltipText(FxRobot robot) {
        for (Window w : robot.listWindows()) {
            if (w instanceof Tooltip t && t.isShowing()) {
                return Optional.of(t.getText());
            }
        }
        return Optional.empty();
    }

    @Test
    void aFileThatIsNotAModelShowsAnErrorAndKeepsTheModel(FxRobot robot, @TempDir Path dir) throws Exception {
        Label modelName = robot.lookup("#modelNameLabel").queryAs(Label.class);
        WaitForAsyncUtils.waitFor(TIMEOUT_S, TimeUnit.SECONDS, () -> !vm.busyProperty().get()
                && modelName.getText().equals("mobilenet-fmnist.onnx"));
        TableView<?> layers = robot.lookup("#layerTable").queryAs(TableView.class);
        int rows = layers.getItems().size();
        assertTrue(rows > 0);
        Path bogus = Files.writeString(dir.resolve("weights.onnx"), "not a protobuf at all");

        robot.interact(() -> vm.openModel(bogus));
        WaitForAsyncUtils.waitFor(TIMEOUT_S, TimeUnit.SECONDS, () -> errorDialog(robot).isPresent());

        DialogPane dialog = errorDialog(robot).orElseThrow();
        assertEquals("Cannot open model", dialog.getHeaderText());
        assertTrue(dialog.getContentText().contains("weights.onnx"), dialog.getContentText());
        assertFalse(dialog.getContentText().contains("at org."), "no stack trace");
        robot.clickOn(robot.from(dialog).lookup(".button").queryButton());
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(errorDialog(robot).isEmpty());
        assertEquals("mobilenet-fmnist.onnx", modelName.getText());
        assertEquals(rows, layers.getItems().size());
        assertFalse(robot.lookup("#evaluateButton").queryButton().isDisabled(), "the window stays usable");
    }

    @Test
    void aModelWithTwoInputsOpensWithItsLayersAndSaysWhatCannotBeDone(FxRobot robot) throws Exception {
        Label modelName = robot.lookup("#modelNameLabel").queryAs(Label.class);
        WaitForAsyncUtils.waitFor(TIMEOUT_S, TimeUnit.SECONDS, () -> !vm.busyProperty().get()
                && modelName.getText().equals("mobilenet-fmnist.onnx"));
        Label limits = robot.lookup("#limitsLabel").queryAs(Label.class);
        assertFalse(limits.isVisible(), "the demo can do everything");

        robot.interact(() -> vm.openModel(Path.of("src/test/resources/models/legacy/multi_input.onnx")));
        WaitForAsyncUtils.waitFor(TIMEOUT_S, TimeUnit.SECONDS, () -> !vm.busyProperty().get()
                && modelName.getText().equals("multi_input.onnx"));
        WaitForAsyncUtils.waitForFxEvents();

        assertTrue(errorDialog(robot).isEmpty(), "opening such a model is not an error");
        assertTrue(limits.isVisible());
        assertTrue(limits.getText().startsWith("Cannot evaluate, quantize, diagnose, reliability, export QDQ: 2 data "
                + "inputs (a [N, 4], b [N, 4])"), limits.getText());
        assertEquals(1, robot.lookup("#layerTable").queryAs(TableView.class).getItems().size());
        assertTrue(robot.lookup("#ioLabel").queryAs(Label.class).getText().startsWith("inputs: a float32"));
        assertTrue(robot.lookup("#evaluateButton").queryButton().isDisabled());
    }

    private static Optional<DialogPane> errorDialog(FxRobot robot) {
        for (Window w : robot.listWindows()) {
            if (w.isShowing() && w.getScene() != null && w.getScene().getRoot() instanceof DialogPane pane) {
                return Optional.of(pane);
            }
        }
        return Optional.empty();
    }
}
