package org.quantscope.ui.chart;

import javafx.scene.control.ScrollPane;
import javafx.scene.layout.Region;

/**
 * Layout of charts with one category per row (classes, layers): the scroll pane that scrolls once the rows need more
 * height than the card has, and the height a row needs for its bars and its label.
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
     * The height a category row of {@code bars} bars needs so that its bars and its label stay readable, for
     * {@link PlotView#setReadableCategories(boolean, double)}.
     *
     * @param bars bars per category
     * @return pixels per category
     */
    public static double pitch(int bars) {
        return Math.max(LABEL_PITCH, bars * BAR_PITCH + 4);
    }
}
