package org.quantscope.chart;

import java.util.List;

/**
 * A chart as data: two axes, marks in data coordinates (boxes for bars, bins and floating ranges; rules for thresholds,
 * grid values and clipping limits; texts for values printed at bar ends) and a legend. Marks carry a
 * {@link ColorRole}, not a colour: the renderer resolves it in its {@link Theme}, so one plot draws dark in the window
 * and light on paper. JavaFX-free: the window's plot view draws it on screen (with a tooltip per mark and clicks on
 * keyed marks) and {@link SvgWriter} writes the same marks as SVG, so an export shows exactly what the window shows.
 * Charts receive reduced data (binned histograms, per-channel arrays), never tensors.
 *
 * @param x      horizontal axis
 * @param y      vertical axis
 * @param marks  what to draw, in drawing order
 * @param legend legend entries, left to right
 */
public record Plot(Axis x, Axis y, List<Mark> marks, List<Legend> legend) {

    /** Copies the lists. */
    public Plot {
        marks = List.copyOf(marks);
        legend = List.copyOf(legend);
    }

    /** Something drawn in the plot area. */
    public sealed interface Mark permits Box, Rule, Text {
        /** Exact values, shown on hover and written as the SVG title. */
        String tooltip();
    }

    /**
     * A filled rectangle [x0, x1] x [y0, y1] in data coordinates.
     *
     * @param x0      left
     * @param x1      right
     * @param y0      bottom
     * @param y1      top
     * @param role    what its fill means
     * @param kind    what it is ({@code bar}, {@code bin}, {@code range}, {@code band}), the SVG class
     * @param key     what clicking it selects (a layer name), or null
     * @param tooltip exact values
     */
    public record Box(double x0, double x1, double y0, double y1, ColorRole role, String kind, String key,
                      String tooltip) implements Mark {
    }

    /**
     * A line across the whole plot at one value.
     *
     * @param vertical true: at x = {@code at}; false: at y = {@code at}
     * @param at       the value
     * @param role     what its stroke means
     * @param width    stroke width in pixels
     * @param dashed   dashed stroke
     * @param kind     what it is ({@code threshold}, {@code grid}, {@code clip}, {@code method}), the SVG class
     * @param tooltip  exact values
     */
    public record Rule(boolean vertical, double at, ColorRole role, double width, boolean dashed, String kind,
                       String tooltip) implements Mark {
    }

    /**
     * A short bold text at a point in data coordinates, vertically centred there: the value at the end of a bar.
     *
     * @param x      where the bar ends
     * @param y      the bar's centre
     * @param text   what is printed
     * @param role   its colour
     * @param inside true: the text ends a few pixels before {@code x} (inside the bar); false: it starts a few pixels
     *               after it
     * @param kind   what it is ({@code value}), the SVG class
     */
    public record Text(double x, double y, String text, ColorRole role, boolean inside, String kind)
            implements Mark {

        /** The text itself: the bar beneath carries the exact values. */
        @Override
        public String tooltip() {
            return text;
        }
    }

    /**
     * A legend entry.
     *
     * @param label text
     * @param role  swatch colour
     * @param line  a line swatch (for rules) instead of a box
     */
    public record Legend(String label, ColorRole role, boolean line) {
    }

    /** The boxes only. */
    public List<Box> boxes() {
        return marks.stream().filter(Box.class::isInstance).map(Box.class::cast).toList();
    }

    /** The rules only. */
    public List<Rule> rules() {
        return marks.stream().filter(Rule.class::isInstance).map(Rule.class::cast).toList();
    }

    /** The texts only. */
    public List<Text> texts() {
        return marks.stream().filter(Text.class::isInstance).map(Text.class::cast).toList();
    }
}
