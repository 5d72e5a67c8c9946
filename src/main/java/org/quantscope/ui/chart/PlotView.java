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
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;
import javafx.util.Duration;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Draws a {@link Plot} with scene-graph nodes: every box and rule is a node with a tooltip showing its exact values
 * (style classes {@code plot-<kind>}, the mark as user data), boxes with a key call the click handler, and the plot is
 * laid out again whenever the region is resized.
 */
public final class PlotView extends Region {

    private static final Font FONT = Font.font(PlotGeometry.FONT);
    private static final Color TEXT = Color.web("#c4cad3");
    private static final Color MUTED = Color.web("#9aa3b0");
    private static final Color AXIS = Color.web("#4a505c");
    private static final Color PLOT_BACKGROUND = Color.web("#22262e");

    private final ObjectProperty<Plot> plot = new SimpleObjectProperty<>();
    private Consumer<String> onKeyClicked = k -> { };
    private boolean readableCategories;

    /** An empty view; set a plot with {@link #setPlot}. */
    public PlotView() {
        getStyleClass().add("plot-view");
        plot.addListener((o, was, now) -> {
            fitCategories();
            requestLayout();
        });
        setMinSize(120, 100);
        setPrefSize(400, 260);
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

    private void fitCategories() {
        Plot p = plot.get();
        double minH = 100;
        double minW = 120;
        if (readableCategories && p != null) {
            if (p.y().isCategories()) {
                minH = Math.max(minH, p.y().ticks().size() * (PlotGeometry.FONT + 2) + 3 * PlotGeometry.LINE + 24);
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
        Rectangle area = new Rectangle(g.left(), g.top(), g.right() - g.left(), g.bottom() - g.top());
        area.setFill(PLOT_BACKGROUND);
        nodes.add(area);
        for (Plot.Mark m : p.marks()) {
            if (m instanceof Plot.Box b) {
                nodes.add(box(b, g));
            } else if (m instanceof Plot.Rule r) {
                nodes.addAll(rule(r, g));
            }
        }
        nodes.add(line(g.left(), g.bottom(), g.right(), g.bottom()));
        nodes.add(line(g.left(), g.top(), g.left(), g.bottom()));
        for (Axis.Tick t : g.visibleTicks(p.x(), false, 60)) {
            Text label = text(t.label(), TEXT);
            label.setTextAlignment(TextAlignment.CENTER);
            label.setX(g.px(t.value()) - textWidth(t.label()) / 2);
            label.setY(g.bottom() + 3);
            nodes.add(label);
            nodes.add(line(g.px(t.value()), g.bottom(), g.px(t.value()), g.bottom() + 3));
        }
        for (Axis.Tick t : g.visibleTicks(p.y(), true, PlotGeometry.FONT + 1)) {
            Text label = text(t.label(), TEXT);
            label.setX(g.left() - 6 - textWidth(t.label()));
            label.setY(g.py(t.value()) - PlotGeometry.FONT * 0.6);
            nodes.add(label);
        }
        if (!p.x().label().isEmpty()) {
            Text label = text(p.x().label(), MUTED);
            label.setX((g.left() + g.right()) / 2 - textWidth(p.x().label()) / 2);
            label.setY(g.bottom() + PlotGeometry.LINE + 4);
            nodes.add(label);
        }
        if (!p.y().label().isEmpty()) {
            Text label = text(p.y().label(), MUTED);
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
                sw.setStroke(Color.web(l.color()));
                sw.setStrokeWidth(2);
                swatch = sw;
            } else {
                Rectangle sw = new Rectangle(x, y - 5, 12, 10);
                sw.setFill(Color.web(l.color()));
                swatch = sw;
            }
            Text label = text(l.label(), TEXT);
            label.getStyleClass().add("plot-legend");
            label.setX(x + 18);
            label.setY(y - PlotGeometry.FONT * 0.6);
            nodes.add(swatch);
            nodes.add(label);
        }
    }

    private Node box(Plot.Box b, PlotGeometry g) {
        double[] r = g.rect(b);
        Rectangle rect = new Rectangle(r[0], r[1], r[2], r[3]);
        rect.setFill(Color.web(b.color()));
        rect.getStyleClass().add("plot-" + b.kind());
        rect.setUserData(b);
        tooltip(rect, b.tooltip());
        if (b.key() != null) {
            rect.setCursor(Cursor.HAND);
            rect.setOnMouseClicked(e -> onKeyClicked.accept(b.key()));
        }
        return rect;
    }

    private static List<Node> rule(Plot.Rule r, PlotGeometry g) {
        double[] l = SvgWriter.line(r, g);
        Line visible = new Line(l[0], l[1], l[2], l[3]);
        visible.setStroke(Color.web(r.color()));
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

    private static void tooltip(Node n, String text) {
        if (text != null && !text.isEmpty()) {
            Tooltip tip = new Tooltip(text);
            tip.setShowDelay(Duration.millis(120));
            Tooltip.install(n, tip);
        }
    }

    private static Line line(double x0, double y0, double x1, double y1) {
        Line l = new Line(x0, y0, x1, y1);
        l.setStroke(AXIS);
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
