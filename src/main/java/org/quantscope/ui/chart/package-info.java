/**
 * Small charts for the analysis views: a JavaFX-free {@link org.quantscope.ui.chart.Plot} of boxes and rules on two
 * {@link org.quantscope.ui.chart.Axis axes}, drawn on screen by {@link org.quantscope.ui.chart.PlotView} (tooltips,
 * clickable bars) and written as SVG by {@link org.quantscope.ui.chart.SvgWriter}; a
 * {@link org.quantscope.ui.chart.ChartCard} adds title, caption and PNG/SVG export.
 */
package org.quantscope.ui.chart;
