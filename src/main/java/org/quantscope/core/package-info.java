/**
 * QuantScope's headless core: everything that computes numbers. Never imports JavaFX, never prints; long operations
 * take a {@link org.quantscope.core.util.ProgressListener} and a {@link org.quantscope.core.util.CancellationToken};
 * user mistakes surface as {@link org.quantscope.core.InputException}; results carry
 * {@link org.quantscope.core.Provenance}.
 */
package org.quantscope.core;
