package org.quantscope.core.investigate;

import org.quantscope.core.analysis.Remedy;
import org.quantscope.core.config.QuantConfig;

/**
 * A remedy a step tried: the configuration it gives and what that configuration measured.
 *
 * @param remedy        the remedy
 * @param configuration the configuration with it applied
 * @param measurement   its accuracy on the test data
 * @param gain          accuracy points gained over the configuration before the step (negative: it hurt)
 */
public record Candidate(Remedy remedy, QuantConfig configuration, Measurement measurement, double gain) {
}
