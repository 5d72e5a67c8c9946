package org.quantscope.core.sim;

import org.quantscope.core.quant.Encoding;
import org.quantscope.core.quant.Range;

/**
 * What calibration found for one activation quantizer.
 *
 * @param site     the quantizer
 * @param method   the range method actually used (may differ from the requested one, see {@code note})
 * @param observed min and max of the values seen during calibration
 * @param chosen   the clipping range the method chose
 * @param encoding scale and zero point for {@code chosen}
 * @param note     why the method differs from the requested one, or empty
 */
public record ActivationCalibration(QuantizerSite site, String method, Range observed, Range chosen,
                                    Encoding encoding, String note) {
}
