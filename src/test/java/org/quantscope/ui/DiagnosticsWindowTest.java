package org.quantscope.ui;

import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.quantscope.chart.Plot;
import org.quantscope.chart.figure.LayerFinding;
import org.quantscope.ui.chart.ChartCard;
import org.quantscope.ui.chart.PlotView;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Headless (Monocle) test of the Diagnostics tab of the real window on the demo: simulate (per-tensor W8A8), diagnose
 * on 200 samples, click a bar of the layerwise error chart, check that the selection and the weight histogram follow,
 * and export a chart as PNG and SVG.
 */
@ExtendWith(ApplicationExtension.class)
class DiagnosticsWindowTest {

    private static final long TIMEOUT_S = 240;

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
    void diagnoseClickALayerAndExportAChart(FxRobot robot, @TempDir Path dir) throws Exception {
        window.simulate(robot, TIMEOUT_S);

        robot.clickOn("#diagnosticsTab");
        robot.interact(() -> workbench.diagnostics().samplesProperty().set(200));
        Button diagnose = robot.lookup("#diagnoseButton").queryButton();
        WaitForAsyncUtils.waitFor(TIMEOUT_S, TimeUnit.SECONDS, () -> !diagnose.isDisabled());
        robot.clickOn(diagnose);
        WaitForAsyncUtils.waitFor(TIMEOUT_S, TimeUnit.SECONDS,
                () -> workbench.diagnostics().diagnosisProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#diagnosisProvenance").queryAs(Label.class).getText().contains("200 test samples"));
        assertTrue(robot.lookup("#diagFullValue").queryAs(Label.class).getText().matches("\\d+\\.\\d\\d %"));
        assertEquals("passed", robot.lookup("#diagSanityValue").queryAs(Label.class).getText());

        String before = workbench.main().selectedLayerProperty().get();
        assertNotNull(before, "the diagnosis selects the worst flagged layer");
        PlotView weights = robot.lookup("#weightHistogramChart").queryAs(PlotView.class);
        Plot weightPlot = weights.getPlot();
        assertNotNull(weightPlot);
        String target = before.equals("/features/features.3/Conv") ? "/features/features.21/Conv"
                : "/features/features.3/Conv";
        assertTrue(workbench.diagnostics().findings().stream().map(LayerFinding::name).anyMatch(target::equals));
        Node bar = robot.lookup("#layerErrorChart .plot-bar").match((Node n) -> n.getUserData() instanceof Plot.Box b
                && target.equals(b.key())).query();
        robot.clickOn(bar);
        WaitForAsyncUtils.waitForFxEvents();

        assertEquals(target, workbench.main().selectedLayerProperty().get(), "clicking a bar selects its layer");
        assertNotSame(weightPlot, weights.getPlot(), "the weight histogram follows the selection");
        assertEquals(target, workbench.diagnostics().weightHistogramProperty().get().layer());
        long bins = java.util.Arrays.stream(workbench.diagnostics().weightHistogramProperty().get().histogram()
                .counts()).filter(c -> c > 0).count();
        assertEquals(bins, robot.lookup("#weightHistogramChart .plot-bin").queryAll().size(), "one node per bin");
        assertTrue(robot.lookup("#layerErrorChart .plot-band").match((Node n) -> n.getUserData() instanceof Plot.Box b
                && target.equals(b.key())).tryQuery().isPresent(), "the selected layer is highlighted");
        assertTrue(robot.lookup("#layerDetails").queryAs(Label.class).getText().startsWith(target));

        Node redrawn = robot.lookup("#layerErrorChart .plot-bar").match((Node n) -> n.getUserData()
                instanceof Plot.Box b && target.equals(b.key())).query();
        robot.moveTo("#diagnoseButton");
        robot.moveTo(redrawn);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> tooltipText(robot).contains(target));
        assertTrue(tooltipText(robot).matches("(?s).*\\d+\\.\\d{4} steps.*"), tooltipText(robot));
        // Leave no tooltip showing: JavaFX keeps tooltip state in a static behaviour shared with later window tests.
        robot.moveTo("#diagnoseButton");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> tooltipText(robot).isEmpty());

        ChartCard card = workbench.diagnosticsPanel().card("layerErrorChart");
        // Monocle's robot does not turn a right click into a context-menu request, so send the request itself.
        robot.interact(() -> {
            javafx.geometry.Point2D p = card.root().localToScreen(40, 40);
            card.root().fireEvent(new javafx.scene.input.ContextMenuEvent(
                    javafx.scene.input.ContextMenuEvent.CONTEXT_MENU_REQUESTED, 40, 40, p.getX(), p.getY(), false,
                    null));
        });
        WaitForAsyncUtils.waitForFxEvents();
        List<String> items = new ArrayList<>();
        for (Window w : robot.listWindows()) {
            if (w instanceof ContextMenu m && m.isShowing()) {
                m.getItems().stream().map(MenuItem::getText).forEach(items::add);
                robot.interact(m::hide);
            }
        }
        assertEquals(List.of("Save as PNG…", "Save as SVG…"), items);

        Path png = dir.resolve("error.png");
        Path svg = dir.resolve("error.svg");
        robot.interact(() -> {
            try {
                card.savePng(png);
                card.saveSvg(svg);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "the PNG decodes");
        assertEquals(Math.round(card.root().getWidth()), image.getWidth());
        assertEquals(Math.round(card.root().getHeight()), image.getHeight());
        assertTrue(Files.size(png) > 5_000, "a real picture, not an empty image: " + Files.size(png));
        assertNotEquals(image.getRGB(5, 5), image.getRGB(image.getWidth() / 2, image.getHeight() / 2));

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
        NodeList rects = doc.getElementsByTagName("rect");
        int svgBars = 0;
        boolean targetBar = false;
        for (int i = 0; i < rects.getLength(); i++) {
            Element r = (Element) rects.item(i);
            if (r.getAttribute("class").equals("bar")) {
                svgBars++;
                targetBar |= r.getAttribute("data-key").equals(target)
                        && r.getTextContent().contains("steps");
            }
        }
        long plotBars = card.view().getPlot().boxes().stream().filter(b -> b.kind().equals("bar")).count();
        assertEquals(2L * workbench.diagnostics().findings().size(), plotBars, "propagated and isolated per layer");
        assertEquals(plotBars, svgBars, "the SVG holds the same bars");
        assertTrue(targetBar, "with their exact values as titles");
        NodeList lines = doc.getElementsByTagName("line");
        boolean threshold = false;
        for (int i = 0; i < lines.getLength(); i++) {
            threshold |= ((Element) lines.item(i)).getAttribute("class").equals("threshold");
        }
        assertTrue(threshold, "the threshold line is exported");
    }

    private static String tooltipText(FxRobot robot) {
        for (Window w : robot.listWindows()) {
            if (w instanceof javafx.scene.control.Tooltip t && t.isShowing()) {
                return t.getText();
            }
        }
        return "";
    }
}
