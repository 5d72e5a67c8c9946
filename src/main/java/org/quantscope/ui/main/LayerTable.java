package org.quantscope.ui.main;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.DoubleBinding;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.VBox;
import javafx.scene.layout.Priority;

import java.util.Locale;
import java.util.function.Function;

/**
 * The card listing the model's quantization layers, with the model's inputs and outputs above the table, what cannot
 * be done with the model (several data inputs, no batch dimension, ...) when something cannot, and a line on its blocks
 * (squeeze-and-excitation, fused activations, integer layers of an already quantized model).
 */
final class LayerTable {

    /** Room left for the vertical scroll bar and the table border. */
    private static final double SCROLL_BAR_ALLOWANCE = 18;

    private final VBox root = new VBox(6);
    private final TableView<LayerRow> table = new TableView<>();

    LayerTable(MainViewModel vm) {
        Label heading = new Label("Layers");
        heading.getStyleClass().add("card-title");
        Label io = new Label();
        io.setId("ioLabel");
        io.getStyleClass().add("io-line");
        io.textProperty().bind(Bindings.createStringBinding(() -> vm.summaryProperty().get() == null ? ""
                : vm.summaryProperty().get().inputsOutputs(), vm.summaryProperty()));
        io.setWrapText(true);
        Label limits = new Label();
        limits.setId("limitsLabel");
        limits.getStyleClass().add("limits-line");
        limits.textProperty().bind(Bindings.createStringBinding(() -> vm.summaryProperty().get() == null ? ""
                : vm.summaryProperty().get().limits(), vm.summaryProperty()));
        limits.setWrapText(true);
        limits.managedProperty().bind(limits.textProperty().isNotEmpty());
        limits.visibleProperty().bind(limits.managedProperty());
        Label blocks = new Label();
        blocks.setId("blocksLabel");
        blocks.getStyleClass().add("io-line");
        blocks.textProperty().bind(Bindings.createStringBinding(() -> vm.summaryProperty().get() == null ? ""
                : vm.summaryProperty().get().blocks(), vm.summaryProperty()));
        blocks.managedProperty().bind(blocks.textProperty().isNotEmpty());
        blocks.visibleProperty().bind(blocks.managedProperty());
        blocks.setWrapText(true);

        table.setId("layerTable");
        table.setItems(vm.layers());
        table.setPlaceholder(new Label("Open a model to see its layers"));
        // Fixed columns keep their width; the layer name takes what is left (a scroll bar appears when even its
        // minimum does not fit).
        table.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
        TableColumn<LayerRow, String> name = column("Layer", 140, LayerRow::name, Pos.CENTER_LEFT);
        table.getColumns().add(column("#", 44, r -> r.index(), Pos.CENTER_RIGHT));
        table.getColumns().add(name);
        table.getColumns().add(column("Kind", 130, LayerRow::kind, Pos.CENTER_LEFT));
        table.getColumns().add(column("Weight shape", 116, LayerRow::weightShape, Pos.CENTER_LEFT));
        table.getColumns().add(column("Parameters", 96, r -> String.format(Locale.ROOT, "%,d", r.parameters()),
                Pos.CENTER_RIGHT));
        table.getColumns().add(column("Fused with", 124, LayerRow::fusedWith, Pos.CENTER_LEFT));
        table.getColumns().add(column("Block", 84, LayerRow::block, Pos.CENTER_LEFT));
        TableColumn<LayerRow, String> weights = column("Weights", 170, LayerRow::weightType, Pos.CENTER_LEFT);
        weights.setId("weightsColumn");
        // only an already quantized (QDQ) model has anything but float32 to show here
        weights.visibleProperty().bind(Bindings.createBooleanBinding(
                () -> vm.layers().stream().anyMatch(LayerRow::quantized), vm.layers()));
        table.getColumns().add(weights);
        DoubleBinding fixed = Bindings.createDoubleBinding(() -> table.getColumns().stream()
                .filter(c -> c != name && c.isVisible()).mapToDouble(TableColumn::getPrefWidth).sum(),
                weights.visibleProperty());
        name.prefWidthProperty().bind(Bindings.max(name.getMinWidth(),
                table.widthProperty().subtract(fixed.add(SCROLL_BAR_ALLOWANCE))));
        VBox.setVgrow(table, Priority.ALWAYS);
        table.getSelectionModel().selectedItemProperty().addListener((o, was, row) -> {
            if (row != null) {
                vm.selectedLayerProperty().set(row.name());
            }
        });
        vm.selectedLayerProperty().addListener((o, was, layer) -> selectLayer(layer));

        root.getStyleClass().add("card");
        root.getChildren().addAll(heading, io, limits, blocks, table);
    }

    private void selectLayer(String layer) {
        LayerRow selected = table.getSelectionModel().getSelectedItem();
        if (layer == null) {
            table.getSelectionModel().clearSelection();
        } else if (selected == null || !layer.equals(selected.name())) {
            table.getItems().stream().filter(r -> r.name().equals(layer)).findFirst()
                    .ifPresentOrElse(r -> table.getSelectionModel().select(r),
                            () -> table.getSelectionModel().clearSelection());
        }
    }

    VBox root() {
        return root;
    }

    private static <T> TableColumn<LayerRow, T> column(String title, double width, Function<LayerRow, T> value,
                                                       Pos alignment) {
        TableColumn<LayerRow, T> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setMinWidth(width);
        c.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(value.apply(cd.getValue())));
        c.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(T item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : item.toString());
                setAlignment(alignment);
            }
        });
        return c;
    }
}
