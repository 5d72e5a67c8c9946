/**
 * The one description of "what was quantized how" ({@link org.quantscope.core.config.QuantConfig}) and its versioned
 * JSON form ({@link org.quantscope.core.config.QuantConfigJson}): provenance, experiment keys, labels, {@code --config}
 * files and saved investigations all come from it. Design: docs/decisions/0024-one-configuration.md.
 */
package org.quantscope.core.config;
