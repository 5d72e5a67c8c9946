package org.quantscope.ui;

import javafx.application.Application;
import java.nio.file.Path;
import javafx.application.Platform;
import javafx.beans.value.ChangeListener;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Rectangle2D;
import javafx.scene.Scene;
import javafx.stage.Screen;
import javafx.stage.Stage;
import org.quantscope.ui.main.DataSelection;
import org.quantscope.ui.main.MainViewModel;
import org.quantscope.ui.main.ModelDatasetOpener;
import org.quantscope.ui.main.RecentModels;
import org.quantscope.core.sim.SimulationResult;
import org.quantscope.ui.quantize.CalibrationPoolOpener;
import org.quantscope.ui.task.FxTaskRunner;

/**
 * The QuantScope window. Start it with {@link #launchApp(String[])} (the {@link org.quantscope.Launcher} does so when
 * run without arguments). On start it opens the demo model with the demo test data. The hidden system property
 * {@code quantscope.autoEvaluate=true} also runs the FP32 evaluation at once, and {@code quantscope.autoSimulate=true}
 * shows the quantization tab and runs Simulate, and {@code quantscope.autoDiagnose=true} shows the diagnostics tab, runs
 * Simulate and then Diagnose (selecting the layer named by {@code quantscope.selectLayer}, if set), for demos and
 * screenshots.
 */
public final class QuantScopeApp extends Application {

    /** System property that runs Evaluate as soon as the demo is open. */
    public static final String AUTO_EVALUATE = "quantscope.autoEvaluate";

    /** System property that opens the quantization tab and runs Simulate as soon as the demo is open. */
    public static final String AUTO_SIMULATE = "quantscope.autoSimulate";

    /** System property that opens the diagnostics tab and runs Simulate, then Diagnose, once the demo is open. */
    public static final String AUTO_DIAGNOSE = "quantscope.autoDiagnose";

    /**
     * System property with post-training fixes to tick before the automatic Simulate, comma-separated:
     * {@code cle}, {@code absorption}, {@code bc=empirical|analytic}, {@code adaround=ITERATIONS}, and the settings
     * {@code wbits=B}, {@code calib=N} (calibration samples) and {@code per-channel}.
     */
    public static final String AUTO_FIXES = "quantscope.autoFixes";

    /** System property that runs the mixed-precision search after the automatic Simulate. */
    public static final String AUTO_MIXED_PRECISION = "quantscope.autoMixedPrecision";

    /** System property with a trial count: runs reliability trials on the Reliability tab after the automatic Simulate. */
    public static final String AUTO_RELIABILITY = "quantscope.autoReliability";

    /**
     * System properties that open a model, its test data (and labels) and a calibration pool instead of the demo, for
     * screenshots of other models; the automatic runs above then wait for the calibration pool.
     */
    public static final String OPEN_MODEL = "quantscope.openModel";
    /** System property: where the current investigation is autosaved. */
    public static final String AUTOSAVE = "quantscope.autosave";
    /** Test data opened with {@link #OPEN_MODEL}. */
    public static final String OPEN_DATA = "quantscope.openData";
    /** Labels of {@link #OPEN_DATA}, optional. */
    public static final String OPEN_LABELS = "quantscope.openLabels";
    /** Calibration pool opened with {@link #OPEN_MODEL}, optional (default: the test data). */
    public static final String OPEN_CALIBRATION = "quantscope.openCalibration";

    /** System property naming the layer to select after the automatic diagnosis. */
    public static final String SELECT_LAYER = "quantscope.selectLayer";

    private FxTaskRunner runner;
    private MainViewModel vm;

    /**
     * Launches the JavaFX application and returns when the window is closed. When no window can be opened (no display),
     * it says so on standard error, points to the alternatives and exits with code 1.
     *
     * @param args command-line arguments (unused by the window)
     */
    public static void launchApp(String[] args) {
        try {
            Application.launch(QuantScopeApp.class, args);
        } catch (UnsupportedOperationException e) {
            System.err.println("QuantScope cannot open its window: " + e.getMessage() + ".\n"
                    + "Run it from a desktop session, or with tools/run-gui.sh (which starts a virtual display when "
                    + "there is none), or use the command line: quantscope --help");
            System.exit(1);
        }
    }

    @Override
    public void start(Stage stage) {
        runner = new FxTaskRunner();
        Workbench workbench = new Workbench(runner, new ModelDatasetOpener(), CalibrationPoolOpener.standard(),
                RecentModels.userDefault(), stage);
        vm = workbench.main();
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        Scene scene = new Scene(workbench.root(), Math.min(1400, screen.getWidth()), Math.min(900, screen.getHeight()));
        stage.setScene(scene);
        stage.setMinWidth(900);
        stage.setMinHeight(600);
        stage.show();
        if (Boolean.getBoolean(AUTO_DIAGNOSE)) {
            diagnoseWhenDataIsReady(workbench);
        } else if (Boolean.getBoolean(AUTO_SIMULATE)) {
            simulateWhenDataIsReady(workbench);
            Integer trials = Integer.getInteger(AUTO_RELIABILITY);
            if (trials != null) {
                workbench.quantization().simulationProperty().addListener(new ChangeListener<>() {
                    @Override
                    public void changed(ObservableValue<? extends SimulationResult> o, SimulationResult was,
                                        SimulationResult now) {
                        if (now != null) {
                            workbench.quantization().simulationProperty().removeListener(this);
                            Platform.runLater(() -> {
                                workbench.view().tabs().getSelectionModel().select(3);
                                workbench.reliability().trialsProperty().set(trials);
                                workbench.reliability().runTrials();
                            });
                        }
                    }
                });
            }
            if (Boolean.getBoolean(AUTO_MIXED_PRECISION)) {
                workbench.quantization().simulationProperty().addListener(new ChangeListener<>() {
                    @Override
                    public void changed(ObservableValue<? extends SimulationResult> o, SimulationResult was,
                                        SimulationResult now) {
                        if (now != null) {
                            workbench.quantization().simulationProperty().removeListener(this);
                            Platform.runLater(() -> workbench.quantization().mixedPrecision().search());
                        }
                    }
                });
            }
        }
        Path autosave = autosaveFile();
        org.quantscope.core.investigate.Investigation unfinished = readAutosave(autosave);
        workbench.investigation().setAutosave(autosave);
        if (System.getProperty(OPEN_MODEL) == null) {
            vm.openDemo(Boolean.getBoolean(AUTO_EVALUATE));
        } else {
            openGiven(workbench);
        }
        if (unfinished != null) {
            Platform.runLater(() -> offerResume(workbench, unfinished, autosave));
        }
    }

    /** Where the window saves the current investigation after every step ({@value #AUTOSAVE} overrides it). */
    static Path autosaveFile() {
        String given = System.getProperty(AUTOSAVE);
        return given != null ? Path.of(given) : Path.of(System.getProperty("user.home"), ".local", "state",
                "quantscope", "investigation-autosave.json");
    }

    private static org.quantscope.core.investigate.Investigation readAutosave(Path file) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            return null;
        }
        try {
            org.quantscope.core.investigate.Investigation inv =
                    org.quantscope.core.investigate.InvestigationJson.read(file);
            return inv.steps().isEmpty() ? null : inv;
        } catch (org.quantscope.core.InputException e) {
            System.err.println("QuantScope: the autosaved investigation cannot be read (" + e.getMessage() + "); "
                    + "it is left in place.");
            return null;
        }
    }

    /**
     * Offers the autosaved investigation back (after a crash, a kill, or a plain close): Resume opens its model when
     * another one is open and then the investigation; Not now leaves the file until the next step overwrites it.
     */
    private static void offerResume(Workbench workbench, org.quantscope.core.investigate.Investigation inv,
                                    Path file) {
        javafx.scene.control.ButtonType resume = new javafx.scene.control.ButtonType("Resume",
                javafx.scene.control.ButtonBar.ButtonData.OK_DONE);
        javafx.scene.control.ButtonType later = new javafx.scene.control.ButtonType("Not now",
                javafx.scene.control.ButtonBar.ButtonData.CANCEL_CLOSE);
        javafx.scene.control.Alert a = new javafx.scene.control.Alert(javafx.scene.control.Alert.AlertType
                .CONFIRMATION, "The investigation of " + Path.of(inv.setup().model()).getFileName() + " ("
                + inv.steps().size() + " of " + org.quantscope.core.investigate.StepId.values().length + " steps, "
                + inv.configuration().label() + ") was saved when QuantScope last ran. Resume it?", resume, later);
        a.setHeaderText("Resume the last investigation?");
        a.initOwner(workbench.view().root().getScene().getWindow());
        if (a.showAndWait().orElse(later) != resume) {
            return;
        }
        workbench.view().tabs().getSelectionModel().select(1);
        var model = workbench.main().modelProperty().get();
        if (model != null && model.sha256().equals(inv.setup().modelSha256())) {
            workbench.investigation().openSaved(file);
        } else {
            once(workbench.main().modelProperty(), m -> workbench.investigation().openSaved(file));
            workbench.main().openModel(Path.of(inv.setup().model()));
        }
    }

    /** Opens {@link #OPEN_MODEL}, then its data, then its calibration pool, one job after the other. */
    private static void openGiven(Workbench workbench) {
        if (System.getProperty(OPEN_DATA) == null) { // the model alone (no data: not the working directory)
            workbench.main().openModel(Path.of(System.getProperty(OPEN_MODEL)));
            return;
        }
        Path data = Path.of(System.getProperty(OPEN_DATA));
        String labels = System.getProperty(OPEN_LABELS);
        DataSelection test = new DataSelection(data, labels == null ? null : Path.of(labels));
        Path pool = Path.of(System.getProperty(OPEN_CALIBRATION, data.toString()));
        once(workbench.main().modelProperty(), m -> workbench.main().openData(test));
        once(workbench.main().dataProperty(), d -> {
            workbench.quantization().openCalibration(new DataSelection(pool, null));
            if (Boolean.getBoolean(AUTO_EVALUATE)) {
                once(workbench.quantization().calibrationPoolProperty(), c -> workbench.main().evaluate());
            }
        });
        workbench.main().openModel(Path.of(System.getProperty(OPEN_MODEL)));
    }

    /** Runs {@code action} (later, on the FX thread) the first time {@code p} gets a value. */
    private static <T> void once(ObservableValue<T> p, java.util.function.Consumer<T> action) {
        p.addListener(new ChangeListener<T>() {
            @Override
            public void changed(ObservableValue<? extends T> o, T was, T now) {
                if (now != null) {
                    p.removeListener(this);
                    Platform.runLater(() -> action.accept(now));
                }
            }
        });
    }

    /** Ticks the fixes named by {@link #AUTO_FIXES}. */
    private static void tickFixes(Workbench workbench) {
        org.quantscope.ui.quantize.FixesForm f = workbench.quantization().form().fixesForm();
        for (String item : System.getProperty(AUTO_FIXES, "").split(",")) {
            String[] kv = item.trim().split("=", 2);
            switch (kv[0]) {
                case "wbits" -> workbench.quantization().form().weightBitsProperty().set(Integer.parseInt(kv[1]));
                case "per-channel" -> workbench.quantization().form().granularityProperty().set(
                        org.quantscope.core.quant.Granularity.PER_CHANNEL);
                case "calib" -> workbench.quantization().form().calibrationSizeProperty().set(Integer.parseInt(kv[1]));
                case "cle" -> f.cleProperty().set(true);
                case "absorption" -> f.biasAbsorptionProperty().set(true);
                case "bc" -> f.biasCorrectionProperty().set(kv.length > 1 ? kv[1] : "empirical");
                case "adaround" -> {
                    f.adaroundProperty().set(true);
                    if (kv.length > 1) {
                        f.adaroundIterationsProperty().set(Integer.parseInt(kv[1]));
                    }
                }
                default -> {
                    // unknown or empty: ignored (a hidden demo switch)
                }
            }
        }
    }

    /** Shows the quantization tab and runs Simulate once the demo data is open (for demos and screenshots). */
    private static void simulateWhenDataIsReady(Workbench workbench) {
        tickFixes(workbench);
        workbench.view().tabs().getSelectionModel().select(1);
        if (System.getProperty(OPEN_MODEL) != null) {
            once(workbench.quantization().calibrationPoolProperty(), c -> workbench.quantization().simulate());
            return;
        }
        workbench.main().dataProperty().addListener(new ChangeListener<>() {
            @Override
            public void changed(ObservableValue<? extends DataSelection> o, DataSelection was, DataSelection now) {
                if (now != null) {
                    workbench.main().dataProperty().removeListener(this);
                    Platform.runLater(() -> workbench.quantization().simulate());
                }
            }
        });
    }

    /** Shows the diagnostics tab, simulates once the demo data is open, then diagnoses (for demos and screenshots). */
    private static void diagnoseWhenDataIsReady(Workbench workbench) {
        workbench.view().tabs().getSelectionModel().select(2);
        workbench.quantization().simulationProperty().addListener(new ChangeListener<>() {
            @Override
            public void changed(ObservableValue<? extends SimulationResult> o, SimulationResult was,
                                SimulationResult now) {
                if (now != null) {
                    workbench.quantization().simulationProperty().removeListener(this);
                    Platform.runLater(() -> workbench.diagnostics().diagnose());
                }
            }
        });
        String layer = System.getProperty(SELECT_LAYER);
        if (layer != null && !layer.isBlank()) {
            workbench.diagnostics().diagnosisProperty().addListener((o, was, now) -> {
                if (now != null && was == null) {
                    workbench.main().selectedLayerProperty().set(layer);
                }
            });
        }
        simulateWhenDataIsReady(workbench);
        workbench.view().tabs().getSelectionModel().select(2);
    }

    @Override
    public void stop() {
        if (vm != null) {
            vm.cancel();
        }
        if (runner != null) {
            runner.shutdown();
        }
    }
}
