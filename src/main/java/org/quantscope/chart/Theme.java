package org.quantscope.chart;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The colours a chart is drawn with: one {@code #rrggbb} colour for every {@link ColorRole}. Plots name roles only, so
 * a renderer ({@link SvgWriter}, the window's plot view) is given a theme and looks every colour up in it at draw
 * time. {@link #DARK} is the window's; {@link #LIGHT} is for print and reports, on white paper.
 *
 * @param name   a short name ({@code dark}, {@code light})
 * @param colors a colour for every role
 */
public record Theme(String name, Map<ColorRole, String> colors) {

    private static final Pattern HEX = Pattern.compile("#[0-9a-f]{6}");

    /** The window's theme: light marks on a dark grey card. */
    public static final Theme DARK = dark();

    /** For print: dark text and saturated marks on white, every mark at least 3:1 against the plot background. */
    public static final Theme LIGHT = light();

    /** Copies the map; every role needs a lower-case {@code #rrggbb} colour. */
    public Theme {
        EnumMap<ColorRole, String> copy = new EnumMap<>(ColorRole.class);
        copy.putAll(colors);
        for (ColorRole r : ColorRole.values()) {
            String c = copy.get(r);
            if (c == null || !HEX.matcher(c).matches()) {
                throw new IllegalArgumentException("theme " + name + ": " + r + " needs a #rrggbb colour, has " + c);
            }
        }
        colors = Collections.unmodifiableMap(copy);
    }

    /**
     * The colour of a role.
     *
     * @param role the role
     * @return its colour as {@code #rrggbb}
     */
    public String color(ColorRole role) {
        return colors.get(role);
    }

    /**
     * This theme with one role coloured differently.
     *
     * @param role  the role
     * @param color its colour as {@code #rrggbb}
     * @return the new theme
     */
    public Theme with(ColorRole role, String color) {
        EnumMap<ColorRole, String> copy = new EnumMap<>(colors);
        copy.put(role, color);
        return new Theme(name, copy);
    }

    /**
     * The WCAG contrast ratio of two colours, from 1 (equal) to 21 (black on white).
     *
     * @param a a colour as {@code #rrggbb}
     * @param b another
     * @return the ratio
     */
    public static double contrast(String a, String b) {
        double la = luminance(a);
        double lb = luminance(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    private static double luminance(String hex) {
        int rgb = Integer.parseInt(hex.substring(1), 16);
        double[] c = {(rgb >> 16 & 0xff) / 255.0, (rgb >> 8 & 0xff) / 255.0, (rgb & 0xff) / 255.0};
        for (int i = 0; i < 3; i++) {
            c[i] = c[i] <= 0.03928 ? c[i] / 12.92 : Math.pow((c[i] + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    }

    private static Theme dark() {
        Map<ColorRole, String> m = new EnumMap<>(ColorRole.class);
        m.put(ColorRole.BACKGROUND, "#262a33");
        m.put(ColorRole.PLOT_BACKGROUND, "#22262e");
        m.put(ColorRole.TITLE, "#f2f4f7");
        m.put(ColorRole.TEXT, "#c4cad3");
        m.put(ColorRole.MUTED, "#9aa3b0");
        m.put(ColorRole.AXIS, "#4a505c");
        m.put(ColorRole.ZERO, "#4a505c");
        m.put(ColorRole.VALUE_INSIDE, "#ffffff");
        m.put(ColorRole.VALUE_OUTSIDE, "#dfe3e8");
        m.put(ColorRole.ISOLATED, "#3d8fe0");
        m.put(ColorRole.PROPAGATED, "#f2a541");
        m.put(ColorRole.THRESHOLD, "#f0645a");
        m.put(ColorRole.NOISE, "#9aa3b0");
        m.put(ColorRole.SELECTED, "#34465c");
        m.put(ColorRole.GAIN, "#5cc98a");
        m.put(ColorRole.BINS, "#3d8fe0");
        m.put(ColorRole.GRID, "#8a93a3");
        m.put(ColorRole.CLIP, "#f0645a");
        m.put(ColorRole.TENSOR_RANGE, "#f2a541");
        m.put(ColorRole.CHANNEL_CLIP, "#3a4252");
        m.put(ColorRole.ACTIVATION_BINS, "#5f9fd6");
        m.put(ColorRole.LOW, "#5cc98a");
        m.put(ColorRole.MEDIUM, "#f2c94c");
        m.put(ColorRole.HIGH, "#f0645a");
        m.put(ColorRole.UNKNOWN, "#6b7280");
        m.put(ColorRole.BEFORE_FIXES, "#5b6270");
        m.put(ColorRole.METHOD_MINMAX, "#f0645a");
        m.put(ColorRole.METHOD_PERCENTILE, "#f2c94c");
        m.put(ColorRole.METHOD_MSE, "#5cc98a");
        m.put(ColorRole.METHOD_KL, "#c38cf2");
        m.put(ColorRole.METHOD_CE, "#f2a541");
        m.put(ColorRole.METHOD_BN, "#4dd0e1");
        m.put(ColorRole.METHOD_OTHER, "#e3e6eb");
        m.put(ColorRole.CONFIGURATION_A, "#5fb3f9");
        m.put(ColorRole.CONFIGURATION_B, "#f2a541");
        m.put(ColorRole.WHISKER, "#aab0bb");
        m.put(ColorRole.MEDIAN, "#ffffff");
        m.put(ColorRole.POINT, "#6b7280");
        m.put(ColorRole.FRONT, "#f2a541");
        m.put(ColorRole.HIGHLIGHT, "#ffffff");
        m.put(ColorRole.FP32_REFERENCE, "#5fb3f9");
        m.put(ColorRole.TARGET, "#f0645a");
        m.put(ColorRole.FP32, "#3d8fe0");
        m.put(ColorRole.QUANTIZED, "#f2a541");
        m.put(ColorRole.QUANTIZED_BEFORE_FIXES, "#8a7fb3");
        return new Theme("dark", m);
    }

    private static Theme light() {
        Map<ColorRole, String> m = new EnumMap<>(ColorRole.class);
        m.put(ColorRole.BACKGROUND, "#ffffff");
        m.put(ColorRole.PLOT_BACKGROUND, "#f5f6f8");
        m.put(ColorRole.TITLE, "#111318");
        m.put(ColorRole.TEXT, "#2b2f36");
        m.put(ColorRole.MUTED, "#555c68");
        m.put(ColorRole.AXIS, "#7a818c");
        m.put(ColorRole.ZERO, "#7a818c");
        m.put(ColorRole.VALUE_INSIDE, "#ffffff");
        m.put(ColorRole.VALUE_OUTSIDE, "#2b2f36");
        m.put(ColorRole.ISOLATED, "#1f6fc5");
        m.put(ColorRole.PROPAGATED, "#c0620f");
        m.put(ColorRole.THRESHOLD, "#d0342c");
        m.put(ColorRole.NOISE, "#6b7280");
        m.put(ColorRole.SELECTED, "#d9e5f4");
        m.put(ColorRole.GAIN, "#2b8a53");
        m.put(ColorRole.BINS, "#1f6fc5");
        m.put(ColorRole.GRID, "#737a85");
        m.put(ColorRole.CLIP, "#d0342c");
        m.put(ColorRole.TENSOR_RANGE, "#c0620f");
        m.put(ColorRole.CHANNEL_CLIP, "#cfd8e5");
        m.put(ColorRole.ACTIVATION_BINS, "#2f79bd");
        m.put(ColorRole.LOW, "#2b8a53");
        m.put(ColorRole.MEDIUM, "#9a7300");
        m.put(ColorRole.HIGH, "#d0342c");
        m.put(ColorRole.UNKNOWN, "#6b7280");
        m.put(ColorRole.BEFORE_FIXES, "#d2d6dc");
        m.put(ColorRole.METHOD_MINMAX, "#d0342c");
        m.put(ColorRole.METHOD_PERCENTILE, "#9a7300");
        m.put(ColorRole.METHOD_MSE, "#2b8a53");
        m.put(ColorRole.METHOD_KL, "#7a52b3");
        m.put(ColorRole.METHOD_CE, "#c0620f");
        m.put(ColorRole.METHOD_BN, "#00808c");
        m.put(ColorRole.METHOD_OTHER, "#2b2f36");
        m.put(ColorRole.CONFIGURATION_A, "#1f6fc5");
        m.put(ColorRole.CONFIGURATION_B, "#c0620f");
        m.put(ColorRole.WHISKER, "#555c68");
        m.put(ColorRole.MEDIAN, "#111318");
        m.put(ColorRole.POINT, "#737a85");
        m.put(ColorRole.FRONT, "#c0620f");
        m.put(ColorRole.HIGHLIGHT, "#111318");
        m.put(ColorRole.FP32_REFERENCE, "#1f6fc5");
        m.put(ColorRole.TARGET, "#d0342c");
        m.put(ColorRole.FP32, "#1f6fc5");
        m.put(ColorRole.QUANTIZED, "#c0620f");
        m.put(ColorRole.QUANTIZED_BEFORE_FIXES, "#6d5fa8");
        return new Theme("light", m);
    }
}
