package org.quantscope.ui;

import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.stage.Stage;
import org.quantscope.ui.main.ModelDatasetOpener;
import org.quantscope.ui.main.RecentModels;
import org.quantscope.ui.quantize.CalibrationPoolOpener;
import org.quantscope.ui.task.FxTaskRunner;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.prefs.Preferences;

/**
 * The real window on the demo for TestFX tests: the workbench with its own preferences node and task runner, in a
 * scene that fits Monocle's 1280x800 headless screen; {@link #close()} shuts both down.
 */
final class DemoWindow {

    private final Preferences prefs = Preferences.userRoot().node("org/quantscope-test/" + UUID.randomUUID());
    private final FxTaskRunner runner = new FxTaskRunner();
    private final Workbench workbench;

    private DemoWindow(Stage stage) {
        DemoFiles.require();
        workbench = new Workbench(runner, new ModelDatasetOpener(), CalibrationPoolOpener.standard(),
                new RecentModels(prefs), stage);
        // Monocle's headless screen is 1280x800; a larger window overflows its frame buffer.
        stage.setScene(new Scene(workbench.root(), 1240, 760));
        stage.show();
        workbench.main().openDemo(false);
    }

    /** Opens the window on {@code stage} with the demo model and data. */
    static DemoWindow open(Stage stage) {
        return new DemoWindow(stage);
    }

    Workbench workbench() {
        return workbench;
    }

    /** Clicks Simulate on the Quantization tab (once it is enabled) and waits for the result. */
    void simulate(FxRobot robot, long timeoutSeconds) throws TimeoutException {
        robot.clickOn("#quantizationTab");
        Button simulate = robot.lookup("#simulateButton").queryButton();
        WaitForAsyncUtils.waitFor(timeoutSeconds, TimeUnit.SECONDS, () -> !simulate.isDisabled());
        robot.clickOn(simulate);
        WaitForAsyncUtils.waitFor(timeoutSeconds, TimeUnit.SECONDS,
                () -> workbench.quantization().simulationProperty().get() != null);
    }

    /** Stops the task runner and removes the preferences node. */
    void close() throws Exception {
        runner.shutdown();
        prefs.removeNode();
    }
}
