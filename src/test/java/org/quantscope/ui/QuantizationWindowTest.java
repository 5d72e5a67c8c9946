package org.quantscope.ui;

import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.quantscope.chart.Plot;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.sim.QuantizationSimulator;
import org.quantscope.core.sim.QuantizerSite;
import org.quantscope.ui.chart.PlotView;
import org.quantscope.ui.quantize.QuantizerRow;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Headless (Monocle) test of the quantization tab of the real window on the demo model: choosing per-channel weights
 * and clicking Simulate fills the tiles and the per-class comparison; selecting a layer shows its calibrated
 * quantizers with their encodings; a preset disables the granularity it fixes.
 */
@ExtendWith(ApplicationExtension.class)
class QuantizationWindowTest {

    private static final long TIMEOUT_S = 180;

    private DemoWindow window;
    private Workbench workbench;

    @Start
    void start(Stage stage) {
        window = DemoWindow.open(stage);
        workbench = window.workbench();
    }

    @AfterEach
    void tearDown() throws Exception {
        window.close();
    }

    @Test
    void simulateFillsTilesChartAndTheQuantizersOfTheSelectedLayer(FxRobot robot) throws Exception {
        robot.clickOn("#quantizationTab");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("quantizationTab", workbench.view().tabs().getSelectionModel().getSelectedItem().getId());
        Button simulate = robot.lookup("#simulateButton").queryButton();
        WaitForAsyncUtils.waitFor(TIMEOUT_S, TimeUnit.SECONDS, () -> !simulate.isDisabled());
        @SuppressWarnings("unchecked")
        TableView<QuantizerRow> quantizers = robot.lookup("#quantizerTable").queryAs(TableView.class);
        OnnxModel model = workbench.main().modelProperty().get();
        List<QuantizerSite> sites = QuantizationSimulator.sites(model, workbench.quantization().form().settings());
        WaitForAsyncUtils.waitFor(TIMEOUT_S, TimeUnit.SECONDS, () -> quantizers.getItems().size() == sites.size());
        assertEquals(QuantizerRow.NOT_CALIBRATED, quantizers.getItems().get(0).scale(), "placement before simulating");
        Label quantized = robot.lookup("#quantizedValue").queryAs(Label.class);
        assertEquals("—", quantized.getText());

        @SuppressWarnings("unchecked")
        ComboBox<Object> granularity = robot.lookup("#granularityChoice").queryAs(ComboBox.class);
        chooseInPopup(robot, granularity, "per-channel");
        robot.clickOn(simulate);
        WaitForAsyncUtils.waitFor(TIMEOUT_S, TimeUnit.SECONDS, () -> quantized.getText().matches("\\d+\\.\\d\\d %"));
        WaitForAsyncUtils.waitForFxEvents();

        String fp32 = robot.lookup("#simFp32Value").queryAs(Label.class).getText();
        assertEquals(robot.lookup("#accuracyValue").queryAs(Label.class).getText(), fp32, "Model tab shows it too");
        double drop = Double.parseDouble(fp32.replace(" %", "")) - Double.parseDouble(quantized.getText()
                .replace(" %", ""));
        String dropText = robot.lookup("#dropValue").queryAs(Label.class).getText();
        assertEquals(drop, Double.parseDouble(dropText.replace(" pts", "")), 0.011, dropText);
        assertTrue(drop < 1, "per-channel W8A8 keeps the demo's accuracy: " + fp32 + " vs " + quantized.getText());
        assertTrue(robot.lookup("#quantizedValueDetail").queryAs(Label.class).getText()
                .startsWith("W8A8 per-channel"));
        assertTrue(robot.lookup("#provenanceLabel").queryAs(Label.class).getText().startsWith("Result of W8A8"));
        assertFalse(robot.lookup("#staleBadge").queryAs(Label.class).isVisible());

        Plot chart = robot.lookup("#classComparisonChart").queryAs(PlotView.class).getPlot();
        assertEquals(2, chart.legend().size(), "FP32 and quantized series");
        for (Plot.Legend series : chart.legend()) {
            assertEquals(10, chart.boxes().stream().filter(b -> b.kind().equals("bar") && b.role() == series.role())
                    .count());
        }

        String layer = model.layers().get(1).name();
        robot.clickOn(layer);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(quantizers.getItems().size() >= 2, "weight and output quantizer");
        assertTrue(quantizers.getItems().stream().allMatch(q -> q.layer().equals(layer)));
        QuantizerRow weight = quantizers.getItems().stream().filter(q -> q.kind().equals("weight")).findFirst()
                .orElseThrow();
        assertEquals("per-channel", weight.granularity());
        assertTrue(weight.scale().startsWith(model.layers().get(1).weightShape()[0] + " ch "), weight.scale());
        assertTrue(robot.lookup("#quantizerCaption").queryAs(Label.class).getText().contains(layer));
        assertEquals(layer, workbench.main().selectedLayerProperty().get(), "shared with the model tab");

        @SuppressWarnings("unchecked")
        ComboBox<Object> preset = robot.lookup("#presetChoice").queryAs(ComboBox.class);
        chooseInPopup(robot, preset, "snpe");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(granularity.isDisabled(), "the preset fixes the granularity");
        assertEquals("per-tensor", granularity.getConverter().toString(granularity.getValue()));
        assertTrue(robot.lookup("#staleBadge").queryAs(Label.class).isVisible(), "the result is now stale");
        assertFalse(robot.lookup("#weightBitsSpinner").query().isDisabled(), "bits stay editable");
    }

    /** Opens a combo box's list with a click and clicks the entry showing {@code text}. */
    private static void chooseInPopup(FxRobot robot, ComboBox<Object> combo, String text) throws Exception {
        robot.clickOn(combo);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, combo::isShowing);
        WaitForAsyncUtils.waitForFxEvents();
        Node cell = robot.lookup(".list-cell").match((Node n) -> n instanceof ListCell<?> c && text.equals(c.getText()))
                .query();
        robot.clickOn(cell);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(text, combo.getConverter() == null ? String.valueOf(combo.getValue())
                : combo.getConverter().toString(combo.getValue()));
    }
}
