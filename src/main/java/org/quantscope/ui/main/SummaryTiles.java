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

import java.util.function.Function;

import static org.quantscope.ui.main.MainViewModel.NO_VALUE;

/**
 * The row of TilesFX tiles summarizing the open model: parameters, layers, opset and FP32 accuracy. Each tile shows a
 * large value (a label with an id, so tests can read it) and a detail line.
 */
final class SummaryTiles {

    /** Tile background, matching the dark theme's card colour. */
    static final Color TILE_BACKGROUND = Color.web("#262a33");

    private final HBox root = new HBox(12);

    SummaryTiles(MainViewModel vm) {
        Color plain = Color.web("#e8eaed");
        root.getChildren().addAll(
                tile("Parameters", "parametersValue", fromSummary(vm, ModelSummary::parameters, NO_VALUE),
                        fromSummary(vm, ModelSummary::parametersDetail, ""), plain),
                tile("Layers", "layersValue", fromSummary(vm, ModelSummary::layers, NO_VALUE),
                        fromSummary(vm, ModelSummary::layersDetail, ""), plain),
                tile("Opset", "opsetValue", fromSummary(vm, ModelSummary::opset, NO_VALUE),
                        fromSummary(vm, ModelSummary::opsetDetail, ""), plain),
                tile("FP32 accuracy", "accuracyValue", vm.accuracyTextProperty(), vm.accuracyDetailProperty(),
                        Color.web("#5fb3f9")));
        root.setPadding(new Insets(0, 0, 12, 0));
    }

    HBox root() {
        return root;
    }

    private static ObservableStringValue fromSummary(MainViewModel vm, Function<ModelSummary, String> part,
                                                     String none) {
        return Bindings.createStringBinding(() -> vm.summaryProperty().get() == null ? none
                : part.apply(vm.summaryProperty().get()), vm.summaryProperty());
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
