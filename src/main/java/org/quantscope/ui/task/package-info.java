/**
 * Background work for the window: a {@link org.quantscope.ui.task.TaskRunner} runs synchronous core calls with
 * progress and cancellation off the JavaFX thread ({@link org.quantscope.ui.task.FxTaskRunner}) or, in view-model
 * tests, on the calling thread ({@link org.quantscope.ui.task.CurrentThreadTaskRunner}).
 */
package org.quantscope.ui.task;
