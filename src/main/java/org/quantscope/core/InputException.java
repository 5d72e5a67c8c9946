package org.quantscope.core;

import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A problem with something the user supplied (a model, a dataset, a setting) that the user can fix. The message is
 * written for a person: it names the file (and node or tensor where relevant) and says what was expected. The CLI
 * prints only this message and exits with code 2; the UI shows it in a dialog.
 *
 * <p>Settings are named in a message as {@code @{id}} ({@code @{targetDrop}}): {@link #getMessage()} words them for
 * the window ({@link SettingNames}, "the drop target"), and the command line renders the same message with its flag
 * names ({@link #render}, "--target-drop"). So core speaks of settings and each front end of its own controls.
 */
public class InputException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private static final Pattern SETTING = Pattern.compile("@\\{([A-Za-z0-9]+)}");

    /** The message with its setting markers, or null when it has none. */
    private final String template;

    /**
     * @param message what is wrong, where, and what was expected (settings as {@code @{id}})
     */
    public InputException(String message) {
        super(render(message, SettingNames::plain));
        this.template = message != null && SETTING.matcher(message).find() ? message : null;
    }

    /**
     * @param message what is wrong, where, and what was expected (settings as {@code @{id}})
     * @param cause   the underlying low-level error, kept for logs
     */
    public InputException(String message, Throwable cause) {
        super(render(message, SettingNames::plain), cause);
        this.template = message != null && SETTING.matcher(message).find() ? message : null;
    }

    /**
     * The message with the settings named by {@code names} (a front end's words for them, such as flags).
     *
     * @param names the name of a setting id; null keeps the plain words
     * @return the message
     */
    public String render(Function<String, String> names) {
        if (template == null) {
            return getMessage();
        }
        return render(template, names);
    }

    /** The message with its setting markers (to wrap it in a longer message that keeps them). */
    public String template() {
        return template != null ? template : getMessage();
    }

    private static String render(String text, Function<String, String> names) {
        return SettingNames.render(text, names);
    }
}
