package org.quantscope.ui.chart;

import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/**
 * Layout pieces of the JavaFX bar charts with one category per row (classes): a heading row with the worst-N controls,
 * a scroll pane that scrolls once the rows need more height than the card has, and the summary line below.
 */
public final class CategoryRows {

    /** Height of one category row per bar in it, in pixels. */
    private static final double BAR_PITCH = 8;
    /** The smallest height a category needs for its label. */
    private static final double LABEL_PITCH = 22;

    private CategoryRows() {
    }

    /** The chart in a scroll pane that fills the card and scrolls when the chart's minimum height exceeds it. */
    public static ScrollPane scroll(Region chart) {
        ScrollPane s = new ScrollPane(chart);
        s.setFitToWidth(true);
        s.setFitToHeight(true);
        s.getStyleClass().add("plot-scroll");
        if (chart.getId() != null) {
            s.setId(chart.getId() + "Scroll");
        }
        return s;
    }

    /**
     * Sets the chart's minimum height so that {@code rows} categories of {@code bars} bars each keep their labels
     * readable; 0 rows restores the default (the chart squeezes into the card).
     */
    public static void fit(Region chart, int rows, int bars) {
        chart.setMinHeight(rows == 0 ? Region.USE_COMPUTED_SIZE
                : rows * Math.max(LABEL_PITCH, bars * BAR_PITCH + 4) + 90);
    }

    /** The title with the controls at its right. */
    public static HBox heading(Label title, Node controls) {
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox top = new HBox(8, title, gap, controls);
        top.setAlignment(Pos.CENTER_LEFT);
        return top;
    }

    /** The summary line below the chart, hidden while empty. */
    public static Label summary(Label rest, String id) {
        rest.setId(id);
        rest.getStyleClass().add("worst-summary");
        rest.setWrapText(true);
        rest.setMinHeight(Region.USE_PREF_SIZE);
        rest.managedProperty().bind(rest.textProperty().isNotEmpty());
        rest.visibleProperty().bind(rest.managedProperty());
        return rest;
    }
}
