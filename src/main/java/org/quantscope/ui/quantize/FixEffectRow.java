package org.quantscope.ui.quantize;

import org.quantscope.core.transform.AdaRound;
import org.quantscope.core.transform.FixEffects;

/**
 * One layer in the fix-effects table: the quantization error of its output in the whole network before and after
 * the fixes, and what AdaRound did to it.
 *
 * @param layer              the layer
 * @param sqnrBefore         SQNR of the layer output without fixes, dB
 * @param sqnrAfter          with fixes, dB
 * @param shiftBefore        mean over channels of |mean shift| / std of the FP32 channel, without fixes
 * @param shiftAfter         with fixes
 * @param adaround           {@code adaround}, {@code nearest}, {@code skipped}, or empty without AdaRound
 * @param reconstructionGain AdaRound's reconstruction error over nearest rounding's (below 1 is better), NaN without
 */
public record FixEffectRow(String layer, double sqnrBefore, double sqnrAfter, double shiftBefore, double shiftAfter,
                           String adaround, double reconstructionGain) {

    static FixEffectRow of(FixEffects.LayerEffect e, AdaRound.Result ada) {
        AdaRound.LayerResult a = ada == null ? null : ada.layers().stream()
                .filter(l -> l.layer().equals(e.layer())).findFirst().orElse(null);
        return new FixEffectRow(e.layer(), e.before().sqnrDb(), e.after().sqnrDb(), e.relativeShiftBefore(),
                e.relativeShiftAfter(), a == null ? "" : a.kept(),
                a == null || !a.kept().equals("adaround") || !(a.nearestLoss() > 0) ? Double.NaN
                        : a.adaroundLoss() / a.nearestLoss());
    }

    /** SQNR gained, dB (positive = the fixes reduced the error). */
    public double sqnrGain() {
        return sqnrAfter - sqnrBefore;
    }
}
