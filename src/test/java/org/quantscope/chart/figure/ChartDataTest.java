package org.quantscope.chart.figure;

import org.junit.jupiter.api.Test;
import org.quantscope.chart.Plot;
import org.quantscope.core.analysis.Histogram;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The diagnostics chart builders and their data records, against hand-worked numbers. */
class ChartDataTest {

    @Test
    void gridValuesAreScaleTimesQMinusZeroWithinTheGrid() {
        QuantGrid g = new QuantGrid(0.5, 2, 0, 15);
        assertEquals(-1, g.min(), 1e-12);
        assertEquals(6.5, g.max(), 1e-12);
        assertEquals(List.of(0.0, 0.5, 1.0), g.valuesWithin(-0.2, 1.2, 10));
        assertEquals(16, g.countWithin(-100, 100), "clamped to qmin..qmax");
        assertEquals(List.of(), g.valuesWithin(-100, 100, 10), "too many to draw");
        assertEquals(255, new QuantGrid(0.1, 0, -128, 127).steps());
    }

    @Test
    void shortNamesDropRepeatedPathSegments() {
        assertEquals("features.3/Conv", LayerFinding.shortName("/features/features.3/Conv"));
        assertEquals("classifier/Gemm", LayerFinding.shortName("/classifier/Gemm"));
        assertEquals("layer1.0/conv1/Conv", LayerFinding.shortName("/layer1/layer1.0/conv1/Conv"));
        assertEquals("fc", LayerFinding.shortName("fc"));
    }

    @Test
    void errorLevelsUseStepsThenSqnr() {
        assertEquals(LayerFinding.ErrorLevel.LOW, LayerFinding.ErrorLevel.of(0.3, 40, 0.5, 20));
        assertEquals(LayerFinding.ErrorLevel.MEDIUM, LayerFinding.ErrorLevel.of(0.45, 40, 0.5, 20));
        assertEquals(LayerFinding.ErrorLevel.HIGH, LayerFinding.ErrorLevel.of(0.51, 40, 0.5, 20));
        assertEquals(LayerFinding.ErrorLevel.HIGH, LayerFinding.ErrorLevel.of(Double.NaN, 12, 0.5, 20));
        assertEquals(LayerFinding.ErrorLevel.UNKNOWN, LayerFinding.ErrorLevel.of(Double.NaN, Double.NaN, 0.5, 20));
    }

    @Test
    void layerErrorChartHasTwoBarsPerLayerAndTheThreshold() {
        List<LayerFinding> rows = List.of(finding(1, "/a/Conv", 0.3, 0.4, 2), finding(2, "/b/Conv", 22, 23, 30));
        assertNull(LayerErrorFigure.plot(List.of(), null, false, 0.5, 20));
        Plot p = LayerErrorFigure.plot(rows, "/b/Conv", false, 0.5, 20);
        assertEquals(4, p.boxes().stream().filter(b -> b.kind().equals("bar")).count());
        assertEquals(1, p.boxes().stream().filter(b -> b.kind().equals("band") && b.key().equals("/b/Conv")).count());
        assertTrue(p.rules().stream().anyMatch(r -> r.kind().equals("threshold") && r.at() == 0.5));
        assertTrue(p.x().log());
        Plot.Box first = p.boxes().stream().filter(b -> "/a/Conv".equals(b.key()) && b.kind().equals("bar"))
                .findFirst().orElseThrow();
        assertEquals(1, first.y0(), 0.5, "the first layer is on top (category n-1)");
        Plot ranked = SensitivityFigure.plot(rows, null, 1.0);
        Plot.Box top = ranked.boxes().get(0);
        assertEquals("/b/Conv", top.key(), "most sensitive first");
        assertEquals(30, top.x1(), 1e-12);
    }

    @Test
    void weightHistogramDrawsGridLinesOnlyWhenFewEnough() {
        Histogram h = Histogram.of(new float[] {-0.1f, 0f, 0.05f, 0.1f}, 8, -0.1f, 0.1f);
        WeightHistogram coarse = new WeightHistogram("w", "l", 2, 4, h, new QuantGrid(0.05, 0, -128, 127), 0, false,
                0, 0.25);
        Plot p = WeightHistogramFigure.plot(coarse, false);
        assertEquals(5, coarse.gridValuesUsed(), "-0.1, -0.05, 0, 0.05, 0.1");
        assertEquals(5, p.rules().stream().filter(r -> r.kind().equals("grid")).count());
        assertEquals(0, p.rules().stream().filter(r -> r.kind().equals("clip")).count(), "grid ends far outside");
        assertEquals(4, p.boxes().stream().mapToDouble(Plot.Box::y1).sum(), 1e-12, "every weight in a bin");
        WeightHistogram fine = new WeightHistogram("w", "l", -1, 4, h, new QuantGrid(0.0005, 0, -128, 127), 0, false,
                0, 0.25);
        Plot q = WeightHistogramFigure.plot(fine, false);
        assertEquals(0, q.rules().stream().filter(r -> r.kind().equals("grid")).count(), "too dense to draw");
        assertEquals(2, q.rules().stream().filter(r -> r.kind().equals("clip")).count());
        assertTrue(WeightHistogramFigure.caption(fine).contains("too dense"));
    }

    private static LayerFinding finding(int i, String name, double iso, double prop, double sens) {
        return new LayerFinding(i, name, LayerFinding.shortName(name), "Conv", iso, prop, 30, 25, sens, sens + 1, 2,
                iso > 0.5 ? "high error" : "", iso > 0.5 ? "keep this layer in float" : "",
                LayerFinding.ErrorLevel.of(iso, 30, 0.5, 20));
    }
}
