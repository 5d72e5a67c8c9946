package org.quantscope.ui.diagnose;

import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.shape.Circle;
import org.quantscope.chart.Theme;
import org.quantscope.chart.figure.LayerFinding;

import java.util.Locale;
import java.util.Objects;

/**
 * The layer navigator: every layer with a dot coloured by its isolated error (green near rounding noise, amber above it,
 * red over the threshold, grey before a diagnosis), its error in steps and a "flagged" badge; below it the selected
 * layer's findings and suggested fix. The selection is the window's shared layer selection.
 */
final class LayerNavigator {

    private final VBox root = new VBox(8);
    private final ListView<LayerFinding> list = new ListView<>();
    private final DiagnosticsViewModel vm;
    private boolean syncing;

    LayerNavigator(DiagnosticsViewModel vm) {
        this.vm = vm;
        Label heading = new Label("Layers");
        heading.getStyleClass().add("card-title");
        list.setId("layerNavigator");
        list.getStyleClass().add("layer-navigator");
        list.setItems(vm.findings());
        list.setPlaceholder(new Label("Open a model to see its layers"));
        list.setCellFactory(l -> new FindingCell(l));
        list.getSelectionModel().selectedItemProperty().addListener((o, was, f) -> {
            if (f != null && !syncing) {
                vm.selectedLayerProperty().set(f.name());
            }
        });
        vm.selectedLayerProperty().addListener((o, was, now) -> select());
        vm.findings().addListener((ListChangeListener<LayerFinding>) c -> select());
        VBox.setVgrow(list, Priority.ALWAYS);
        Label details = new Label();
        details.setId("layerDetails");
        details.getStyleClass().add("layer-details");
        details.setWrapText(true);
        details.setMinHeight(Region.USE_PREF_SIZE);
        details.textProperty().bind(Bindings.createStringBinding(() -> describe(vm.selectedFindingProperty().get()),
                vm.selectedFindingProperty()));
        root.getChildren().addAll(heading, list, details);
        root.getStyleClass().add("card");
        root.setMinWidth(0);
        select();
    }

    VBox root() {
        return root;
    }

    private void select() {
        String layer = vm.selectedLayerProperty().get();
        syncing = true;
        try {
            list.getItems().stream().filter(f -> Objects.equals(f.name(), layer)).findFirst().ifPresentOrElse(f -> {
                list.getSelectionModel().select(f);
                list.scrollTo(f);
            }, () -> list.getSelectionModel().clearSelection());
        } finally {
            syncing = false;
        }
    }

    static String describe(LayerFinding f) {
        if (f == null) {
            return "Select a layer to see its weights, channel ranges and activations.";
        }
        if (f.level() == LayerFinding.ErrorLevel.UNKNOWN) {
            return f.name() + "\n" + f.op() + " · not diagnosed yet";
        }
        StringBuilder b = new StringBuilder(f.name()).append('\n').append(f.op());
        if (!Double.isNaN(f.rangeRatio())) {
            b.append(String.format(Locale.ROOT, " · weight channel ranges differ %.1fx", f.rangeRatio()));
        }
        b.append(String.format(Locale.ROOT, "%nerror: isolated %s, propagated %s", steps(f.isolated(),
                f.isolatedSqnr()), steps(f.propagated(), f.propagatedSqnr())));
        if (!Double.isNaN(f.sensitivity())) {
            b.append(String.format(Locale.ROOT, "%nsensitivity %.2f pts · float gain %+.2f pts", f.sensitivity(),
                    f.floatGain()));
        }
        b.append(f.flagged() ? "\nflagged (" + f.flag() + "): try " + f.suggestion() : "\nnot flagged");
        return b.toString();
    }

    private static String steps(double steps, double sqnr) {
        return Double.isNaN(steps) ? String.format(Locale.ROOT, "%.1f dB", sqnr)
                : String.format(Locale.ROOT, "%.2f steps", steps);
    }

    /** A row: coloured dot, index and short name, kind and error, flag badge. */
    private static final class FindingCell extends ListCell<LayerFinding> {
        private final Circle dot = new Circle(5);
        private final Label name = new Label();
        private final Label detail = new Label();
        private final Label badge = new Label("flagged");
        private final HBox box;

        FindingCell(ListView<LayerFinding> owner) {
            // The cell follows the list's width instead of widening it, so the badge stays visible.
            setPrefWidth(0);
            name.getStyleClass().add("navigator-name");
            detail.getStyleClass().add("navigator-detail");
            badge.getStyleClass().add("flag-badge");
            badge.setMinWidth(Region.USE_PREF_SIZE);
            VBox text = new VBox(1, name, detail);
            text.setMinWidth(0);
            HBox.setHgrow(text, Priority.ALWAYS);
            box = new HBox(8, dot, text, badge);
            box.setAlignment(Pos.CENTER_LEFT);
            box.setPadding(new Insets(2, 4, 2, 2));
            box.maxWidthProperty().bind(owner.widthProperty().subtract(30));
            box.prefWidthProperty().bind(box.maxWidthProperty());
            name.setMinWidth(0);
            detail.setMinWidth(0);
            getStyleClass().add("navigator-cell");
        }

        @Override
        protected void updateItem(LayerFinding f, boolean empty) {
            super.updateItem(f, empty);
            if (empty || f == null) {
                setGraphic(null);
                setText(null);
                setTooltip(null);
                return;
            }
            dot.setFill(Color.web(Theme.DARK.color(f.level().role())));
            name.setText(f.index() + "  " + f.label());
            detail.setText(f.level() == LayerFinding.ErrorLevel.UNKNOWN ? f.op()
                    : steps(f.isolated(), f.isolatedSqnr()) + " · " + f.op());
            badge.setVisible(f.flagged());
            badge.setManaged(f.flagged());
            setText(null);
            setGraphic(box);
            setTooltip(new Tooltip(describe(f)));
        }
    }
}
