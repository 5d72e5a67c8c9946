package org.quantscope.ui.chart;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.VPos;
import javafx.scene.Cursor;
import javafx.scene.Node;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.shape.Line;
import javafx.scene.shape.Rectangle;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;
import javafx.util.Duration;
import org.quantscope.chart.Axis;
import org.quantscope.chart.ColorRole;
import org.quantscope.chart.Plot;
import org.quantscope.chart.PlotGeometry;
import org.quantscope.chart.SvgWriter;
import org.quantscope.chart.Theme;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Draws a {@link Plot} with scene-graph nodes in the colours of a {@link Theme} ({@link Theme#DARK} unless set): every
 * box and rule is a node with a tooltip showing its exact values (style classes {@code plot-<kind>}, the mark as user
 * data), boxes with a key call the click handler, and the plot is laid out again whenever the region is resized or the
 * theme changes.
 */
public final class PlotView extends Region {

    private static final Font FONT = Font.font(PlotGeometry.FONT);
    private static final Font BOLD = Font.font(FONT.getFamily(), FontWeight.BOLD, PlotGeometry.FONT);
    /** Height a category needs for its label when the categories are made readable. */
    private static final double LABEL_PITCH = PlotGeometry.FONT + 2;

    private final ObjectProperty<Plot> plot = new SimpleObjectProperty<>();
    private final ObjectProperty<Theme> theme = new SimpleObjectProperty<>(Theme.DARK);
    private Consumer<String> onKeyClicked = k -> { };
    private boolean readableCategories;
    private double categoryPitch = LABEL_PITCH;

    /** An empty view; set a plot with {@link #setPlot}. */
    public PlotView() {
        getStyleClass().add("plot-view");
        plot.addListener((o, was, now) -> {
            fitCategories();
            requestLayout();
        });
        theme.addListener((o, was, now) -> requestLayout());
        setMinSize(120, 100);
        setPrefSize(400, 260);
    }

    /** The colours the plot is drawn with ({@link Theme#DARK} while null). */
    public ObjectProperty<Theme> themeProperty() {
        return theme;
    }

    /** The colours the plot is drawn with. */
    public Theme getTheme() {
        return theme.get() == null ? Theme.DARK : theme.get();
    }

    /** Draws with {@code t} from now on. */
    public void setTheme(Theme t) {
        theme.set(t);
    }

    /** The plot shown, or null. */
    public ObjectProperty<Plot> plotProperty() {
        return plot;
    }

    /** Shows {@code p} (null clears the view). */
    public void setPlot(Plot p) {
        plot.set(p);
    }

    /** The plot shown, or null. */
    public Plot getPlot() {
        return plot.get();
    }

    /**
     * Makes every category label readable: the view's minimum height (vertical category axis) or width (horizontal one)
     * grows with the number of categories, one text line or one label width each, so that a scroll pane around it
     * scrolls instead of leaving labels out.
     *
     * @param on whether to size the view by its categories
     */
    public void setReadableCategories(boolean on) {
        readableCategories = on;
        fitCategories();
    }

    /**
     * Makes every category label readable, giving each category of a vertical category axis at least {@code pitch}
     * pixels (charts with several bars per category need more than one text line).
     *
     * @param on    whether to size the view by its categories
     * @param pitch the least height of one category in pixels
     */
    public void setReadableCategories(boolean on, double pitch) {
        categoryPitch = Math.max(LABEL_PITCH, pitch);
        setReadableCategories(on);
    }

    private void fitCategories() {
        Plot p = plot.get();
        double minH = 100;
        double minW = 120;
        if (readableCategories && p != null) {
            if (p.y().isCategories()) {
                minH = Math.max(minH, p.y().ticks().size() * categoryPitch + 3 * PlotGeometry.LINE + 24);
            }
            if (p.x().isCategories()) {
                double widest = p.x().ticks().stream().mapToDouble(t -> textWidth(t.label())).max().orElse(0);
                double yLabels = p.y().ticks().stream().mapToDouble(t -> textWidth(t.label())).max().orElse(0);
                minW = Math.max(minW, p.x().ticks().size() * (widest + 12) + yLabels + 3 * PlotGeometry.LINE + 30);
            }
        }
        setMinSize(minW, minH);
    }

    /** Called with the key of a clicked box (a layer name). */
    public void setOnKeyClicked(Consumer<String> handler) {
        onKeyClicked = handler == null ? k -> { } : handler;
    }

    @Override
    protected void layoutChildren() {
        List<Node> nodes = new ArrayList<>();
        Plot p = plot.get();
        double w = getWidth();
        double h = getHeight();
        if (p != null && w > 0 && h > 0) {
            PlotGeometry g = new PlotGeometry(p, w, h, PlotView::textWidth);
            if (g.usable()) {
                draw(p, g, nodes);
            }
        }
        getChildren().setAll(nodes);
    }

    private void draw(Plot p, PlotGeometry g, List<Node> nodes) {
        Theme th = getTheme();
        Color text = color(th, ColorRole.TEXT);
        Color muted = color(th, ColorRole.MUTED);
        Color axis = color(th, ColorRole.AXIS);
        Rectangle area = new Rectangle(g.left(), g.top(), g.right() - g.left(), g.bottom() - g.top());
        area.setFill(color(th, ColorRole.PLOT_BACKGROUND));
        nodes.add(area);
        for (Plot.Mark m : p.marks()) {
            if (m instanceof Plot.Box b) {
                nodes.add(box(b, g, th));
            } else if (m instanceof Plot.Rule r) {
                nodes.addAll(rule(r, g, th));
            } else if (m instanceof Plot.Text t) {
                nodes.add(value(t, g, th));
            }
        }
        nodes.add(line(g.left(), g.bottom(), g.right(), g.bottom(), axis));
        nodes.add(line(g.left(), g.top(), g.left(), g.bottom(), axis));
        for (Axis.Tick t : g.visibleTicks(p.x(), false, 60)) {
            Text label = text(t.label(), text);
            label.setTextAlignment(TextAlignment.CENTER);
            label.setX(g.px(t.value()) - textWidth(t.label()) / 2);
            label.setY(g.bottom() + 3);
            nodes.add(label);
            nodes.add(line(g.px(t.value()), g.bottom(), g.px(t.value()), g.bottom() + 3, axis));
        }
        for (Axis.Tick t : g.visibleTicks(p.y(), true, PlotGeometry.FONT + 1)) {
            Text label = text(t.label(), text);
            label.setX(g.left() - 6 - textWidth(t.label()));
            label.setY(g.py(t.value()) - PlotGeometry.FONT * 0.6);
            nodes.add(label);
        }
        if (!p.x().label().isEmpty()) {
            Text label = text(p.x().label(), muted);
            label.setX((g.left() + g.right()) / 2 - textWidth(p.x().label()) / 2);
            label.setY(g.bottom() + PlotGeometry.LINE + 4);
            nodes.add(label);
        }
        if (!p.y().label().isEmpty()) {
            Text label = text(p.y().label(), muted);
            double tw = textWidth(p.y().label());
            label.setX(18 - tw / 2);
            label.setY((g.top() + g.bottom()) / 2 - PlotGeometry.FONT * 0.6);
            label.setRotate(-90);
            nodes.add(label);
        }
        for (int i = 0; i < p.legend().size(); i++) {
            Plot.Legend l = p.legend().get(i);
            double x = g.legendX(i);
            double y = g.legendY(i);
            Node swatch;
            if (l.line()) {
                Line sw = new Line(x, y, x + 14, y);
                sw.setStroke(color(th, l.role()));
                sw.setStrokeWidth(2);
                swatch = sw;
            } else {
                Rectangle sw = new Rectangle(x, y - 5, 12, 10);
                sw.setFill(color(th, l.role()));
                swatch = sw;
            }
            Text label = text(l.label(), text);
            label.getStyleClass().add("plot-legend");
            label.setX(x + 18);
            label.setY(y - PlotGeometry.FONT * 0.6);
            nodes.add(swatch);
            nodes.add(label);
        }
    }

    private Node box(Plot.Box b, PlotGeometry g, Theme th) {
        double[] r = g.rect(b);
        Rectangle rect = new Rectangle(r[0], r[1], r[2], r[3]);
        rect.setFill(color(th, b.role()));
        rect.getStyleClass().add("plot-" + b.kind());
        rect.setUserData(b);
        tooltip(rect, b.tooltip());
        if (b.key() != null) {
            rect.setCursor(Cursor.HAND);
            rect.setOnMouseClicked(e -> onKeyClicked.accept(b.key()));
        }
        return rect;
    }

    private static List<Node> rule(Plot.Rule r, PlotGeometry g, Theme th) {
        double[] l = SvgWriter.line(r, g);
        Line visible = new Line(l[0], l[1], l[2], l[3]);
        visible.setStroke(color(th, r.role()));
        visible.setStrokeWidth(r.width());
        if (r.dashed()) {
            visible.getStrokeDashArray().setAll(5.0, 4.0);
        }
        visible.getStyleClass().add("plot-" + r.kind());
        visible.setUserData(r);
        visible.setMouseTransparent(true);
        Line hover = new Line(l[0], l[1], l[2], l[3]);
        hover.setStroke(Color.TRANSPARENT);
        hover.setStrokeWidth(7);
        tooltip(hover, r.tooltip());
        return List.of(visible, hover);
    }

    private static Node value(Plot.Text t, PlotGeometry g, Theme th) {
        Text label = text(t.text(), color(th, t.role()));
        label.setFont(BOLD);
        double w = label.getLayoutBounds().getWidth();
        double x = g.px(t.x());
        label.setX(t.inside() ? x - SvgWriter.TEXT_INSET - w : x + SvgWriter.TEXT_GAP);
        label.setY(g.py(t.y()) - label.getLayoutBounds().getHeight() / 2);
        label.getStyleClass().add("plot-" + t.kind());
        label.setUserData(t);
        return label;
    }

    private static Color color(Theme th, ColorRole role) {
        return Color.web(th.color(role));
    }

    private static void tooltip(Node n, String text) {
        if (text != null && !text.isEmpty()) {
            Tooltip tip = new Tooltip(text);
            tip.setShowDelay(Duration.millis(120));
            Tooltip.install(n, tip);
        }
    }

    private static Line line(double x0, double y0, double x1, double y1, Color stroke) {
        Line l = new Line(x0, y0, x1, y1);
        l.setStroke(stroke);
        l.setMouseTransparent(true);
        return l;
    }

    private static Text text(String s, Color color) {
        Text t = new Text(s);
        t.setFont(FONT);
        t.setFill(color);
        t.setTextOrigin(VPos.TOP);
        t.setMouseTransparent(true);
        return t;
    }

    static double textWidth(String s) {
        Text t = new Text(s);
        t.setFont(FONT);
        return t.getLayoutBounds().getWidth();
    }
}
