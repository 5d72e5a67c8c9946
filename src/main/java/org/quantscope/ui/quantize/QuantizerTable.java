package org.quantscope.ui.quantize;

import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.OverrunStyle;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

import java.util.function.Function;

/**
 * The card listing the quantizers of the selected layer (or all of them) with their grid and encoding: scale(s), zero
 * point, clipping range (the widest channel for per-channel weights), observed range and the share of clipped weights. Hovering a row shows the full name and any
 * note.
 */
final class QuantizerTable {

    private static final double SCROLL_BAR_ALLOWANCE = 18;

    private final VBox root = new VBox(6);
    private final TableView<QuantizerRow> table = new TableView<>();

    QuantizerTable(QuantizationViewModel vm) {
        Label heading = new Label("Quantizers");
        heading.getStyleClass().add("card-title");
        Label caption = new Label();
        caption.setId("quantizerCaption");
        caption.getStyleClass().add("muted");
        caption.textProperty().bind(vm.quantizerCaptionProperty());

        table.setId("quantizerTable");
        table.getStyleClass().add("compact-table");
        table.setItems(vm.quantizers());
        table.setPlaceholder(new Label("Open a model to see where its quantizers sit"));
        table.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
        TableColumn<QuantizerRow, String> name = column("Quantizer", 150, QuantizerRow::name, Pos.CENTER_LEFT);
        table.getColumns().add(name);
        table.getColumns().add(column("Kind · role", 132, QuantizerRow::kindAndRole, Pos.CENTER_LEFT));
        table.getColumns().add(column("Grid", 50, QuantizerRow::grid, Pos.CENTER_LEFT));
        table.getColumns().add(column("Granularity", 92, QuantizerRow::granularity, Pos.CENTER_LEFT));
        table.getColumns().add(column("Method", 74, QuantizerRow::method, Pos.CENTER_LEFT));
        table.getColumns().add(column("Scale", 156, QuantizerRow::scale, Pos.CENTER_LEFT));
        table.getColumns().add(column("Zero pt", 58, QuantizerRow::zeroPoint, Pos.CENTER_RIGHT));
        table.getColumns().add(column("Clip range", 108, QuantizerRow::range, Pos.CENTER_LEFT));
        table.getColumns().add(column("Observed", 104, QuantizerRow::observed, Pos.CENTER_LEFT));
        table.getColumns().add(column("Clipped", 60, QuantizerRow::clipped, Pos.CENTER_RIGHT));
        double fixed = table.getColumns().stream().filter(c -> c != name).mapToDouble(TableColumn::getPrefWidth)
                .sum();
        name.prefWidthProperty().bind(Bindings.max(name.getMinWidth(),
                table.widthProperty().subtract(fixed + SCROLL_BAR_ALLOWANCE)));
        table.setRowFactory(t -> {
            TableRow<QuantizerRow> row = new TableRow<>();
            row.itemProperty().addListener((o, was, item) -> {
                if (item == null) {
                    row.setTooltip(null);
                } else {
                    Tooltip tip = new Tooltip(item.describe());
                    tip.setShowDelay(Duration.millis(300));
                    row.setTooltip(tip);
                }
            });
            return row;
        });
        VBox.setVgrow(table, Priority.ALWAYS);
        root.getStyleClass().add("card");
        root.getChildren().addAll(heading, caption, table);
    }

    VBox root() {
        return root;
    }

    private static TableColumn<QuantizerRow, String> column(String title, double width,
                                                            Function<QuantizerRow, String> value, Pos alignment) {
        TableColumn<QuantizerRow, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setMinWidth(width);
        c.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(value.apply(cd.getValue())));
        c.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : item);
                setAlignment(alignment);
                setTextOverrun(OverrunStyle.CENTER_ELLIPSIS);
            }
        });
        return c;
    }
}
