/**
 * The JavaFX window of QuantScope. Views bind to view models; only view models call {@code core}, and they do so
 * through a {@link org.quantscope.ui.task.TaskRunner} so the JavaFX thread never waits on computation.
 */
package org.quantscope.ui;
