package org.quantscope.ui.quantize;

import org.quantscope.core.config.QuantConfig;
import org.quantscope.core.workflow.DiagnosisWorkflow;
import org.quantscope.core.workflow.MixedPrecisionWorkflow;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import org.quantscope.core.InputException;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.sim.CalibrationSettings;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.sim.QuantizerOverride;
import org.quantscope.core.transform.MixedPrecision;
import org.quantscope.core.transform.MixedPrecisionPoint;
import org.quantscope.core.transform.MixedPrecisionTarget;
import org.quantscope.core.transform.PtqPipeline;
import org.quantscope.ui.main.DataSelection;
import org.quantscope.ui.main.UserMessage;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The mixed-precision search of the quantization panel: searches the whole Pareto front of accuracy versus average
 * weight bits from the current (uniform) settings, selects the cheapest point within the target drop, lets the user
 * select any other point on the chart, and applies the selected point as per-quantizer bit widths of the form, then
 * simulates it like any other configuration (so it shows, diagnoses and exports as usual). Points are measured on
 * labelled calibration-pool samples the calibration draw did not take; when the pool has no labels, on the test data
 * (said in the summary).
 */
public final class MixedPrecisionSearch {

    private final QuantizationViewModel vm;
    private final ReadOnlyObjectWrapper<MixedPrecision.Result> result = new ReadOnlyObjectWrapper<>();
    private final ObjectProperty<MixedPrecisionPoint> selected = new SimpleObjectProperty<>();
    private final ObjectProperty<Double> targetDrop = new SimpleObjectProperty<>(0.5);
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper("");
    private String where = "";
    /** The uniform settings, calibration and fixes the shown result was searched from. */
    private Object[] searchedFrom;
    private int samples = MixedPrecision.Options.DEFAULT.samples();

    MixedPrecisionSearch(QuantizationViewModel vm) {
        this.vm = vm;
        selected.addListener((o, was, p) -> describe());
        targetDrop.addListener((o, was, t) -> selectForTarget());
    }

    /** Searches the front of the open model with the current settings (overrides set aside) in the background. */
    public void search() {
        if (vm.jobs().refuseWhileBusy()) {
            return;
        }
        OnnxModel model = vm.main().modelProperty().get();
        DataSelection test = vm.main().dataProperty().get();
        if (model == null || test == null) {
            vm.message(new UserMessage("Nothing to search", model == null ? "Open a model first."
                    : "Choose test data first: File > Open data…"));
            return;
        }
        QuantSettings base;
        CalibrationSettings calibration;
        PtqPipeline.Fixes fixes;
        try {
            base = vm.form().baseSettings();
            calibration = vm.form().calibration();
            fixes = vm.form().fixesForm().fixes(calibration.seed());
            MixedPrecisionWorkflow.conflict(fixes).ifPresent(k -> {
                String fix = k.fix().equals("adaround") ? "AdaRound" : "Bias correction";
                throw new InputException("The mixed-precision search changes each layer's bits, and " + k.reason()
                        + " (" + fix + "): untick it, search, then apply it to the chosen point.");
            });
        } catch (InputException e) {
            vm.message(new UserMessage("Check the settings", e.getMessage()));
            return;
        }
        DataSelection pool = vm.calibrationPoolProperty().get();
        vm.jobs().run("Mixed-precision search", (p, c) -> {
            try (Dataset testData = vm.testOpener().open(test, model, p, c);
                 Dataset poolData = pool == null ? vm.testOpener().open(test, model, p, c)
                         : vm.poolOpener().open(pool, model, p, c)) {
                QuantConfig config = new QuantConfig(base, calibration, null, fixes);
                OnnxModel transformed = fixes.any() ? MixedPrecisionWorkflow.startingModel(DiagnosisWorkflow.prepare(
                        model, poolData, config, SessionSettings.DEFAULT, p, c), fixes) : null;
                boolean onPool = pool != null && pool.labels() != null;
                MixedPrecision.Options o = MixedPrecision.Options.DEFAULT;
                o = new MixedPrecision.Options(o.candidates(), o.cost(), o.metric(), samples, o.batchSize(),
                        o.cacheBytes(), true);
                MixedPrecision.Result r = MixedPrecisionWorkflow.search(model, transformed, config, poolData,
                        onPool ? poolData : null, testData, onPool ? MixedPrecisionWorkflow.SearchData.POOL
                                : MixedPrecisionWorkflow.SearchData.TEST, o, null, SessionSettings.DEFAULT, p, c);
                return new Object[] {r, onPool ? "labelled calibration-pool samples not used for calibration"
                        : "the test data (the calibration pool has no labels, so the choice is optimistic)"};
            }
        }, out -> {
            if (model != vm.main().modelProperty().get()) {
                return;
            }
            searchedFrom = new Object[] {base, calibration, fixes, pool};
            where = (String) out[1];
            result.set((MixedPrecision.Result) out[0]);
            selectForTarget();
            vm.jobs().setStatus(String.format(Locale.ROOT, "Mixed precision: %d points, %d on the Pareto front",
                    result.get().points().size(), result.get().front().size()));
        }, "Mixed-precision search failed");
    }

    /** Applies the selected point: its bit widths become per-quantizer overrides, then the panel simulates it. */
    public void applySelected() {
        MixedPrecision.Result r = result.get();
        MixedPrecisionPoint p = selected.get();
        if (r == null || p == null) {
            vm.message(new UserMessage("No point selected", "Search first, then click a point of the chart."));
            return;
        }
        try {
            CalibrationSettings cal = vm.form().calibration();
            Object[] now = {vm.form().baseSettings(), cal, vm.form().fixesForm().fixes(cal.seed()),
                vm.calibrationPoolProperty().get()};
            if (!java.util.Arrays.equals(now, searchedFrom)) {
                vm.message(new UserMessage("Settings changed since the search", "The points were measured with "
                        + "other settings, calibration, fixes or calibration data than the form has now; search "
                        + "again (or restore them) before using a point."));
                return;
            }
        } catch (InputException e) {
            vm.message(new UserMessage("Check the settings", e.getMessage()));
            return;
        }
        Map<String, QuantizerOverride> o = new LinkedHashMap<>(r.settings(p).overrides());
        vm.form().overridesProperty().set(o);
        vm.simulate();
    }

    /** Forgets the search (another model or other test data). */
    void clear() {
        searchedFrom = null;
        result.set(null);
        selected.set(null);
        summary.set("");
    }

    /** Back to uniform bit widths (the overrides of an applied point removed). */
    public void clearOverrides() {
        vm.form().overridesProperty().set(Map.of());
    }

    private void selectForTarget() {
        MixedPrecision.Result r = result.get();
        if (r == null) {
            selected.set(null);
            return;
        }
        Double t = targetDrop.get();
        MixedPrecisionPoint p;
        try {
            p = MixedPrecisionTarget.drop(t == null ? 0.5 : t).select(r.points(), r.options().cost());
        } catch (InputException e) {
            p = r.front().stream().max((a, b) -> Double.compare(a.accuracy(), b.accuracy())).orElse(null);
        }
        selected.set(p);
        describe();
    }

    private void describe() {
        MixedPrecision.Result r = result.get();
        MixedPrecisionPoint p = selected.get();
        if (r == null || p == null) {
            summary.set("");
            return;
        }
        MixedPrecisionPoint base = r.base();
        summary.set(String.format(Locale.ROOT, "Point %d: %.2f %% (FP32 %.2f %%, drop %.2f points) at %.2f average "
                + "weight bits, %.1f %% of the base size; %d quantizer(s) raised from the base. Measured on %,d %s. "
                + "%d points, %d on the front.", p.step(), 100 * p.accuracy(), 100 * r.fp32Accuracy(), p.drop(),
                p.averageWeightBits(), 100.0 * p.sizeBits() / Math.max(1, base.sizeBits()),
                MixedPrecision.changed(p, base).size(), r.samples(), where, r.points().size(), r.front().size()));
    }

    /** Search samples (2,000 by default; fewer for quick checks). */
    void setSamples(int n) {
        samples = n;
    }

    /** The last search, or null. */
    public ReadOnlyObjectProperty<MixedPrecision.Result> resultProperty() {
        return result.getReadOnlyProperty();
    }

    /** The selected point (the cheapest within the target drop after a search; any point the user clicks). */
    public ObjectProperty<MixedPrecisionPoint> selectedProperty() {
        return selected;
    }

    /** The drop in points the preselected point may have. */
    public ObjectProperty<Double> targetDropProperty() {
        return targetDrop;
    }

    /** A description of the selected point. */
    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }
}
