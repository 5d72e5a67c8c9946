/**
 * The window's side of the charts: {@link org.quantscope.ui.chart.PlotView} draws an
 * {@link org.quantscope.chart.Plot} with scene-graph nodes (tooltips, clickable bars) in a
 * {@link org.quantscope.chart.Theme}; a {@link org.quantscope.ui.chart.ChartCard} adds title, caption and PNG/SVG
 * export; {@link org.quantscope.ui.chart.WorstFilter} and {@link org.quantscope.ui.chart.WorstFilterBar} reduce long
 * per-class and per-layer charts to their worst items. The plots themselves, and the figures built from results, live
 * in {@code org.quantscope.chart}.
 */
package org.quantscope.ui.chart;
