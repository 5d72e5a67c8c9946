package org.quantscope.chart.figure;

import org.junit.jupiter.api.Test;
import org.quantscope.chart.Axis;
import org.quantscope.chart.ColorRole;
import org.quantscope.chart.Plot;
import org.quantscope.chart.PlotGeometry;
import org.quantscope.chart.SvgWriter;
import org.quantscope.chart.Theme;
import org.quantscope.core.util.WorstSelection;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-class accuracy figure shared by the FP32 chart and the FP32 vs quantized comparison. */
class ClassAccuracyFigureTest {

    private static List<ClassAccuracy> classes(int n) {
        List<ClassAccuracy> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int correct = i * 37 % 101;
            l.add(new ClassAccuracy("class " + i, correct, correct, 100));
        }
        return l;
    }

    @Test
    void fp32BarsCarryTheirValueInsideOrBeside() {
        List<ClassAccuracy> ten = new ArrayList<>(classes(10));
        ten.set(3, new ClassAccuracy("empty", 0, 0, 0));
        Plot p = ClassAccuracyFigure.fp32(ten);
        assertNull(ClassAccuracyFigure.fp32(List.of()));
        assertEquals(10, p.boxes().size());
        assertTrue(p.boxes().stream().allMatch(b -> b.role() == ColorRole.FP32 && b.kind().equals("bar")));
        assertTrue(p.legend().isEmpty(), "one series needs no legend");
        assertEquals("class 0", p.y().ticks().get(9).label(), "the first class on top");
        assertTrue(p.y().isCategories());
        assertEquals(0, p.x().min());
        assertEquals(100, p.x().max());
        Plot.Box first = p.boxes().get(0);
        assertEquals(9, (first.y0() + first.y1()) / 2, 1e-9);
        assertEquals(ten.get(0).describe(), first.tooltip());
        assertEquals(10, p.texts().size());
        for (int i = 0; i < 10; i++) {
            Plot.Text t = p.texts().get(i);
            ClassAccuracy c = ten.get(i);
            assertEquals(c.percent(), t.x(), 1e-12);
            assertEquals(9 - i, t.y(), 1e-9);
            boolean inside = c.samples() > 0 && c.percent() >= ClassAccuracyFigure.LABEL_INSIDE_FROM;
            assertEquals(inside, t.inside(), c.className());
            assertEquals(inside ? ColorRole.VALUE_INSIDE : ColorRole.VALUE_OUTSIDE, t.role());
        }
        assertEquals("no samples", p.texts().get(3).text());
        assertEquals("37.0 %", p.texts().get(1).text());
    }

    @Test
    void comparisonPutsTheSeriesSideBySideInLegendOrder() {
        List<ClassComparison> rows = List.of(new ClassComparison("a", 90, 80, 10), new ClassComparison("b", 70, 72, 10));
        Plot p = ClassAccuracyFigure.comparison(rows);
        assertEquals(List.of("FP32", "Quantized"), p.legend().stream().map(Plot.Legend::label).toList());
        assertEquals(4, p.boxes().size());
        assertTrue(p.texts().isEmpty());
        Plot.Box fp32 = p.boxes().get(0);
        Plot.Box quantized = p.boxes().get(1);
        assertEquals(ColorRole.FP32, fp32.role());
        assertEquals(ColorRole.QUANTIZED, quantized.role());
        assertEquals(90, fp32.x1());
        assertEquals(80, quantized.x1());
        assertTrue(fp32.y0() > quantized.y1(), "FP32 above quantized, apart");
        assertTrue(fp32.y1() <= 1.4 + 1e-9 && quantized.y0() >= 0.6 - 1e-9, "both within the row of class a");
        assertEquals(rows.get(0).describe(), quantized.tooltip());

        List<ClassComparison> fixed = List.of(new ClassComparison("a", 90, 85, 10, 60));
        Plot f = ClassAccuracyFigure.comparison(fixed);
        assertEquals(List.of("FP32", "Quantized, with fixes", "Quantized, no fixes"), f.legend().stream()
                .map(Plot.Legend::label).toList());
        assertEquals(ColorRole.QUANTIZED_BEFORE_FIXES, f.boxes().get(2).role());
        assertEquals(60, f.boxes().get(2).x1());
        assertThrows(IllegalArgumentException.class, () -> ClassAccuracyFigure.plot(List.of(
                new ClassAccuracyFigure.Row("x", new double[] {1}, 1, "")), f.legend().stream()
                .map(l -> new ClassAccuracyFigure.Series(l.label(), l.role())).toList(), false));
    }

    /** At 1,000 classes the window draws the worst 20; each of their names gets a label at a row height of 22 px. */
    @Test
    void aThousandClassesReducedToTheWorstStayReadable() {
        List<ClassAccuracy> all = classes(1000);
        WorstSelection<ClassAccuracy> worst = WorstSelection.lowest(all, ClassAccuracy::className,
                ClassAccuracy::percent, 20, "");
        Plot p = ClassAccuracyFigure.fp32(worst.shown());
        assertEquals(20, p.boxes().size());
        assertTrue(p.boxes().stream().allMatch(b -> b.x1() <= 5), "the lowest accuracies");
        PlotGeometry g = new PlotGeometry(p, 500, 20 * 22 + 72, s -> s.length() * 6.6);
        List<Axis.Tick> labelled = g.visibleTicks(p.y(), true, PlotGeometry.FONT + 1);
        assertEquals(20, labelled.size(), "every class named");
        Plot whole = ClassAccuracyFigure.fp32(all);
        assertEquals(1000, whole.y().ticks().size(), "without the filter every class is still drawn");
    }

    @Test
    void writesAsSvgInEitherTheme() throws Exception {
        Plot p = ClassAccuracyFigure.fp32(classes(10));
        for (Theme t : List.of(Theme.DARK, Theme.LIGHT)) {
            String svg = SvgWriter.toSvg(p, "Per-class accuracy", "", 600, 360, t);
            Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(
                    svg.getBytes(StandardCharsets.UTF_8)));
            assertEquals(10, doc.getElementsByTagName("rect").getLength() - 2, "background, plot area, 10 bars");
            assertTrue(svg.contains("class=\"value\""), svg);
            assertTrue(svg.contains("fill=\"" + t.color(ColorRole.FP32) + "\""));
            assertFalse(t == Theme.LIGHT && svg.contains(Theme.DARK.color(ColorRole.VALUE_OUTSIDE)));
        }
    }
}
