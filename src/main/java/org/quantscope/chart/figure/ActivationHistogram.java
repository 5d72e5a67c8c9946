package org.quantscope.chart.figure;

import org.quantscope.core.analysis.Histogram;
import org.quantscope.core.quant.Range;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The distribution of one activation quantizer's tensor over the calibration samples, with the range every range
 * method would choose and the one the quantized model uses.
 *
 * @param quantizer    the quantizer
 * @param role         layer output, model input, ...
 * @param count        values seen
 * @param histogram    128 bins over every value
 * @param methodRanges range per method (minmax, percentile, mse, kl, ce, bn)
 * @param chosenMethod the method the quantized model uses
 * @param chosen       the range it uses, or null when the quantizer is disabled
 */
public record ActivationHistogram(String quantizer, String role, long count, Histogram histogram,
                                  Map<String, Range> methodRanges, String chosenMethod, Range chosen) {

    /** Copies the map, keeping its order. */
    public ActivationHistogram {
        methodRanges = Collections.unmodifiableMap(new LinkedHashMap<>(methodRanges));
    }
}
