package org.quantscope.ui;

import javafx.scene.Parent;
import javafx.stage.Stage;
import org.quantscope.ui.diagnose.DiagnosticsPanel;
import org.quantscope.ui.investigate.InvestigationPanel;
import org.quantscope.ui.investigate.InvestigationViewModel;
import org.quantscope.ui.reliability.ReliabilityPanel;
import org.quantscope.ui.reliability.ReliabilityViewModel;
import org.quantscope.ui.diagnose.DiagnosticsViewModel;
import org.quantscope.ui.main.DatasetOpener;
import org.quantscope.ui.main.MainView;
import org.quantscope.ui.main.MainViewModel;
import org.quantscope.ui.main.RecentModels;
import org.quantscope.ui.quantize.CalibrationPoolOpener;
import org.quantscope.ui.quantize.QuantizationPanel;
import org.quantscope.ui.quantize.QuantizationViewModel;
import org.quantscope.ui.task.TaskRunner;

/**
 * Puts the window together: the main view model and view, the quantization view model with its tab and menu items,
 * the diagnostics view model with its tab, the reliability view model with its tab, and the investigation view
 * model with its tab (second, after the model overview). Every view model shares one job tracker. Used by {@link QuantScopeApp} and by the window tests.
 */
public final class Workbench {

    private final MainViewModel main;
    private final QuantizationViewModel quantization;
    private final DiagnosticsViewModel diagnostics;
    private final DiagnosticsPanel diagnosticsPanel;
    private final MainView view;
    private final ReliabilityViewModel reliability;
    private final ReliabilityPanel reliabilityPanel;
    private final InvestigationViewModel investigation;
    private final InvestigationPanel investigationPanel;

    /**
     * Builds the window content into {@code stage} (which gets no scene yet).
     *
     * @param runner     runs core calls
     * @param testOpener opens test data
     * @param poolOpener opens calibration pools
     * @param recent     remembers recent models
     * @param stage      the window
     */
    public Workbench(TaskRunner runner, DatasetOpener testOpener, CalibrationPoolOpener poolOpener,
                     RecentModels recent, Stage stage) {
        main = new MainViewModel(runner, testOpener, recent);
        view = new MainView(main, stage);
        quantization = new QuantizationViewModel(main, testOpener, poolOpener, m -> main.showMessage(m));
        QuantizationPanel panel = new QuantizationPanel(quantization);
        view.addTab("quantizationTab", "Quantization", panel.root());
        view.addFileMenuItems(panel.menuItems(stage));
        diagnostics = new DiagnosticsViewModel(main, quantization, testOpener, poolOpener, m -> main.showMessage(m));
        diagnosticsPanel = new DiagnosticsPanel(diagnostics, m -> main.showMessage(m));
        view.addTab("diagnosticsTab", "Diagnostics", diagnosticsPanel.root());
        reliability = new ReliabilityViewModel(main, quantization, testOpener, poolOpener, m -> main.showMessage(m));
        reliabilityPanel = new ReliabilityPanel(reliability, m -> main.showMessage(m));
        view.addTab("reliabilityTab", "Reliability", reliabilityPanel.root());
        investigation = new InvestigationViewModel(main, quantization, testOpener, poolOpener,
                m -> main.showMessage(m));
        investigationPanel = new InvestigationPanel(investigation, m -> main.showMessage(m));
        javafx.scene.control.Tab tab = view.addTab("investigationTab", "Investigation", investigationPanel.root());
        view.tabs().getTabs().remove(tab);
        view.tabs().getTabs().add(1, tab); // the first thing offered after the model overview
        view.addFileMenuItems(investigationPanel.menuItems(stage));
    }

    /** The investigation view model. */
    public InvestigationViewModel investigation() {
        return investigation;
    }

    /** The investigation tab. */
    public InvestigationPanel investigationPanel() {
        return investigationPanel;
    }

    /** The reliability view model. */
    public ReliabilityViewModel reliability() {
        return reliability;
    }

    /** The reliability tab. */
    public ReliabilityPanel reliabilityPanel() {
        return reliabilityPanel;
    }

    /** The main view model. */
    public MainViewModel main() {
        return main;
    }

    /** The quantization view model. */
    public QuantizationViewModel quantization() {
        return quantization;
    }

    /** The diagnostics view model. */
    public DiagnosticsViewModel diagnostics() {
        return diagnostics;
    }

    /** The diagnostics tab. */
    public DiagnosticsPanel diagnosticsPanel() {
        return diagnosticsPanel;
    }

    /** The main view. */
    public MainView view() {
        return view;
    }

    /** The root node, to put in a scene. */
    public Parent root() {
        return view.root();
    }
}
