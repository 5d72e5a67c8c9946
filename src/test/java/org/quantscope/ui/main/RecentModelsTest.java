package org.quantscope.ui.main;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.prefs.Preferences;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The recent-models list: newest first, no duplicates, at most eight, kept in preferences. */
class RecentModelsTest {

    private final Preferences prefs = Preferences.userRoot().node("org/quantscope-test/" + UUID.randomUUID());

    @AfterEach
    void tearDown() throws Exception {
        prefs.removeNode();
    }

    @Test
    void keepsTheEightNewestWithoutDuplicates() {
        RecentModels recent = new RecentModels(prefs);
        for (int i = 0; i < 10; i++) {
            recent.add(Path.of("/models/m" + i + ".onnx"));
        }
        recent.add(Path.of("/models/m5.onnx"));

        List<Path> list = new RecentModels(prefs).list();

        assertEquals(RecentModels.MAX, list.size());
        assertEquals(Path.of("/models/m5.onnx"), list.get(0));
        assertEquals(Path.of("/models/m9.onnx"), list.get(1));
        assertEquals(Path.of("/models/m2.onnx"), list.get(7), "m5 moved up, so m2 is still in");
        assertEquals(list.size(), list.stream().distinct().count());
    }
}
