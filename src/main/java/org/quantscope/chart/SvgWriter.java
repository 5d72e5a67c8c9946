package org.quantscope.chart;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a {@link Plot} as a standalone SVG document: the same boxes, rules, texts, ticks and legend the window draws,
 * laid out by the same {@link PlotGeometry}, each mark with its tooltip as an SVG {@code <title>} and its kind as the
 * class (so {@code rect.bar} are the bars), every colour looked up in a {@link Theme}. Text widths are estimated, as no
 * font is at hand.
 */
public final class SvgWriter {

    private static final double CHAR_WIDTH = 6.6;
    /** How far a value inside a bar ends before the bar's end, in pixels. */
    public static final double TEXT_INSET = 8;
    /** How far a value beside a bar starts after the bar's end, in pixels. */
    public static final double TEXT_GAP = 6;

    private SvgWriter() {
    }

    /**
     * The SVG text in the window's colours ({@link Theme#DARK}).
     *
     * @param plot    the chart
     * @param title   heading above the chart
     * @param caption line below the chart, or empty
     * @param width   width in pixels
     * @param height  height in pixels (heading and caption included)
     * @return the document
     */
    public static String toSvg(Plot plot, String title, String caption, double width, double height) {
        return toSvg(plot, title, caption, width, height, Theme.DARK);
    }

    /**
     * The SVG text.
     *
     * @param plot    the chart
     * @param title   heading above the chart
     * @param caption line below the chart, or empty
     * @param width   width in pixels
     * @param height  height in pixels (heading and caption included)
     * @param theme   the colours
     * @return the document
     */
    public static String toSvg(Plot plot, String title, String caption, double width, double height, Theme theme) {
        double head = PlotGeometry.LINE + 10;
        double foot = caption.isEmpty() ? 0 : PlotGeometry.LINE + 6;
        PlotGeometry g = new PlotGeometry(plot, width, height - head - foot, s -> s.length() * CHAR_WIDTH);
        StringBuilder s = new StringBuilder();
        s.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                + "viewBox=\"0 0 %.0f %.0f\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"%.0f\">%n",
                width, height, width, height, PlotGeometry.FONT));
        s.append(String.format(Locale.ROOT, "<rect class=\"background\" width=\"%.0f\" height=\"%.0f\" fill=\"%s\"/>%n",
                width, height, theme.color(ColorRole.BACKGROUND)));
        s.append(String.format(Locale.ROOT, "<text x=\"8\" y=\"%.1f\" fill=\"%s\" font-size=\"15\" "
                + "font-weight=\"bold\">%s</text>%n", head - 8, theme.color(ColorRole.TITLE), esc(title)));
        s.append(String.format(Locale.ROOT, "<g transform=\"translate(0 %.1f)\">%n", head));
        if (g.usable()) {
            body(s, plot, g, theme);
        }
        s.append("</g>\n");
        if (!caption.isEmpty()) {
            s.append(String.format(Locale.ROOT, "<text x=\"8\" y=\"%.1f\" fill=\"%s\">%s</text>%n", height - 8,
                    theme.color(ColorRole.MUTED), esc(caption)));
        }
        s.append("</svg>\n");
        return s.toString();
    }

    /**
     * Writes the SVG in the window's colours ({@link Theme#DARK}) to a file.
     *
     * @param plot    the chart
     * @param title   heading
     * @param caption line below, or empty
     * @param width   width in pixels
     * @param height  height in pixels
     * @param file    where to write (UTF-8)
     * @throws IOException when the file cannot be written
     */
    public static void write(Plot plot, String title, String caption, double width, double height, Path file)
            throws IOException {
        write(plot, title, caption, width, height, Theme.DARK, file);
    }

    /**
     * Writes the SVG to a file.
     *
     * @param plot    the chart
     * @param title   heading
     * @param caption line below, or empty
     * @param width   width in pixels
     * @param height  height in pixels
     * @param theme   the colours
     * @param file    where to write (UTF-8)
     * @throws IOException when the file cannot be written
     */
    public static void write(Plot plot, String title, String caption, double width, double height, Theme theme,
                             Path file) throws IOException {
        Files.writeString(file, toSvg(plot, title, caption, width, height, theme), StandardCharsets.UTF_8);
    }

    private static void body(StringBuilder s, Plot plot, PlotGeometry g, Theme theme) {
        String text = theme.color(ColorRole.TEXT);
        String muted = theme.color(ColorRole.MUTED);
        String axis = theme.color(ColorRole.AXIS);
        s.append(String.format(Locale.ROOT, "<rect class=\"plot-area\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                + "height=\"%.1f\" fill=\"%s\"/>%n", g.left(), g.top(), g.right() - g.left(), g.bottom() - g.top(),
                theme.color(ColorRole.PLOT_BACKGROUND)));
        for (Plot.Mark m : plot.marks()) {
            if (m instanceof Plot.Box b) {
                double[] r = g.rect(b);
                s.append(String.format(Locale.ROOT, "<rect class=\"%s\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
                        + "height=\"%.2f\" fill=\"%s\"%s><title>%s</title></rect>%n", b.kind(), r[0], r[1], r[2], r[3],
                        theme.color(b.role()), b.key() == null ? "" : " data-key=\"" + esc(b.key()) + "\"",
                        esc(b.tooltip())));
            } else if (m instanceof Plot.Rule r) {
                double[] l = line(r, g);
                s.append(String.format(Locale.ROOT, "<line class=\"%s\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
                        + "stroke=\"%s\" stroke-width=\"%.1f\"%s><title>%s</title></line>%n", r.kind(), l[0], l[1], l[2],
                        l[3], theme.color(r.role()), r.width(), r.dashed() ? " stroke-dasharray=\"5 4\"" : "",
                        esc(r.tooltip())));
            } else if (m instanceof Plot.Text t) {
                s.append(String.format(Locale.ROOT, "<text class=\"%s\" x=\"%.2f\" y=\"%.2f\" fill=\"%s\" "
                        + "font-weight=\"bold\" text-anchor=\"%s\">%s</text>%n", t.kind(),
                        g.px(t.x()) + (t.inside() ? -TEXT_INSET : TEXT_GAP), g.py(t.y()) + 4,
                        theme.color(t.role()), t.inside() ? "end" : "start", esc(t.text())));
            }
        }
        s.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                + "stroke=\"%s\"/>%n", g.left(), g.bottom(), g.right(), g.bottom(), axis));
        s.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                + "stroke=\"%s\"/>%n", g.left(), g.top(), g.left(), g.bottom(), axis));
        for (Axis.Tick t : g.visibleTicks(plot.x(), false, 60)) {
            double x = g.px(t.value());
            s.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" fill=\"%s\" "
                    + "text-anchor=\"middle\">%s</text>%n", x, g.bottom() + PlotGeometry.LINE, text, esc(t.label())));
        }
        for (Axis.Tick t : g.visibleTicks(plot.y(), true, PlotGeometry.FONT + 1)) {
            double y = g.py(t.value());
            s.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" fill=\"%s\" "
                    + "text-anchor=\"end\">%s</text>%n", g.left() - 6, y + 4, text, esc(t.label())));
        }
        if (!plot.x().label().isEmpty()) {
            s.append(String.format(Locale.ROOT, "<text class=\"axis-label\" x=\"%.1f\" y=\"%.1f\" fill=\"%s\" "
                    + "text-anchor=\"middle\">%s</text>%n", (g.left() + g.right()) / 2,
                    g.bottom() + 2 * PlotGeometry.LINE + 2, muted, esc(plot.x().label())));
        }
        if (!plot.y().label().isEmpty()) {
            double cy = (g.top() + g.bottom()) / 2;
            s.append(String.format(Locale.ROOT, "<text class=\"axis-label\" x=\"18\" y=\"%.1f\" fill=\"%s\" "
                    + "text-anchor=\"middle\" transform=\"rotate(-90 18 %.1f)\">%s</text>%n", cy,
                    muted, cy, esc(plot.y().label())));
        }
        for (int i = 0; i < plot.legend().size(); i++) {
            Plot.Legend l = plot.legend().get(i);
            double x = g.legendX(i);
            double y = g.legendY(i);
            if (l.line()) {
                s.append(String.format(Locale.ROOT, "<line class=\"legend\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                        + "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"/>%n", x, y, x + 14, y, theme.color(l.role())));
            } else {
                s.append(String.format(Locale.ROOT, "<rect class=\"legend\" x=\"%.1f\" y=\"%.1f\" width=\"12\" "
                        + "height=\"10\" fill=\"%s\"/>%n", x, y - 5, theme.color(l.role())));
            }
            s.append(String.format(Locale.ROOT, "<text class=\"legend\" x=\"%.1f\" y=\"%.1f\" fill=\"%s\">%s</text>%n",
                    x + 18, y + 4, text, esc(l.label())));
        }
    }

    /**
     * A rule's end points in pixels.
     *
     * @param r the rule
     * @param g the layout
     * @return x1, y1, x2, y2
     */
    public static double[] line(Plot.Rule r, PlotGeometry g) {
        if (r.vertical()) {
            double x = g.px(r.at());
            return new double[] {x, g.top(), x, g.bottom()};
        }
        double y = g.py(r.at());
        return new double[] {g.left(), y, g.right(), y};
    }

    private static String esc(String t) {
        return t == null ? "" : t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
