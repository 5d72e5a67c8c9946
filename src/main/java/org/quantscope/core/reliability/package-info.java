/**
 * Reliability trials (Yuan et al. 2023, "reliability of post-training quantization"): the quantized model is
 * calibrated many times on calibration sets drawn with different seeds, and the per-class accuracy drop against FP32
 * is summarized as box plots (five-number summary, mean, standard deviation, Tukey outliers), together with the
 * worst-class drop of every trial. Perturbations of the calibration set (size, noise, class imbalance) and of the
 * range metric each give one set of boxes to compare. Per trial only the activation calibration and the evaluation
 * are repeated; folding, the post-training fixes and the weight quantization are done once, and FP32 predictions
 * are computed once. Trials reach a listener as soon as they finish; a cancelled experiment keeps its finished trials
 * and can be continued with more seeds. Design: docs/decisions/0015-reliability-trials.md.
 */
package org.quantscope.core.reliability;
