package org.quantscope.ui;

import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.quantscope.chart.Plot;
import org.quantscope.core.reliability.ReliabilityResult;
import org.quantscope.ui.chart.PlotView;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Headless (Monocle) test of the Reliability tab of the real window on the demo: simulate, run four trials, and check
 * that the box plot receives trials while the experiment is still running, then shows one box per class plus overall
 * and worst class, with the worst-class tile and the reading filled in.
 */
@ExtendWith(ApplicationExtension.class)
class ReliabilityWindowTest {

    private static final long TIMEOUT_S = 240;
    private static final int TRIALS = 4;

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
    void boxPlotGrowsWhileTheTrialsRun(FxRobot robot) throws Exception {
        window.simulate(robot, TIMEOUT_S);

        robot.clickOn("#reliabilityTab");
        PlotView chart = robot.lookup("#reliabilityChart").queryAs(PlotView.class);
        List<int[]> whileRunning = new CopyOnWriteArrayList<>();
        robot.interact(() -> {
            workbench.reliability().trialsProperty().set(TRIALS);
            chart.plotProperty().addListener((o, was, p) -> {
                ReliabilityResult r = workbench.reliability().resultProperty().get();
                if (p != null && r != null && workbench.main().jobs().busyProperty().get()) {
                    long boxes = p.boxes().stream().filter(b -> b.kind().equals("box")).count();
                    whileRunning.add(new int[] {r.trials().size(), (int) boxes});
                }
            });
        });
        Button run = robot.lookup("#reliabilityRunButton").queryButton();
        WaitForAsyncUtils.waitFor(TIMEOUT_S, TimeUnit.SECONDS, () -> !run.isDisabled());
        robot.clickOn(run);
        WaitForAsyncUtils.waitFor(TIMEOUT_S, TimeUnit.SECONDS, () -> {
            ReliabilityResult r = workbench.reliability().resultProperty().get();
            return r != null && r.complete() && !workbench.main().jobs().busyProperty().get();
        });
        WaitForAsyncUtils.waitForFxEvents();

        assertTrue(whileRunning.stream().anyMatch(s -> s[0] >= 1 && s[0] < TRIALS && s[1] == 12),
                "the chart showed trials before the experiment ended: "
                        + whileRunning.stream().map(s -> s[0] + " trials/" + s[1] + " boxes").toList());
        Plot p = chart.getPlot();
        assertEquals(12, p.boxes().stream().filter(b -> b.kind().equals("box")).count(),
                "10 classes, overall, worst class");
        assertTrue(p.boxes().stream().anyMatch(b -> b.tooltip().contains("median") && b.tooltip().contains("Q3")));
        assertEquals(12, robot.lookup("#reliabilityChart .plot-box").queryAll().size(), "one node per box");
        assertEquals(TRIALS + " / " + TRIALS, robot.lookup("#reliabilityTrialsValue").queryAs(Label.class).getText());
        String worst = robot.lookup("#reliabilityWorstValue").queryAs(Label.class).getText();
        assertTrue(workbench.reliability().resultProperty().get().classNames().contains(worst), worst);
        String reading = robot.lookup("#reliabilityReading").queryAs(Label.class).getText();
        assertTrue(reading.startsWith("Class " + worst + " drops") && reading.contains("over " + TRIALS + " seeds"),
                reading);

        ReliabilityResult before = workbench.reliability().resultProperty().get();
        robot.interact(() -> workbench.reliability().trialsProperty().set(2));
        robot.clickOn("#reliabilityContinueButton");
        WaitForAsyncUtils.waitFor(TIMEOUT_S, TimeUnit.SECONDS, () -> {
            ReliabilityResult r = workbench.reliability().resultProperty().get();
            return r != null && r != before && r.complete() && !workbench.main().jobs().busyProperty().get();
        });
        WaitForAsyncUtils.waitForFxEvents();
        ReliabilityResult more = workbench.reliability().resultProperty().get();
        assertEquals(TRIALS + 2, more.trials().size(), "Continue adds two seeds");
        assertEquals(before.trials(), more.trials().subList(0, TRIALS), "the first trials are kept as they were");
        assertEquals((TRIALS + 2) + " / " + (TRIALS + 2),
                robot.lookup("#reliabilityTrialsValue").queryAs(Label.class).getText());
    }

    /**
     * Pin a configuration, simulate another one (per-channel, with CLE), run a size sweep: both configurations get
     * boxes side by side for every class, one condition per calibration size, and choosing another condition redraws.
     */
    @Test
    void pinnedConfigurationIsComparedSideBySideUnderASizeSweep(FxRobot robot) throws Exception {
        window.simulate(robot, TIMEOUT_S);
        robot.clickOn("#reliabilityTab");
        robot.clickOn("#reliabilityPinButton");
        assertTrue(workbench.reliability().pinnedTextProperty().get().contains("W8A8 per-tensor"),
                workbench.reliability().pinnedTextProperty().get());

        robot.interact(() -> {
            workbench.quantization().form().granularityProperty().set(
                    org.quantscope.core.quant.Granularity.PER_CHANNEL);
            workbench.quantization().form().fixesForm().cleProperty().set(true);
            workbench.quantization().simulate();
        });
        WaitForAsyncUtils.waitFor(TIMEOUT_S, TimeUnit.SECONDS, () -> workbench.quantization().fixOutcomeProperty()
                .get() != null && !workbench.main().jobs().busyProperty().get());
        robot.interact(() -> {
            workbench.reliability().trialsProperty().set(2);
            workbench.reliability().perturbationProperty().set(
                    org.quantscope.core.reliability.Perturbation.SIZE);
        });
        robot.clickOn("#reliabilityRunButton");
        WaitForAsyncUtils.waitFor(TIMEOUT_S, TimeUnit.SECONDS, () -> {
            ReliabilityResult r = workbench.reliability().resultProperty().get();
            return r != null && r.complete() && !workbench.main().jobs().busyProperty().get();
        });
        WaitForAsyncUtils.waitForFxEvents();

        ReliabilityResult r = workbench.reliability().resultProperty().get();
        assertEquals(2, r.configurations().size());
        assertTrue(r.configurations().get(1).contains("CLE"), r.configurations().toString());
        assertEquals(List.of("calibration size 1", "calibration size 32", "calibration size 256",
                "calibration size 1024").size(), workbench.reliability().conditionLabels().size(),
                workbench.reliability().conditionLabels().toString());
        PlotView chart = robot.lookup("#reliabilityChart").queryAs(PlotView.class);
        Plot first = chart.getPlot();
        assertEquals(24, first.boxes().stream().filter(b -> b.kind().equals("box")).count(),
                "12 boxes per configuration, side by side");
        robot.interact(() -> workbench.reliability().conditionProperty().set(3));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(chart.getPlot() != first, "another condition redraws the chart");
    }
}
