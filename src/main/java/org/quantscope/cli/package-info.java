/**
 * The picocli command line ({@code info}, {@code eval}, {@code bench}). Commands call the same core APIs as the window;
 * an {@link org.quantscope.core.InputException} becomes its message on standard error and exit code 2.
 */
package org.quantscope.cli;
