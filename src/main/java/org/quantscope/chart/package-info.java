/**
 * Charts as data, free of JavaFX and of the window, so the window, the SVG export and reports draw the same figures: a
 * {@link org.quantscope.chart.Plot} of boxes, rules and texts on two {@link org.quantscope.chart.Axis axes}, laid out
 * by {@link org.quantscope.chart.PlotGeometry} and written as SVG by {@link org.quantscope.chart.SvgWriter}. Marks name
 * a {@link org.quantscope.chart.ColorRole}; a {@link org.quantscope.chart.Theme} (dark for the window, light for print)
 * gives every role its colour when the plot is drawn. The figures built from results are in
 * {@code org.quantscope.chart.figure}.
 */
package org.quantscope.chart;
