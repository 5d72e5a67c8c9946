package org.quantscope.ui.quantize;

import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.quantscope.chart.figure.ClassComparison;
import org.quantscope.core.eval.EvaluationResult;
import org.quantscope.core.sim.PlacementCheck;
import org.quantscope.core.sim.SimulationResult;
import org.quantscope.core.transform.FixEffects;
import org.quantscope.core.transform.PtqPipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.quantscope.ui.main.MainViewModel.NO_VALUE;

/**
 * The display texts of a simulation result: the four tiles (FP32 accuracy, quantized accuracy, drop, worst class),
 * the per-class comparison, the provenance line saying how the numbers were made, and the placement check (quantized
 * layers left with float inputs).
 */
public final class SimulationView {

    private final ReadOnlyStringWrapper fp32Text = new ReadOnlyStringWrapper(NO_VALUE);
    private final ReadOnlyStringWrapper fp32Detail = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper quantizedText = new ReadOnlyStringWrapper(NO_VALUE);
    private final ReadOnlyStringWrapper quantizedDetail = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper dropText = new ReadOnlyStringWrapper(NO_VALUE);
    private final ReadOnlyStringWrapper dropDetail = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<DropSeverity> severity = new ReadOnlyObjectWrapper<>(DropSeverity.NONE);
    private final ReadOnlyStringWrapper worstText = new ReadOnlyStringWrapper(NO_VALUE);
    private final ReadOnlyStringWrapper worstDetail = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper provenance = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper warnings = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper floatInputs = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper floatInputsDetail = new ReadOnlyStringWrapper("");
    private final ObservableList<ClassComparison> classes = FXCollections.observableArrayList();
    private final ObservableList<ClassComparison> classesView = FXCollections.unmodifiableObservableList(classes);
    private final ReadOnlyStringWrapper fixesText = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper fixesDetails = new ReadOnlyStringWrapper("");
    private final ObservableList<FixEffectRow> effects = FXCollections.observableArrayList();
    private final ObservableList<FixEffectRow> effectsView = FXCollections.unmodifiableObservableList(effects);

    SimulationView() {
        clear();
    }

    void show(SimulationResult r, SimulationRequest request, PtqPipeline.Outcome outcome, FixEffects fixEffects) {
        EvaluationResult f = r.fp32();
        EvaluationResult before = outcome == null ? null : outcome.before().quantized();
        EvaluationResult q = r.quantized();
        fp32Text.set(percent(f.accuracy()));
        fp32Detail.set(String.format(Locale.ROOT, "%,d test samples", f.samples()));
        quantizedText.set(percent(q.accuracy()));
        quantizedDetail.set(request.shortName() + " · " + r.model().enabledCount() + " quantizers");
        dropText.set(String.format(Locale.ROOT, "%.2f pts", r.dropPoints()));
        dropDetail.set(String.format(Locale.ROOT, "same prediction as FP32 for %.2f %%",
                r.predictionAgreement() * 100));
        severity.set(DropSeverity.of(r.dropPoints()));
        List<ClassComparison> rows = ClassComparison.of(f, q, before);
        classes.setAll(rows);
        ClassComparison worst = rows.stream().filter(c -> c.samples() > 0)
                .max((a, b) -> Double.compare(a.dropPoints(), b.dropPoints())).orElse(null);
        worstText.set(worst == null ? NO_VALUE : String.format(Locale.ROOT, "%.2f pts", worst.dropPoints()));
        worstDetail.set(worst == null ? "" : String.format(Locale.ROOT, "%s: %.1f %% → %.1f %%", worst.className(),
                worst.fp32Percent(), worst.quantizedPercent()));
        provenance.set(String.format(Locale.ROOT, "%s · calibration: %s · model SHA-256 %s… · %.1f s",
                request.describe(), r.model().calibrationData(), r.provenance().modelSha256().substring(0, 12),
                r.seconds()));
        warnings.set(org.quantscope.core.SettingNames.plainText(String.join("\n", r.model().warnings())));
        PlacementCheck.Result check = PlacementCheck.check(r.model());
        int n = check.floatInputs().size();
        floatInputs.set(n == 0 ? "" : String.format(Locale.ROOT, "%d of %d quantized layers read float inputs", n,
                check.computeLayers()));
        floatInputsDetail.set(org.quantscope.core.SettingNames.plainText(String.join("\n", check.warnings())));
        fixesText.set(outcome == null ? "" : FixTexts.summary(outcome, request));
        fixesDetails.set(outcome == null ? "" : FixTexts.details(outcome));
        List<FixEffectRow> er = new ArrayList<>();
        if (fixEffects != null) {
            for (FixEffects.LayerEffect e : fixEffects.layers()) {
                er.add(FixEffectRow.of(e, outcome == null ? null : outcome.adaround()));
            }
        }
        effects.setAll(er);
    }

    void clear() {
        fp32Text.set(NO_VALUE);
        fp32Detail.set("not simulated yet");
        quantizedText.set(NO_VALUE);
        quantizedDetail.set("press Simulate");
        dropText.set(NO_VALUE);
        dropDetail.set("FP32 minus quantized accuracy");
        severity.set(DropSeverity.NONE);
        worstText.set(NO_VALUE);
        worstDetail.set("largest per-class drop");
        provenance.set("");
        warnings.set("");
        floatInputs.set("");
        floatInputsDetail.set("");
        classes.clear();
        fixesText.set("");
        fixesDetails.set("");
        effects.clear();
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.2f %%", fraction * 100);
    }

    /** FP32 accuracy, e.g. {@code 91.44 %}. */
    public ReadOnlyStringProperty fp32TextProperty() {
        return fp32Text.getReadOnlyProperty();
    }

    /** Sample count of the FP32 result. */
    public ReadOnlyStringProperty fp32DetailProperty() {
        return fp32Detail.getReadOnlyProperty();
    }

    /** Quantized accuracy, e.g. {@code 91.45 %}. */
    public ReadOnlyStringProperty quantizedTextProperty() {
        return quantizedText.getReadOnlyProperty();
    }

    /** Settings and quantizer count of the quantized result. */
    public ReadOnlyStringProperty quantizedDetailProperty() {
        return quantizedDetail.getReadOnlyProperty();
    }

    /** Accuracy drop in points, e.g. {@code 0.12 pts} (negative when quantization helped). */
    public ReadOnlyStringProperty dropTextProperty() {
        return dropText.getReadOnlyProperty();
    }

    /** Prediction agreement between FP32 and quantized model. */
    public ReadOnlyStringProperty dropDetailProperty() {
        return dropDetail.getReadOnlyProperty();
    }

    /** How bad the drop is (colour of the drop tile). */
    public ReadOnlyObjectProperty<DropSeverity> severityProperty() {
        return severity.getReadOnlyProperty();
    }

    /** Largest per-class drop in points. */
    public ReadOnlyStringProperty worstTextProperty() {
        return worstText.getReadOnlyProperty();
    }

    /** The class with the largest drop and its accuracies. */
    public ReadOnlyStringProperty worstDetailProperty() {
        return worstDetail.getReadOnlyProperty();
    }

    /** How the result was made: settings, calibration data, model hash, time. Empty before a result. */
    public ReadOnlyStringProperty provenanceProperty() {
        return provenance.getReadOnlyProperty();
    }

    /** Remarks of the simulation (unfolded BN, range-method fallbacks, ...), one per line. */
    public ReadOnlyStringProperty warningsProperty() {
        return warnings.getReadOnlyProperty();
    }

    /**
     * The placement check's verdict: e.g. {@code 3 of 54 quantized layers read float inputs}, empty when every input
     * of every quantized layer is quantized (or before a result).
     */
    public ReadOnlyStringProperty floatInputsProperty() {
        return floatInputs.getReadOnlyProperty();
    }

    /** The placement check's warnings (each layer with a float input, its producer and why), one per line. */
    public ReadOnlyStringProperty floatInputsDetailProperty() {
        return floatInputsDetail.getReadOnlyProperty();
    }

    /** The full account of equalization and absorption (FP32 change, ranges), one item per line; empty without. */
    public ReadOnlyStringProperty fixesDetailsProperty() {
        return fixesDetails.getReadOnlyProperty();
    }

    /** What the post-training fixes did, in a sentence or two; empty without fixes. */
    public ReadOnlyStringProperty fixesTextProperty() {
        return fixesText.getReadOnlyProperty();
    }

    /** Per-layer error before and after the fixes; empty without fixes. */
    public ObservableList<FixEffectRow> fixEffects() {
        return effectsView;
    }

    /** FP32 and quantized accuracy per class; empty before a result. */
    public ObservableList<ClassComparison> classes() {
        return classesView;
    }
}
