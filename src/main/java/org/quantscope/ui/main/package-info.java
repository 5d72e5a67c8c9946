/**
 * The main window: {@link org.quantscope.ui.main.MainView} (menu, summary tiles, layer table, per-class accuracy
 * chart, status bar) and its {@link org.quantscope.ui.main.MainViewModel}.
 */
package org.quantscope.ui.main;
