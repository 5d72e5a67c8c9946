/**
 * The workflows, each written once: simulate with fixes and their effects ({@link
 * org.quantscope.core.workflow.SimulationWorkflow}), diagnose ({@link org.quantscope.core.workflow.DiagnosisWorkflow}),
 * the mixed-precision search ({@link org.quantscope.core.workflow.MixedPrecisionWorkflow}). Each takes a
 * {@link org.quantscope.core.config.QuantConfig} and data and returns a result with its provenance, reporting progress
 * and honouring cancellation; the command line and the window's view models are thin callers, so the two can never
 * compute different numbers for the same configuration. Design: docs/decisions/0024-one-configuration.md.
 */
package org.quantscope.core.workflow;
