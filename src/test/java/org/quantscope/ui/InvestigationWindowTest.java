package org.quantscope.ui;

import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.quantscope.chart.Plot;
import org.quantscope.core.investigate.Investigation;
import org.quantscope.core.investigate.InvestigationJson;
import org.quantscope.core.investigate.StepId;
import org.quantscope.core.investigate.StepStatus;
import org.quantscope.core.reliability.ReliabilityResult;
import org.quantscope.ui.chart.PlotView;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Headless (Monocle) walk of the Investigation tab of the real window on the demo, from the sanity check to the
 * verdict: Start, Next, Skip (the per-channel fix is skipped, so the configuration stays per-tensor), Back (the skipped
 * step is dropped and taken again, now with its recommendation), Run to the verdict. The box plots receive trials
 * before and after the fix while they run, the diagram marks the path, the waterfall shows the applied step, and the
 * autosaved file holds the same investigation.
 */
@ExtendWith(ApplicationExtension.class)
class InvestigationWindowTest {

    private static final long TIMEOUT_S = 300;

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
    void walkFromSanityToVerdictWithSkipAndBack(FxRobot robot) throws Exception {
        Path autosave = Files.createTempDirectory("qs-inv").resolve("autosave.json");
        robot.clickOn("#investigationTab");
        List<Integer> trialsWhileRunning = new CopyOnWriteArrayList<>();
        robot.interact(() -> {
            workbench.investigation().setAutosave(autosave);
            workbench.investigation().trialsPerStepProperty().set(3);
            workbench.investigation().trialsProperty().addListener((o, was, r) -> {
                if (r != null && workbench.main().jobs().busyProperty().get()) {
                    trialsWhileRunning.add(r.trials().size());
                }
            });
        });
        Button start = robot.lookup("#investigationStart").queryButton();
        WaitForAsyncUtils.waitFor(TIMEOUT_S, TimeUnit.SECONDS, () -> !start.isDisabled());
        robot.clickOn(start);
        awaitSteps(1);
        assertEquals(StepStatus.PASSED, last().status(), "sanity");
        assertTrue(style("sanity").contains("#2f80ed"), "the diagram marks the passed step");

        clickWhenEnabled(robot, "#investigationNext");
        awaitSteps(2);
        assertEquals(StepId.BASELINE, last().id());
        assertEquals(StepStatus.FAILED, last().status(), "W8A8 per-tensor misses the 1-point target on the demo");
        clickWhenEnabled(robot, "#investigationNext");
        awaitSteps(3);
        clickWhenEnabled(robot, "#investigationNext");
        awaitSteps(4);
        assertEquals(StepId.PER_CHANNEL, last().id());
        assertEquals(StepStatus.APPLIED, last().status());
        double perChannel = last().after().accuracy();

        // the trials before and after the fix start on their own; Skip waits until they are done (or cancels them)
        WaitForAsyncUtils.waitFor(TIMEOUT_S, TimeUnit.SECONDS, () -> !workbench.main().jobs().busyProperty().get());
        ReliabilityResult compared = workbench.investigation().trialsProperty().get();
        assertNotNull(compared);
        assertEquals(2, compared.configurations().size(), "before and after the fix, side by side");
        assertTrue(trialsWhileRunning.stream().anyMatch(n -> n >= 1 && n < 6),
                "the box plots received trials while they ran: " + trialsWhileRunning);
        PlotView boxes = robot.lookup("#investigationBoxes").queryAs(PlotView.class);
        Plot p = boxes.getPlot();
        assertNotNull(p, "box plots shown");
        assertTrue(p.boxes().stream().filter(b -> b.kind().equals("box")).count() >= 2 * 10, "two boxes per class");

        clickWhenEnabled(robot, "#investigationSkip");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(StepStatus.SKIPPED, last().status());
        assertEquals(last().configuration(), inv().back(StepId.PER_CHANNEL).configuration(),
                "skipping keeps the configuration before the step");

        clickWhenEnabled(robot, "#investigationBack");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(StepId.SPLIT, last().id(), "Back drops the skipped step");
        clickWhenEnabled(robot, "#investigationNext");
        awaitSteps(4);
        assertEquals(StepStatus.APPLIED, last().status(), "taken again: the recommendation");
        assertEquals(perChannel, last().after().accuracy(), 0.0, "the same measurement (cached)");

        WaitForAsyncUtils.waitFor(TIMEOUT_S, TimeUnit.SECONDS, () -> !workbench.main().jobs().busyProperty().get());
        clickWhenEnabled(robot, "#investigationRunAll");
        WaitForAsyncUtils.waitFor(TIMEOUT_S, TimeUnit.SECONDS, () -> inv() != null && inv().finished()
                && !workbench.main().jobs().busyProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(StepId.VERDICT, last().id());
        assertEquals(StepStatus.PASSED, last().status(), "the target is met after per-channel weights");
        assertTrue(style("per-channel").contains("#27ae60"), "the diagram marks the applied step");
        assertTrue(style("cle").contains("#5c6370"), "the skipped branch is marked as skipped");
        Label decision = robot.lookup("#investigationDecision").queryAs(Label.class);
        assertTrue(decision.getText().startsWith("Deploy"), decision.getText());
        Plot waterfall = robot.lookup("#investigationWaterfall").queryAs(PlotView.class).getPlot();
        assertEquals(List.of("baseline", "per-channel"), waterfall.boxes().stream()
                .filter(b -> b.kind().equals("step")).map(Plot.Box::key).toList());
        Investigation saved = InvestigationJson.read(autosave);
        assertEquals(inv().steps().size(), saved.steps().size(), "autosaved after every step");
        assertEquals(inv().configuration(), saved.configuration());
    }

    private Investigation inv() {
        return workbench.investigation().investigationProperty().get();
    }

    private org.quantscope.core.investigate.Step last() {
        return inv().steps().get(inv().steps().size() - 1);
    }

    private String style(String step) {
        return workbench.root().lookup("#investigationStep-" + step).getStyle();
    }

    private void awaitSteps(int n) throws Exception {
        // an applied fix starts the trials before and after it at once: wait for those too
        WaitForAsyncUtils.waitFor(TIMEOUT_S, TimeUnit.SECONDS, () -> inv() != null && inv().steps().size() == n
                && !workbench.main().jobs().busyProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static void clickWhenEnabled(FxRobot robot, String id) throws Exception {
        Button b = robot.lookup(id).queryButton();
        WaitForAsyncUtils.waitFor(TIMEOUT_S, TimeUnit.SECONDS, () -> !b.isDisabled());
        robot.clickOn(b);
    }
}
