/**
 * The figures of QuantScope as pure functions from results to {@link org.quantscope.chart.Plot}s: layerwise error,
 * sensitivity ranking, weight and activation histograms, channel ranges, the reliability box plot, the
 * mixed-precision Pareto front and per-class accuracy; with the reduced, JavaFX-free records they take
 * ({@link org.quantscope.chart.figure.LayerFinding}, {@link org.quantscope.chart.figure.WeightHistogram}, ...) and the
 * captions that describe them. The window's cards and the reports call the same builders; colours are roles, so
 * either draws them in its own {@link org.quantscope.chart.Theme}.
 */
package org.quantscope.chart.figure;
