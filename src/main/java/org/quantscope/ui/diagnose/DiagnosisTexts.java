package org.quantscope.ui.diagnose;

import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.quantscope.core.analysis.ComparisonResult;
import org.quantscope.core.analysis.DiagnosisResult;
import org.quantscope.core.analysis.SanityCheck;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.ui.quantize.DropSeverity;

import java.util.Locale;

import static org.quantscope.ui.main.MainViewModel.NO_VALUE;

/**
 * The display texts of a diagnosis: tiles for FP32, full quantization, weights only, activations only and the FP32
 * sanity check, and the provenance line.
 */
public final class DiagnosisTexts {

    /** One tile: value, detail line and colour class. */
    public static final class TileText {
        private final ReadOnlyStringWrapper value = new ReadOnlyStringWrapper(NO_VALUE);
        private final ReadOnlyStringWrapper detail = new ReadOnlyStringWrapper("");
        private final ReadOnlyObjectWrapper<DropSeverity> severity = new ReadOnlyObjectWrapper<>(DropSeverity.NONE);

        void set(String v, String d, DropSeverity s) {
            value.set(v);
            detail.set(d);
            severity.set(s);
        }

        /** The large value. */
        public ReadOnlyStringProperty valueProperty() {
            return value.getReadOnlyProperty();
        }

        /** The line below it. */
        public ReadOnlyStringProperty detailProperty() {
            return detail.getReadOnlyProperty();
        }

        /** How bad it is (NONE for neutral values such as FP32 accuracy). */
        public ReadOnlyObjectProperty<DropSeverity> severityProperty() {
            return severity.getReadOnlyProperty();
        }
    }

    private final TileText fp32 = new TileText();
    private final TileText full = new TileText();
    private final TileText weights = new TileText();
    private final TileText activations = new TileText();
    private final TileText sanity = new TileText();
    private final ReadOnlyStringWrapper provenance = new ReadOnlyStringWrapper("");

    DiagnosisTexts() {
        clear();
    }

    void show(Diagnosis d) {
        DiagnosisResult r = d.result();
        ComparisonResult f = r.full();
        fp32.set(percent(f.fp32Accuracy()), String.format(Locale.ROOT, "%,d test samples", f.samples()),
                DropSeverity.NONE);
        comparison(full, f, "all quantizers");
        comparison(weights, r.weightsOnly(), "weights quantized");
        comparison(activations, r.activationsOnly(), "activations quantized");
        SanityCheck s = r.sanity();
        sanity.set(s.passed() ? "passed" : "failed", String.format(Locale.ROOT, "max |Δ logit| %.1e · %.2f %% agree%s",
                s.maxAbsLogitDiff(), s.predictionAgreement() * 100, SanityCheck.AFTER_FIXES.equals(s.reference())
                        ? " · vs FP32 after the fixes" : ""), s.passed() ? DropSeverity.SMALL
                : DropSeverity.LARGE);
        QuantSettings qs = r.model().settings();
        long flagged = r.layers().stream().filter(l -> !l.flag().isEmpty()).count();
        provenance.set(String.format(Locale.ROOT, "Diagnosis of W%dA%d %s · %,d test samples%s · activation "
                        + "statistics on %,d calibration samples · %d of %d layers flagged · model SHA-256 %s… · %.1f s",
                qs.weightBits(), qs.activationBits(), qs.weightGranularity() == Granularity.PER_CHANNEL ? "per-channel"
                        : "per-tensor", f.samples(), !r.settings().sensitivity() ? " (no sensitivity runs)"
                        : r.layerSamples() < f.samples() ? String.format(Locale.ROOT, " (per-layer runs on the first %,d)",
                        r.layerSamples()) : "",
                r.model().calibration().size(), flagged, r.layers().size(),
                r.provenance().modelSha256().substring(0, 12), d.seconds()));
    }

    void clear() {
        fp32.set(NO_VALUE, "not diagnosed yet", DropSeverity.NONE);
        full.set(NO_VALUE, "every quantizer on", DropSeverity.NONE);
        weights.set(NO_VALUE, "only weights quantized", DropSeverity.NONE);
        activations.set(NO_VALUE, "only activations quantized", DropSeverity.NONE);
        sanity.set(NO_VALUE, "quantizers off = FP32?", DropSeverity.NONE);
        provenance.set("");
    }

    private static void comparison(TileText t, ComparisonResult c, String what) {
        t.set(percent(c.accuracy()), String.format(Locale.ROOT, "drop %.2f pts · %s", c.dropPoints(), what),
                DropSeverity.of(c.dropPoints()));
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.2f %%", fraction * 100);
    }

    /** FP32 accuracy on the diagnosis samples. */
    public TileText fp32() {
        return fp32;
    }

    /** Accuracy with every quantizer on. */
    public TileText full() {
        return full;
    }

    /** Accuracy with only the weights quantized. */
    public TileText weightsOnly() {
        return weights;
    }

    /** Accuracy with only the activations quantized. */
    public TileText activationsOnly() {
        return activations;
    }

    /** The FP32 sanity check. */
    public TileText sanity() {
        return sanity;
    }

    /** How the diagnosis was made; empty before one. */
    public ReadOnlyStringProperty provenanceProperty() {
        return provenance.getReadOnlyProperty();
    }
}
