/** Accuracy evaluation of a model on a labelled dataset: overall, per class, confusion matrix. */
package org.quantscope.core.eval;
