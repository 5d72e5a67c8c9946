package org.quantscope.ui.quantize;

import org.quantscope.core.InputException;
import org.quantscope.core.quant.Encoding;
import org.quantscope.core.quant.Granularity;
import org.quantscope.core.quant.QuantizerSpec;
import org.quantscope.core.quant.Range;
import org.quantscope.core.sim.QuantSettings;
import org.quantscope.core.sim.QuantizerSite;
import org.quantscope.core.sim.QuantizerState;

import java.util.Locale;

/**
 * One row of the quantizer table, formatted for display: where the quantizer sits, its grid and, once calibrated, its
 * encoding. Per-channel scales are summarized as the channel count and the smallest and largest scale.
 *
 * @param name        quantizer name (weight initializer or activation tensor)
 * @param kind        {@code weight} or {@code activation}
 * @param role        why it is there: {@code weight}, {@code layer output}, {@code model input}, ...
 * @param layer       the layer it belongs to, or {@code —}
 * @param grid        integer grid, e.g. {@code int8}, {@code uint8}, or {@code off}
 * @param granularity {@code per-tensor} or {@code per-channel}
 * @param method      range method
 * @param scale       scale, e.g. {@code 0.0123}, or {@code 16 ch 0.00101…0.0247}
 * @param zeroPoint   zero point, or the range of the per-channel zero points
 * @param range       the clipping range [min, max] (per-channel weights: the widest channel range)
 * @param observed    min and max of the tensor (weights) or of the calibration data (activations)
 * @param clipped     share of weight values clipped by the grid, {@code —} for activations
 * @param note        remarks (range-method fallback, why the quantizer is off), or empty
 */
public record QuantizerRow(String name, String kind, String role, String layer, String grid, String granularity,
                           String method, String scale, String zeroPoint, String range, String observed,
                           String clipped, String note) {

    /** Shown in the encoding columns before calibration. */
    public static final String NOT_CALIBRATED = "not calibrated";

    private static final String NONE = "—";

    /**
     * A quantizer as the settings place it, before calibration.
     *
     * @param site     its place
     * @param settings the settings that give its spec
     * @return the row, without encoding
     */
    static QuantizerRow planned(QuantizerSite site, QuantSettings settings) {
        boolean on = settings.enabled(site);
        String grid = "off";
        String granularity = NONE;
        String note = on ? "" : "disabled";
        if (on) {
            try {
                QuantizerSpec spec = settings.spec(site);
                grid = grid(spec);
                granularity = granularity(spec);
            } catch (InputException e) {
                note = e.getMessage();
            }
        }
        return new QuantizerRow(site.name(), kind(site), site.role(), layer(site), grid, granularity,
                settings.rangeMethod(site), on ? NOT_CALIBRATED : NONE, NONE, NONE, NONE, NONE, note);
    }

    /**
     * A calibrated quantizer.
     *
     * @param q its state after calibration
     * @return the row with its encoding
     */
    static QuantizerRow calibrated(QuantizerState q) {
        QuantizerSite site = q.site();
        if (!q.enabled()) {
            return new QuantizerRow(site.name(), kind(site), site.role(), layer(site), "off", NONE, q.rangeMethod(),
                    NONE, NONE, NONE, NONE, NONE, q.note());
        }
        Encoding e = q.encoding();
        String clipped = q.stats() == null ? NONE
                : String.format(Locale.ROOT, "%.2f %%", q.stats().clippedShare() * 100);
        return new QuantizerRow(site.name(), kind(site), site.role(), layer(site), grid(q.spec()),
                granularity(q.spec()), q.rangeMethod(), scales(e), zeroPoints(e), range(q.chosen()),
                range(q.observed()), clipped, q.note() == null ? "" : q.note());
    }

    /** Kind and role in one column: {@code weight}, or e.g. {@code act · layer output} for an activation. */
    public String kindAndRole() {
        return kind.equals(role) ? kind : (kind.equals("activation") ? "act" : kind) + " · " + role;
    }

    /** The tooltip of the row: full name, layer and note. */
    public String describe() {
        String text = name + " (" + kind + ", " + role + ")\nlayer: " + layer;
        return note.isEmpty() ? text : text + "\n" + note;
    }

    private static String kind(QuantizerSite s) {
        return s.isWeight() ? "weight" : "activation";
    }

    private static String layer(QuantizerSite s) {
        return s.layer() == null ? NONE : s.layer();
    }

    private static String grid(QuantizerSpec spec) {
        return (spec.signed() ? "int" : "uint") + spec.bits();
    }

    private static String granularity(QuantizerSpec spec) {
        return spec.granularity() == Granularity.PER_CHANNEL ? "per-channel" : "per-tensor";
    }

    private static String scales(Encoding e) {
        if (e.channels() == 1) {
            return number(e.scale(0));
        }
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float s : e.scales()) {
            lo = Math.min(lo, s);
            hi = Math.max(hi, s);
        }
        return e.channels() + " ch " + number(lo) + "…" + number(hi);
    }

    private static String zeroPoints(Encoding e) {
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        for (int z : e.zeroPoints()) {
            lo = Math.min(lo, z);
            hi = Math.max(hi, z);
        }
        return lo == hi ? String.valueOf(lo) : lo + "…" + hi;
    }

    private static String range(Range r) {
        return r == null ? NONE : "[" + number(r.min()) + ", " + number(r.max()) + "]";
    }

    /** Three significant digits, without exponent for ordinary magnitudes. */
    static String number(double v) {
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e4) {
            return String.format(Locale.ROOT, "%.3g", v).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
        }
        return String.format(Locale.ROOT, "%.2e", v);
    }
}
