package org.quantscope;

import org.quantscope.cli.QuantScopeCommand;
import org.quantscope.ui.QuantScopeApp;

/**
 * Entry point of {@code quantscope.jar}. Deliberately not a JavaFX {@code Application}, so the jar runs on the plain
 * class path: with no arguments it opens the window, otherwise it runs the command line. First it sets the heap from
 * the machine's memory ({@link HeapLauncher}).
 */
public final class Launcher {

    private Launcher() {
    }

    /**
     * Starts QuantScope.
     *
     * @param args none for the GUI; a subcommand, {@code --help} or {@code --version} for the CLI
     */
    public static void main(String[] args) {
        java.util.Optional<Integer> child = HeapLauncher.relaunchIfNeeded(args);
        if (child.isPresent()) {
            System.exit(child.get());
            return;
        }
        if (args.length == 0) {
            QuantScopeApp.launchApp(args);
            return;
        }
        System.exit(QuantScopeCommand.execute(args));
    }
}
