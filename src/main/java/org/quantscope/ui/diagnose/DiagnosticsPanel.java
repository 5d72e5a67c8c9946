package org.quantscope.ui.diagnose;

import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.OverrunStyle;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import org.quantscope.ui.main.SpinnerCommit;
import org.quantscope.ui.chart.ChartCard;
import org.quantscope.ui.main.UserMessage;
import org.quantscope.ui.main.ValueTile;
import org.quantscope.ui.quantize.DropSeverity;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The Diagnostics tab: a tool bar (Diagnose, sample count, sensitivity runs, stale badge, provenance), tiles for FP32,
 * full quantization, weights only, activations only and the FP32 sanity check, the layer navigator on the left, the
 * network-wide charts (layerwise error, sensitivity ranking) and the selected layer's charts (weight histogram,
 * per-channel ranges, activation histogram). It only binds to {@link DiagnosticsViewModel}.
 */
public final class DiagnosticsPanel {

    private static final Color SMALL = Color.web("#5cc98a");
    private static final Color MODERATE = Color.web("#f2c94c");
    private static final Color LARGE = Color.web("#f0645a");
    private static final Color FP32 = Color.web("#5fb3f9");
    private static final double TILE_HEIGHT = 76;

    private final VBox root;
    private final Map<String, ChartCard> cards = new LinkedHashMap<>();
    private final ChannelRangeChart ranges;

    /**
     * Builds the tab.
     *
     * @param vm       the view model
     * @param messages where failed exports are reported
     */
    public DiagnosticsPanel(DiagnosticsViewModel vm, Consumer<UserMessage> messages) {
        DiagnosisTexts t = vm.texts();
        HBox tiles = new HBox(10,
                tile("FP32 accuracy", "diagFp32Value", t.fp32(), true),
                tile("Full quantization", "diagFullValue", t.full(), false),
                tile("Weights only", "diagWeightsValue", t.weightsOnly(), false),
                tile("Activations only", "diagActivationsValue", t.activationsOnly(), false),
                tile("FP32 sanity check", "diagSanityValue", t.sanity(), false));

        LayerErrorChart error = new LayerErrorChart(vm);
        SensitivityChart sensitivity = new SensitivityChart(vm);
        WeightHistogramChart weights = new WeightHistogramChart(vm);
        ranges = new ChannelRangeChart(vm);
        ActivationHistogramChart activations = new ActivationHistogramChart(vm);
        for (ChartCard c : new ChartCard[] {error.card(), sensitivity.card(), weights.card(), ranges.card(),
                activations.card()}) {
            cards.put(c.view().getId(), c);
            c.setOnError(text -> messages.accept(new UserMessage("Cannot save the chart", text)));
        }
        SplitPane network = split(Orientation.HORIZONTAL, 0.55, error.card().root(), sensitivity.card().root());
        SplitPane layer = split(Orientation.HORIZONTAL, 0.34, weights.card().root(), ranges.card().root(),
                activations.card().root());
        ((SplitPane) layer).setDividerPositions(0.34, 0.67);
        SplitPane charts = split(Orientation.VERTICAL, 0.5, network, layer);
        LayerNavigator navigator = new LayerNavigator(vm);
        SplitPane body = split(Orientation.HORIZONTAL, 0.215, navigator.root(), charts);
        SplitPane.setResizableWithParent(navigator.root(), false);
        VBox.setVgrow(body, Priority.ALWAYS);

        root = new VBox(8, toolbar(vm), tiles, body);
        root.setPadding(new Insets(10, 0, 0, 0));
        root.getStyleClass().add("diagnostics-panel");
    }

    /** The tab's content. */
    public VBox root() {
        return root;
    }

    /** The chart card whose plot view has {@code id} (layerErrorChart, sensitivityChart, weightHistogramChart, ...). */
    public ChartCard card(String id) {
        return cards.get(id);
    }

    /** Shows the weight or activation ranges in the per-channel chart ({@code weights} or {@code activations}). */
    public void showChannelRanges(String kind) {
        ranges.showKind(kind);
    }

    private static HBox toolbar(DiagnosticsViewModel vm) {
        Button diagnose = new Button("Diagnose");
        diagnose.setId("diagnoseButton");
        diagnose.getStyleClass().add("accent");
        diagnose.setMinWidth(Region.USE_PREF_SIZE);
        diagnose.disableProperty().bind(vm.canDiagnoseBinding().not());
        diagnose.setOnAction(e -> vm.diagnose());
        diagnose.setTooltip(new Tooltip("Diagnose the quantized model of the last simulation: W/A split, error and "
                + "sensitivity per layer, activation statistics"));
        Label samplesLabel = new Label("Test samples");
        samplesLabel.getStyleClass().add("field-label");
        samplesLabel.setMinWidth(Region.USE_PREF_SIZE);
        Spinner<Integer> samples = new Spinner<>(1, 100_000, vm.samplesProperty().get(), 100);
        samples.setId("diagnoseSamplesSpinner");
        samples.setEditable(true);
        SpinnerCommit.onEnter(samples);
        samples.setPrefWidth(104);
        samples.setMinWidth(Region.USE_PREF_SIZE);
        samples.valueProperty().addListener((o, was, now) -> vm.samplesProperty().set(now));
        vm.samplesProperty().addListener((o, was, now) -> samples.getValueFactory().setValue(now.intValue()));
        CheckBox sensitivity = new CheckBox("Sensitivity runs");
        sensitivity.setId("sensitivityToggle");
        sensitivity.setMinWidth(Region.USE_PREF_SIZE);
        sensitivity.selectedProperty().bindBidirectional(vm.sensitivityProperty());
        sensitivity.setTooltip(new Tooltip("Two extra runs per layer: only this layer quantized, only this layer in "
                + "float"));
        Label stale = new Label();
        stale.setId("diagnosisStaleBadge");
        stale.getStyleClass().add("stale-badge");
        stale.setMinWidth(Region.USE_PREF_SIZE);
        stale.textProperty().bind(vm.staleReasonBinding());
        stale.visibleProperty().bind(vm.staleBinding());
        stale.managedProperty().bind(stale.visibleProperty());
        Label provenance = new Label();
        provenance.setId("diagnosisProvenance");
        provenance.getStyleClass().add("provenance");
        provenance.setTextOverrun(OverrunStyle.ELLIPSIS);
        provenance.setMinWidth(0);
        provenance.setMaxWidth(Double.MAX_VALUE);
        provenance.textProperty().bind(Bindings.createStringBinding(() -> vm.texts().provenanceProperty().get()
                .isEmpty() ? "Simulate on the Quantization tab, then press Diagnose."
                : vm.texts().provenanceProperty().get(), vm.texts().provenanceProperty()));
        Tooltip tip = new Tooltip();
        tip.textProperty().bind(provenance.textProperty());
        tip.setWrapText(true);
        tip.setMaxWidth(640);
        provenance.setTooltip(tip);
        HBox.setHgrow(provenance, Priority.ALWAYS);
        HBox bar = new HBox(10, diagnose, samplesLabel, samples, sensitivity, stale, provenance);
        bar.setAlignment(Pos.CENTER_LEFT);
        return bar;
    }

    private static Region tile(String title, String id, DiagnosisTexts.TileText t, boolean fp32) {
        ObservableValue<Color> color = Bindings.createObjectBinding(() -> fp32 ? FP32
                : color(t.severityProperty().get()), t.severityProperty());
        Region tile = new ValueTile(title, id, t.valueProperty(), t.detailProperty(), color, TILE_HEIGHT, 24).tile();
        tile.setMinHeight(TILE_HEIGHT);
        return tile;
    }

    private static Color color(DropSeverity s) {
        return switch (s) {
            case NONE -> ValueTile.PLAIN;
            case SMALL -> SMALL;
            case MODERATE -> MODERATE;
            case LARGE -> LARGE;
        };
    }

    private static SplitPane split(Orientation o, double divider, javafx.scene.Node... items) {
        SplitPane s = new SplitPane(items);
        s.setOrientation(o);
        s.setDividerPositions(divider);
        s.getStyleClass().add("panels");
        return s;
    }
}
