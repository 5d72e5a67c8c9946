package org.quantscope.chart;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Axes, geometry and SVG export of the JavaFX-free plot model, against hand-worked numbers. */
class PlotTest {

    @Test
    void linearAxisHasNiceTicksAndSnapsToThem() {
        Axis a = Axis.linear("x", 0.03, 0.97, 5, true);
        assertEquals(0, a.min(), 1e-12);
        assertEquals(1, a.max(), 1e-12);
        assertEquals(List.of("0.0", "0.2", "0.4", "0.6", "0.8", "1.0"), a.ticks().stream().map(Axis.Tick::label)
                .toList());
        assertEquals(0.5, a.fraction(0.5), 1e-12);
        assertEquals(-0.05, a.fraction(-3), 1e-12, "outside values are clamped just outside the plot");
        assertEquals(List.of("-10", "0", "10", "20", "30"), Axis.linear("x", -7, 29, 5, true).ticks().stream()
                .map(Axis.Tick::label).toList());
    }

    @Test
    void logAxisCoversWholeDecades() {
        Axis a = Axis.log("steps", 0.23, 39);
        assertEquals(0.1, a.min(), 1e-12);
        assertEquals(100, a.max(), 1e-9);
        assertEquals(List.of("0.1", "1", "10", "100"), a.ticks().stream().map(Axis.Tick::label).toList());
        assertEquals(1 / 3.0, a.fraction(1), 1e-12);
        assertEquals(2 / 3.0, a.fraction(10), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new Axis("bad", 0, 1, true, List.of()));
    }

    @Test
    void categoriesSitAtTheirIndex() {
        Axis a = Axis.categories("", List.of("a", "b", "c", "d"));
        assertEquals(-0.5, a.min());
        assertEquals(3.5, a.max());
        assertEquals(0.125, a.fraction(0), 1e-12);
        assertEquals("c", a.ticks().get(2).label());
    }

    @Test
    void geometryMapsDataToPixelsAndWrapsTheLegend() {
        Plot p = new Plot(Axis.linear("", 0, 10, 5, true), Axis.linear("", 0, 100, 5, true), List.of(),
                List.of(new Plot.Legend("aaaaaaaaaa", ColorRole.HIGHLIGHT, false), new Plot.Legend("bbbbbbbbbb",
                        ColorRole.HIGHLIGHT, true)));
        PlotGeometry g = new PlotGeometry(p, 200, 200, s -> s.length() * 10);
        assertEquals(g.left(), g.px(0), 1e-9);
        assertEquals(g.right(), g.px(10), 1e-9);
        assertEquals(g.bottom(), g.py(0), 1e-9);
        assertEquals(g.top(), g.py(100), 1e-9);
        assertEquals(g.legendX(0), g.legendX(1), 1e-9, "the second entry does not fit: next line");
        assertEquals(PlotGeometry.LINE, g.legendY(1) - g.legendY(0), 1e-9);
        assertTrue(g.top() > g.legendY(1));
        double[] r = g.rect(new Plot.Box(0, 5, 0, 50, ColorRole.BINS, "bar", null, ""));
        assertEquals((g.right() - g.left()) / 2, r[2], 1e-9);
        assertEquals((g.bottom() - g.top()) / 2, r[3], 1e-9);
    }

    @Test
    void svgHoldsEveryMarkWithItsTooltipAndParses() throws Exception {
        Plot p = new Plot(Axis.linear("value", 0, 4, 4, true), Axis.categories("", List.of("one", "two")), List.of(
                new Plot.Box(0, 1.5, -0.4, 0.4, ColorRole.BINS, "bar", "layer <1>", "one: 1.5 & more"),
                new Plot.Box(0, 3, 0.6, 1.4, ColorRole.BINS, "bar", "layer 2", "two: 3"),
                new Plot.Rule(true, 2, ColorRole.THRESHOLD, 1.5, true, "threshold", "threshold 2")),
                List.of(new Plot.Legend("bars", ColorRole.BINS, false)));
        String svg = SvgWriter.toSvg(p, "Title \"quoted\"", "a caption", 500, 300);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(
                svg.getBytes(StandardCharsets.UTF_8)));
        NodeList rects = doc.getElementsByTagName("rect");
        int bars = 0;
        for (int i = 0; i < rects.getLength(); i++) {
            Element r = (Element) rects.item(i);
            if (r.getAttribute("class").equals("bar")) {
                bars++;
                assertTrue(Double.parseDouble(r.getAttribute("width")) > 0);
            }
        }
        assertEquals(2, bars);
        assertTrue(svg.contains("<title>one: 1.5 &amp; more</title>"));
        assertTrue(svg.contains("data-key=\"layer &lt;1&gt;\""));
        Element bar2 = (Element) rects.item(3);
        Element bar1 = (Element) rects.item(2);
        assertEquals(2.0, Double.parseDouble(bar2.getAttribute("width")) / Double.parseDouble(bar1.getAttribute(
                "width")), 1e-3, "bar lengths keep their ratio 3 : 1.5");
        assertEquals("threshold", ((Element) doc.getElementsByTagName("line").item(0)).getAttribute("class"));
        assertTrue(doc.getDocumentElement().getTextContent().contains("a caption"));
    }

    /**
     * Category labels of a horizontal axis never overlap: twelve labels of 20 characters (7 px each) on a 600 px plot
     * cannot all be shown, and the ones shown are at least their width apart; short labels are all shown.
     */
    @Test
    void horizontalCategoryLabelsNeverOverlap() {
        java.util.function.ToDoubleFunction<String> width = t -> 7.0 * t.length();
        List<String> longNames = new java.util.ArrayList<>();
        List<String> shortNames = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            longNames.add(String.format("class %02d (86.7 %%) xx", i));
            shortNames.add("c" + i);
        }
        for (List<String> names : List.of(longNames, shortNames)) {
            Plot p = new Plot(Axis.categories("class", names), Axis.linear("drop", 0, 10, 5, false), List.of(),
                    List.of());
            PlotGeometry g = new PlotGeometry(p, 600, 300, width);
            List<Axis.Tick> shown = g.visibleTicks(p.x(), false, 60);
            for (int k = 1; k < shown.size(); k++) {
                double gap = g.px(shown.get(k).value()) - g.px(shown.get(k - 1).value());
                double need = (width.applyAsDouble(shown.get(k).label()) + width.applyAsDouble(shown.get(k - 1)
                        .label())) / 2;
                assertTrue(gap >= need, "labels " + (k - 1) + " and " + k + " overlap: " + gap + " < " + need);
            }
            if (names == shortNames) {
                assertEquals(12, shown.size(), "short labels all fit");
            } else {
                assertTrue(shown.size() < 12 && shown.size() >= 3, "some long labels left out: " + shown.size());
            }
        }
    }
}
