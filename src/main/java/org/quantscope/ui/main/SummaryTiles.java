package org.quantscope.ui.main;

import eu.hansolo.tilesfx.Tile;
import eu.hansolo.tilesfx.TileBuilder;
import eu.hansolo.tilesfx.fonts.Fonts;
import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableStringValue;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.paint.Color;

/**
 * The row of TilesFX tiles summarizing the open model: parameters, layers, opset and FP32 accuracy. Each tile shows a
 * large value (a label with an id, so tests can read it) and a detail line.
 */
final class SummaryTiles {

    /** Tile background, matching the dark theme's card colour. */
    static final Color TILE_BACKGROUND = Color.web("#262a33");

    private final HBox root = new HBox(12);

    SummaryTiles(MainViewModel vm) {
        var s = vm.summaryProperty();
        root.getChildren().addAll(
                tile("Parameters", "parametersValue",
                        Bindings.createStringBinding(() -> s.get() == null ? MainViewModel.NO_VALUE
                                : s.get().parameters(), s),
                        Bindings.createStringBinding(() -> s.get() == null ? "" : s.get().parametersDetail(), s),
                        Color.web("#e8eaed")),
                tile("Layers", "layersValue",
                        Bindings.createStringBinding(() -> s.get() == null ? MainViewModel.NO_VALUE
                                : s.get().layers(), s),
                        Bindings.createStringBinding(() -> s.get() == null ? "" : s.get().layersDetail(), s),
                        Color.web("#e8eaed")),
                tile("Opset", "opsetValue",
                        Bindings.createStringBinding(() -> s.get() == null ? MainViewModel.NO_VALUE
                                : s.get().opset(), s),
                        Bindings.createStringBinding(() -> s.get() == null ? "" : s.get().opsetDetail(), s),
                        Color.web("#e8eaed")),
                tile("FP32 accuracy", "accuracyValue", vm.accuracyTextProperty(), vm.accuracyDetailProperty(),
                        Color.web("#5fb3f9")));
        root.setPadding(new Insets(0, 0, 12, 0));
    }

    HBox root() {
        return root;
    }

    private Tile tile(String title, String id, ObservableStringValue value, ObservableStringValue detail,
                      Color valueColor) {
        Label big = new Label();
        big.setId(id);
        big.getStyleClass().add("tile-value");
        big.setFont(Fonts.latoRegular(34));
        big.setTextFill(valueColor);
        big.textProperty().bind(value);
        big.setAlignment(Pos.CENTER_LEFT);
        big.setMaxWidth(Double.MAX_VALUE);
        Tile tile = TileBuilder.create()
                .skinType(Tile.SkinType.CUSTOM)
                .title(title)
                .textSize(Tile.TextSize.BIGGER)
                .graphic(big)
                .textVisible(true)
                .backgroundColor(TILE_BACKGROUND)
                .roundedCorners(true)
                .prefSize(300, 160)
                .build();
        tile.textProperty().bind(detail);
        tile.setMaxWidth(Double.MAX_VALUE);
        tile.setMinWidth(200);
        HBox.setHgrow(tile, Priority.ALWAYS);
        return tile;
    }
}
