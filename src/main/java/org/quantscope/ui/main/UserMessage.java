package org.quantscope.ui.main;

/**
 * A message for the user, shown by the view in a dialog.
 *
 * @param title what failed, e.g. {@code "Cannot open model"}
 * @param text  the explanation, shown as is (no stack trace)
 */
public record UserMessage(String title, String text) {
}
