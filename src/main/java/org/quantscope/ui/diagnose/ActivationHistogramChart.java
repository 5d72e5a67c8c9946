package org.quantscope.ui.diagnose;

import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import org.quantscope.core.quant.Range;
import org.quantscope.chart.Axis;
import org.quantscope.chart.ColorRole;
import org.quantscope.ui.chart.ChartCard;
import org.quantscope.chart.Plot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The distribution of one activation quantizer's tensor over the calibration samples, with the clipping range each range
 * method would choose (one colour per method; the method in use solid, the others dashed).
 */
final class ActivationHistogramChart {

    private final ComboBox<String> quantizer = new ComboBox<>();
    private final CheckBox log = new CheckBox("log");
    private final ChartCard card;
    private final DiagnosticsViewModel vm;

    ActivationHistogramChart(DiagnosticsViewModel vm) {
        this.vm = vm;
        quantizer.setId("activationQuantizerChoice");
        quantizer.setItems(vm.activationQuantizers());
        quantizer.valueProperty().bindBidirectional(vm.activationQuantizerProperty());
        quantizer.setMaxWidth(165);
        quantizer.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(String name) {
                return name == null ? "" : LayerFinding.shortName(name);
            }

            @Override
            public String fromString(String text) {
                return text;
            }
        });
        log.setId("activationLogToggle");
        log.setSelected(true);
        log.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        card = new ChartCard("activationHistogramChart", "Activations", quantizer, log);
        vm.activationHistogramProperty().addListener((o, was, now) -> update());
        log.selectedProperty().addListener((o, was, now) -> update());
        update();
    }

    ChartCard card() {
        return card;
    }

    private void update() {
        ActivationHistogram a = vm.activationHistogramProperty().get();
        card.show(a == null ? null : plot(a, log.isSelected()), vm.selectedLayerProperty().get() == null
                ? "Select a layer" : "Press Diagnose to collect activation statistics on the calibration samples");
        card.caption().setText(a == null ? "" : String.format(Locale.ROOT, "%s · %,d values from the calibration "
                + "samples · in use: %s%s", a.role(), a.count(), a.chosenMethod(), a.chosen() == null ? " (disabled)"
                : String.format(Locale.ROOT, " [%s, %s]", HistogramPlots.num(a.chosen().min()),
                HistogramPlots.num(a.chosen().max()))));
    }

    /**
     * The chart.
     *
     * @param a   the histogram and the method ranges
     * @param log log counts
     * @return the plot
     */
    static Plot plot(ActivationHistogram a, boolean log) {
        double lo = a.histogram().lower();
        double hi = a.histogram().upper();
        for (Range r : a.methodRanges().values()) {
            lo = Math.min(lo, r.min());
            hi = Math.max(hi, r.max());
        }
        double[] pad = HistogramPlots.padded(lo, hi);
        Axis x = Axis.linear("Activation value", pad[0], pad[1], 6, false);
        Axis y = HistogramPlots.countAxis(a.histogram(), log, "Values");
        List<Plot.Mark> marks = new ArrayList<>();
        HistogramPlots.addBins(marks, a.histogram(), y, ColorRole.ACTIVATION_BINS, "values");
        List<Plot.Legend> legend = new ArrayList<>();
        for (Map.Entry<String, Range> e : a.methodRanges().entrySet()) {
            String m = e.getKey();
            boolean used = m.equals(a.chosenMethod());
            String tip = String.format(Locale.ROOT, "%s%s: [%s, %s]", m, used ? " (in use)" : "",
                    HistogramPlots.num(e.getValue().min()), HistogramPlots.num(e.getValue().max()));
            marks.add(new Plot.Rule(true, e.getValue().min(), Palette.method(m), used ? 2.5 : 1.5, !used, "method",
                    tip));
            marks.add(new Plot.Rule(true, e.getValue().max(), Palette.method(m), used ? 2.5 : 1.5, !used, "method",
                    tip));
            legend.add(new Plot.Legend(used ? m + " (in use)" : m, Palette.method(m), true));
        }
        return new Plot(x, y, marks, legend);
    }
}
