package org.quantscope.ui.main;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The most recently opened model files, newest first, kept in a {@link Preferences} node (by default
 * {@code org/quantscope} under the user root) so they survive restarts.
 */
public final class RecentModels {

    /** How many models are remembered. */
    public static final int MAX = 8;

    private static final Logger LOG = LoggerFactory.getLogger(RecentModels.class);
    private static final String KEY = "recentModel.";

    private final Preferences node;

    /**
     * @param node where the list is stored
     */
    public RecentModels(Preferences node) {
        this.node = node;
    }

    /** The application's node, {@code org/quantscope} under the user root. */
    public static RecentModels userDefault() {
        return new RecentModels(Preferences.userRoot().node("org/quantscope"));
    }

    /** The remembered models, newest first. */
    public List<Path> list() {
        List<Path> paths = new ArrayList<>(MAX);
        for (int i = 0; i < MAX; i++) {
            String p = node.get(KEY + i, null);
            if (p != null && !p.isBlank()) {
                paths.add(Path.of(p));
            }
        }
        return paths;
    }

    /**
     * Puts a model at the front of the list, removing an older entry for the same file and the oldest beyond
     * {@link #MAX}.
     *
     * @param model the opened model file
     * @return the new list, newest first
     */
    public List<Path> add(Path model) {
        Path abs = model.toAbsolutePath().normalize();
        List<Path> paths = new ArrayList<>(list());
        paths.remove(abs);
        paths.add(0, abs);
        while (paths.size() > MAX) {
            paths.remove(paths.size() - 1);
        }
        for (int i = 0; i < MAX; i++) {
            if (i < paths.size()) {
                node.put(KEY + i, paths.get(i).toString());
            } else {
                node.remove(KEY + i);
            }
        }
        try {
            node.flush();
        } catch (BackingStoreException e) {
            LOG.warn("Cannot save the recent models list: {}", e.getMessage());
        }
        return paths;
    }
}
