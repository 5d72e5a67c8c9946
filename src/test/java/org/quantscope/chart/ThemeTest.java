package org.quantscope.chart;

import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two themes: complete, the light one readable on paper, and one plot drawn in either. */
class ThemeTest {

    @Test
    void contrastRatioMatchesWcag() {
        assertEquals(21, Theme.contrast("#000000", "#ffffff"), 1e-9);
        assertEquals(1, Theme.contrast("#3d8fe0", "#3d8fe0"), 1e-12);
        assertEquals(4.48, Theme.contrast("#777777", "#ffffff"), 0.01);
    }

    @Test
    void everyRoleNeedsAColour() {
        Map<ColorRole, String> partial = new EnumMap<>(Theme.DARK.colors());
        partial.remove(ColorRole.MEDIAN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Theme("x", partial));
        assertTrue(e.getMessage().contains("MEDIAN"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Theme.DARK.with(ColorRole.MEDIAN, "white"));
        assertEquals("#000000", Theme.DARK.with(ColorRole.MEDIAN, "#000000").color(ColorRole.MEDIAN));
        for (ColorRole r : ColorRole.values()) {
            assertTrue(Theme.DARK.color(r) != null && Theme.LIGHT.color(r) != null, r.name());
        }
    }

    /** On paper every text is readable (4.5:1), every mark visible (3:1), also over the quiet bands behind marks. */
    @Test
    void theLightThemeIsReadableOnWhite() {
        Theme t = Theme.LIGHT;
        String paper = t.color(ColorRole.BACKGROUND);
        String plot = t.color(ColorRole.PLOT_BACKGROUND);
        assertEquals("#ffffff", paper);
        List<ColorRole> backdrops = List.of(ColorRole.values()).stream()
                .filter(r -> r.use() == ColorRole.Use.BACKDROP).toList();
        for (ColorRole r : ColorRole.values()) {
            String c = t.color(r);
            switch (r.use()) {
                case TEXT -> {
                    assertTrue(Theme.contrast(c, paper) >= 4.5, r + " on paper: " + Theme.contrast(c, paper));
                    assertTrue(Theme.contrast(c, plot) >= 4.5, r + " on the plot: " + Theme.contrast(c, plot));
                }
                case MARK -> {
                    assertTrue(Theme.contrast(c, plot) >= 3, r + " on the plot: " + Theme.contrast(c, plot));
                    for (ColorRole b : backdrops) {
                        assertTrue(Theme.contrast(c, t.color(b)) >= 2.5, r + " on " + b + ": "
                                + Theme.contrast(c, t.color(b)));
                    }
                }
                case STRUCTURE -> assertTrue(Theme.contrast(c, plot) >= 3, r + ": " + Theme.contrast(c, plot));
                case BACKDROP -> {
                    double k = Theme.contrast(c, plot);
                    assertTrue(k >= 1.15 && k < 3, r + " is seen but stays behind the marks: " + k);
                }
                case TEXT_ON_MARK -> assertTrue(Theme.contrast(c, t.color(ColorRole.FP32)) >= 4.5, r.name());
                case SURFACE -> assertTrue(Theme.contrast(c, paper) < 1.15, r + " stays paper-like");
                default -> throw new AssertionError(r.use());
            }
        }
        for (ColorRole box : List.of(ColorRole.CONFIGURATION_A, ColorRole.CONFIGURATION_B)) {
            assertTrue(Theme.contrast(t.color(ColorRole.MEDIAN), t.color(box)) >= 3, "the median stands out on "
                    + box);
        }
    }

    @Test
    void aWhiteMedianOnScreenIsDarkOnPaper() {
        Plot p = new Plot(Axis.categories("", List.of("a")), Axis.linear("drop", 0, 4, 4, true), List.of(
                new Plot.Box(-0.2, 0.2, 1, 3, ColorRole.CONFIGURATION_A, "box", null, "Q1 1, Q3 3"),
                new Plot.Box(-0.2, 0.2, 1.98, 2.02, ColorRole.MEDIAN, "median", null, "median 2")),
                List.of(new Plot.Legend("config", ColorRole.CONFIGURATION_A, false)));
        String dark = SvgWriter.toSvg(p, "Drop", "", 400, 300, Theme.DARK);
        String light = SvgWriter.toSvg(p, "Drop", "", 400, 300, Theme.LIGHT);
        assertEquals(dark, SvgWriter.toSvg(p, "Drop", "", 400, 300), "the window's colours by default");
        assertTrue(dark.contains("class=\"median\"") && medianFill(dark).equals("#ffffff"), dark);
        assertEquals(Theme.LIGHT.color(ColorRole.MEDIAN), medianFill(light));
        assertTrue(Theme.contrast(medianFill(light), "#ffffff") > 10, "dark on paper");
        assertTrue(light.contains("fill=\"#ffffff\"/>") && !light.contains(Theme.DARK.color(ColorRole.BACKGROUND)));
        assertEquals(dark.replaceAll("#[0-9a-f]{6}", "#"), light.replaceAll("#[0-9a-f]{6}", "#"),
                "only the colours differ");
        assertFalse(dark.equals(light));
    }

    private static String medianFill(String svg) {
        int i = svg.indexOf("class=\"median\"");
        int f = svg.indexOf("fill=\"", i) + 6;
        return svg.substring(f, f + 7);
    }
}
