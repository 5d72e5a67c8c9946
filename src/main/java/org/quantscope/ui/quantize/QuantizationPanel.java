package org.quantscope.ui.quantize;

import javafx.beans.binding.Bindings;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.value.ObservableStringValue;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.OverrunStyle;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import org.quantscope.ui.main.DataSelection;
import org.quantscope.ui.main.ValueTile;

import java.io.File;

/**
 * The quantization tab: the settings column on the left; on the right the result tiles (FP32, quantized, drop, worst
 * class) with the provenance line, the layer list beside the per-class comparison, and the quantizer table below. It
 * only binds to {@link QuantizationViewModel}.
 */
public final class QuantizationPanel {

    private static final Color FP32_COLOR = Color.web("#5fb3f9");
    private static final Color QUANTIZED_COLOR = Color.web("#f2a541");
    private static final Color SMALL_DROP = Color.web("#5cc98a");
    private static final Color MODERATE_DROP = Color.web("#f2c94c");
    private static final Color LARGE_DROP = Color.web("#f0645a");

    private static final double TILE_HEIGHT = 100;

    private final QuantizationViewModel vm;
    private final HBox root;

    /**
     * Builds the panel.
     *
     * @param vm the view model
     */
    public QuantizationPanel(QuantizationViewModel vm) {
        this.vm = vm;
        SimulationView r = vm.result();
        ObservableValue<Color> dropColor = Bindings.createObjectBinding(() -> switch (r.severityProperty().get()) {
            case NONE -> ValueTile.PLAIN;
            case SMALL -> SMALL_DROP;
            case MODERATE -> MODERATE_DROP;
            case LARGE -> LARGE_DROP;
        }, r.severityProperty());
        HBox tiles = new HBox(12,
                tile("FP32 accuracy", "simFp32Value", r.fp32TextProperty(), r.fp32DetailProperty(),
                        constant(FP32_COLOR)),
                tile("Quantized accuracy", "quantizedValue", r.quantizedTextProperty(), r.quantizedDetailProperty(),
                        constant(QUANTIZED_COLOR)),
                tile("Accuracy drop", "dropValue", r.dropTextProperty(), r.dropDetailProperty(), dropColor),
                tile("Worst class drop", "worstClassValue", r.worstTextProperty(), r.worstDetailProperty(),
                        dropColor));

        Label provenance = new Label();
        provenance.setId("provenanceLabel");
        provenance.getStyleClass().add("provenance");
        provenance.setTextOverrun(OverrunStyle.ELLIPSIS);
        provenance.setMinWidth(0);
        provenance.textProperty().bind(Bindings.createStringBinding(() -> r.provenanceProperty().get().isEmpty()
                ? "No result yet: choose settings and press Simulate."
                : "Result of " + r.provenanceProperty().get(), r.provenanceProperty()));
        Tooltip provenanceTip = new Tooltip();
        provenanceTip.textProperty().bind(Bindings.createStringBinding(() -> provenance.getText()
                + (r.warningsProperty().get().isEmpty() ? "" : "\n\n" + r.warningsProperty().get()),
                provenance.textProperty(), r.warningsProperty()));
        provenanceTip.setWrapText(true);
        provenanceTip.setMaxWidth(640);
        provenance.setTooltip(provenanceTip);
        Label stale = new Label("settings changed: simulate again");
        stale.setId("staleBadge");
        stale.getStyleClass().add("stale-badge");
        stale.setMinWidth(Region.USE_PREF_SIZE);
        stale.visibleProperty().bind(vm.staleBinding());
        stale.managedProperty().bind(stale.visibleProperty());
        Label floatInputs = new Label();
        floatInputs.setId("floatInputsBadge");
        floatInputs.getStyleClass().add("stale-badge");
        floatInputs.setMinWidth(Region.USE_PREF_SIZE);
        floatInputs.textProperty().bind(r.floatInputsProperty());
        floatInputs.visibleProperty().bind(r.floatInputsProperty().isNotEmpty());
        floatInputs.managedProperty().bind(floatInputs.visibleProperty());
        Tooltip floatTip = new Tooltip();
        floatTip.textProperty().bind(r.floatInputsDetailProperty());
        floatTip.setWrapText(true);
        floatTip.setMaxWidth(640);
        floatInputs.setTooltip(floatTip);
        HBox resultLine = new HBox(10, stale, floatInputs, provenance);
        HBox.setHgrow(provenance, Priority.ALWAYS);
        provenance.setMaxWidth(Double.MAX_VALUE);

        SplitPane top = new SplitPane(new LayerChoiceTable(vm).root(), new ClassComparisonChart(vm).root());
        top.setOrientation(Orientation.HORIZONTAL);
        top.setDividerPositions(0.45);
        top.getStyleClass().add("panels");
        Tab quantizerTab = new Tab("Quantizers", new QuantizerTable(vm).root());
        Tab fixTab = new Tab("Fix effects", new FixEffectsTable(vm).root());
        fixTab.setId("fixEffectsTab");
        Tab mpTab = new Tab("Mixed precision", new ParetoChart(vm).root());
        mpTab.setId("mixedPrecisionTab");
        TabPane bottom = new TabPane(quantizerTab, fixTab, mpTab);
        bottom.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        vm.fixOutcomeProperty().addListener((o, was, now) -> bottom.getSelectionModel().select(now == null
                ? quantizerTab : fixTab));
        vm.mixedPrecision().resultProperty().addListener((o, was, now) -> {
            if (now != null) {
                bottom.getSelectionModel().select(mpTab);
            }
        });
        SplitPane body = new SplitPane(top, bottom);
        body.setOrientation(Orientation.VERTICAL);
        body.setDividerPositions(0.6);
        // the Pareto chart needs height: give the bottom most of the column while its tab is shown
        bottom.getSelectionModel().selectedItemProperty().addListener((o, was, now) ->
                body.setDividerPositions(now == mpTab ? 0.28 : 0.6));
        body.getStyleClass().add("panels");

        VBox results = new VBox(8, tiles, resultLine, body);
        VBox.setVgrow(body, Priority.ALWAYS);
        HBox.setHgrow(results, Priority.ALWAYS);
        results.setMinWidth(0);
        root = new HBox(12, new SettingsSidebar(vm).root(), results);
        root.setPadding(new Insets(12, 0, 0, 0));
        root.getStyleClass().add("quantization-panel");
    }

    /** The root node, for a tab. */
    public HBox root() {
        return root;
    }

    /**
     * The File menu items for calibration data (a file, or an image folder).
     *
     * @param owner owner of the choosers
     * @return the items, disabled while a job runs
     */
    public MenuItem[] menuItems(Window owner) {
        MenuItem file = new MenuItem("Open calibration data…");
        file.setOnAction(e -> {
            FileChooser fc = new FileChooser();
            fc.setTitle("Open calibration data (a pool of samples like the training data)");
            fc.getExtensionFilters().addAll(
                    new FileChooser.ExtensionFilter("Data files (*.npy, *.npz, *.gz, *.idx)", "*.npy", "*.npz",
                            "*.gz", "*.idx", "*-ubyte"),
                    new FileChooser.ExtensionFilter("All files", "*"));
            File f = fc.showOpenDialog(owner);
            if (f != null) {
                vm.openCalibration(new DataSelection(f.toPath(), null));
            }
        });
        MenuItem folder = new MenuItem("Open calibration image folder…");
        folder.setOnAction(e -> {
            DirectoryChooser dc = new DirectoryChooser();
            dc.setTitle("Open calibration image folder");
            File dir = dc.showDialog(owner);
            if (dir != null) {
                vm.openCalibration(new DataSelection(dir.toPath(), null));
            }
        });
        for (MenuItem mi : new MenuItem[] {file, folder}) {
            mi.disableProperty().bind(vm.busyProperty());
        }
        return new MenuItem[] {file, folder};
    }

    private static Region tile(String title, String id, ObservableStringValue text, ObservableStringValue detail,
                               ObservableValue<Color> color) {
        Region tile = new ValueTile(title, id, text, detail, color, TILE_HEIGHT, 28).tile();
        tile.setMinHeight(TILE_HEIGHT);
        return tile;
    }

    private static ObservableValue<Color> constant(Color c) {
        return new SimpleObjectProperty<>(c);
    }
}
