package org.quantscope.ui.main;

import eu.hansolo.tilesfx.Tile;
import javafx.beans.binding.Bindings;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.value.ObservableStringValue;
import javafx.geometry.Insets;
import javafx.scene.layout.HBox;
import javafx.scene.paint.Color;

import java.util.function.Function;

import static org.quantscope.ui.main.MainViewModel.NO_VALUE;

/**
 * The row of TilesFX tiles summarizing the open model: parameters, layers, opset and FP32 accuracy. Each tile shows a
 * large value (a label with an id, so tests can read it) and a detail line.
 */
final class SummaryTiles {

    private final HBox root = new HBox(12);

    SummaryTiles(MainViewModel vm) {
        Color plain = ValueTile.PLAIN;
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

    private static Tile tile(String title, String id, ObservableStringValue value, ObservableStringValue detail,
                             Color valueColor) {
        return new ValueTile(title, id, value, detail, new SimpleObjectProperty<>(valueColor), 160, 34).tile();
    }
}
