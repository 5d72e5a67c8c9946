package org.quantscope.ui.main;

import eu.hansolo.tilesfx.Tile;
import eu.hansolo.tilesfx.TileBuilder;
import eu.hansolo.tilesfx.fonts.Fonts;
import javafx.beans.value.ObservableStringValue;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.paint.Color;

/**
 * A TilesFX tile showing one large value (a label with an id, so tests can read it) above a detail line, in the
 * window's dark card colour. Every tile of the window is made here, so they all share one layout.
 */
public final class ValueTile {

    /** Tile background, matching the dark theme's card colour. */
    public static final Color BACKGROUND = Color.web("#262a33");

    /** Colour of plain values. */
    public static final Color PLAIN = Color.web("#e8eaed");

    private final Tile tile;
    private final Label value = new Label();

    /**
     * Builds a tile.
     *
     * @param title     the tile's title
     * @param id        id of the value label
     * @param text      the large value
     * @param detail    the line below it
     * @param color     the value's colour
     * @param height    preferred height
     * @param valueSize font size of the value
     */
    public ValueTile(String title, String id, ObservableStringValue text, ObservableStringValue detail,
                     ObservableValue<Color> color, double height, double valueSize) {
        value.setId(id);
        value.getStyleClass().add("tile-value");
        value.setFont(Fonts.latoRegular(valueSize));
        value.textFillProperty().bind(color);
        value.textProperty().bind(text);
        value.setAlignment(Pos.CENTER_LEFT);
        value.setMaxWidth(Double.MAX_VALUE);
        tile = TileBuilder.create()
                .skinType(Tile.SkinType.CUSTOM)
                .title(title)
                .textSize(Tile.TextSize.BIGGER)
                .graphic(value)
                .textVisible(true)
                .backgroundColor(BACKGROUND)
                .roundedCorners(true)
                .prefSize(300, height)
                .build();
        tile.textProperty().bind(detail);
        tile.setMaxWidth(Double.MAX_VALUE);
        tile.setMinWidth(160);
        HBox.setHgrow(tile, Priority.ALWAYS);
    }

    /** The tile node. */
    public Tile tile() {
        return tile;
    }
}
