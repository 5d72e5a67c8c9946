package org.quantscope.ui.main;

import javafx.scene.control.Spinner;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;

/** Makes Return in an editable spinner commit the typed value without also firing the window's default button. */
public final class SpinnerCommit {

    private SpinnerCommit() {
    }

    /** Installs the Return handling on {@code spinner}. */
    public static <T> void onEnter(Spinner<T> spinner) {
        spinner.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() == KeyCode.ENTER) {
                e.consume();
                try {
                    T v = spinner.getValueFactory().getConverter().fromString(spinner.getEditor().getText());
                    spinner.getValueFactory().setValue(v);
                } catch (RuntimeException bad) {
                    spinner.getEditor().setText(String.valueOf(spinner.getValue()));
                }
            }
        });
    }
}
