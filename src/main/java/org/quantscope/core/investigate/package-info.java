/**
 * The guided investigation: the white paper's PTQ debugging flowchart (§3.7, Fig. 9) and standard pipeline (§4,
 * Fig. 8), extended with the reliability check of Yuan et al., as data ({@link org.quantscope.core.investigate.StepId},
 * {@link org.quantscope.core.investigate.Rules}) and as a state machine over the existing workflows
 * ({@link org.quantscope.core.investigate.Investigator}). No JavaFX; the window's wizard, {@code quantscope
 * investigate} and saved investigations all use it.
 */
package org.quantscope.core.investigate;
