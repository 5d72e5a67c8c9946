package org.quantscope.ui.main;

import eu.hansolo.tilesfx.Tile;
import eu.hansolo.tilesfx.TileBuilder;
import eu.hansolo.tilesfx.fonts.Fonts;
import javafx.beans.value.ObservableStringValue;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.paint.Color;

/**
 * A TilesFX tile showing a title, one large value (a label with an id, so tests can read it) and a detail line (id
 * {@code <id>Detail}), in the window's dark card colour. Every tile of the window is made here, so they all share one layout.
 */
public final class ValueTile {

    /** Tile background, matching the dark theme's card colour. */
    public static final Color BACKGROUND = Color.web("#262a33");

    private static final double TITLE_SIZE = 14;
    private static final double DETAIL_SIZE = 12.5;

    /** Colour of plain values. */
    public static final Color PLAIN = Color.web("#e8eaed");

    private final Tile tile;

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
        Label value = new Label();
        value.setId(id);
        value.getStyleClass().add("tile-value");
        value.setFont(Fonts.latoRegular(valueSize));
        value.textFillProperty().bind(color);
        value.textProperty().bind(text);
        value.setAlignment(Pos.CENTER_LEFT);
        value.setMaxWidth(Double.MAX_VALUE);
        Label heading = new Label(title);
        heading.getStyleClass().add("tile-title");
        heading.setFont(Fonts.latoRegular(TITLE_SIZE));
        Label below = new Label();
        below.setId(id + "Detail");
        below.getStyleClass().add("tile-detail");
        below.setFont(Fonts.latoRegular(DETAIL_SIZE));
        below.textProperty().bind(detail);
        below.setMaxWidth(Double.MAX_VALUE);
        // Title and detail are labels of their own rather than the tile's title and text: TilesFX scales those with
        // the tile size at unpredictable moments, so tiles of one row could show different font sizes.
        BorderPane content = new BorderPane(value, heading, null, below, null);
        BorderPane.setAlignment(value, Pos.CENTER_LEFT);
        tile = TileBuilder.create()
                .skinType(Tile.SkinType.CUSTOM)
                .title("")
                .graphic(content)
                .textVisible(false)
                .backgroundColor(BACKGROUND)
                .roundedCorners(true)
                .prefSize(300, height)
                .build();
        tile.setMaxWidth(Double.MAX_VALUE);
        tile.setMinWidth(160);
        tile.setMinHeight(height);
        HBox.setHgrow(tile, Priority.ALWAYS);
    }

    /** The tile node. */
    public Tile tile() {
        return tile;
    }
}
