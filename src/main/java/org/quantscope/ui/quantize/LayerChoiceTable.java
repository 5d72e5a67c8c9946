package org.quantscope.ui.quantize;

import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.Objects;
import java.util.function.Function;

/**
 * The card listing "all quantizers", each layer and the quantizers outside layers, with their quantizer counts.
 * Selecting an entry shows its quantizers in the {@link QuantizerTable}; the selection is shared with the model tab's
 * layer table.
 */
final class LayerChoiceTable {

    private static final double SCROLL_BAR_ALLOWANCE = 18;

    private final VBox root = new VBox(6);
    private final TableView<LayerChoice> table = new TableView<>();
    private final QuantizationViewModel vm;
    private boolean syncing;

    LayerChoiceTable(QuantizationViewModel vm) {
        this.vm = vm;
        Label heading = new Label("Layers");
        heading.getStyleClass().add("card-title");
        table.setId("quantLayerTable");
        table.getStyleClass().add("compact-table");
        table.setItems(vm.layerChoices());
        table.setPlaceholder(new Label("Open a model to see its layers"));
        table.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
        TableColumn<LayerChoice, String> name = column("Layer", 120, LayerChoice::label, Pos.CENTER_LEFT);
        table.getColumns().add(name);
        table.getColumns().add(column("Kind", 124, LayerChoice::kind, Pos.CENTER_LEFT));
        table.getColumns().add(column("Quantizers", 92, c -> String.valueOf(c.quantizers()), Pos.CENTER_RIGHT));
        double fixed = table.getColumns().stream().filter(c -> c != name).mapToDouble(TableColumn::getPrefWidth)
                .sum();
        name.prefWidthProperty().bind(Bindings.max(name.getMinWidth(),
                table.widthProperty().subtract(fixed + SCROLL_BAR_ALLOWANCE)));
        table.getSelectionModel().selectedItemProperty().addListener((o, was, choice) -> {
            if (choice != null && !syncing) {
                vm.selectedLayerProperty().set(choice.layer());
            }
        });
        vm.selectedLayerProperty().addListener((o, was, layer) -> select());
        vm.layerChoices().addListener((ListChangeListener<LayerChoice>) c -> select());
        select();
        VBox.setVgrow(table, Priority.ALWAYS);
        root.getStyleClass().add("card");
        root.getChildren().addAll(heading, table);
    }

    VBox root() {
        return root;
    }

    private void select() {
        String layer = vm.selectedLayerProperty().get();
        syncing = true;
        try {
            table.getItems().stream().filter(c -> Objects.equals(c.layer(), layer)).findFirst()
                    .ifPresentOrElse(c -> table.getSelectionModel().select(c),
                            () -> table.getSelectionModel().clearSelection());
        } finally {
            syncing = false;
        }
    }

    private static TableColumn<LayerChoice, String> column(String title, double width,
                                                           Function<LayerChoice, String> value, Pos alignment) {
        TableColumn<LayerChoice, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setMinWidth(width);
        c.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(value.apply(cd.getValue())));
        c.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : item);
                setAlignment(alignment);
            }
        });
        return c;
    }
}
