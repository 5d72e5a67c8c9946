package org.quantscope.ui;

import org.quantscope.core.demo.DemoAssets;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finds the demo model and data for UI tests: the folder named by the system property {@code quantscope.demo.dir},
 * else {@code <project>/resources/demo} (surefire sets {@code quantscope.project.dir}). The property is then set, so
 * {@link DemoAssets#locate()} in the code under test reads the same folder.
 */
public final class DemoFiles {

    private DemoFiles() {
    }

    /**
     * Points {@link DemoAssets} at the demo folder and checks the files are there.
     *
     * @return the located assets
     */
    public static DemoAssets require() {
        String dir = System.getProperty("quantscope.demo.dir");
        if (dir == null || dir.isBlank()) {
            Path project = Path.of(System.getProperty("quantscope.project.dir", "."));
            dir = project.resolve("resources").resolve("demo").toAbsolutePath().toString();
            System.setProperty("quantscope.demo.dir", dir);
        }
        for (String f : DemoAssets.FILES) {
            assertTrue(Files.isRegularFile(Path.of(dir, f)), "demo file " + f + " missing in " + dir
                    + " (generate resources/demo or set -Dquantscope.demo.dir)");
        }
        return DemoAssets.locate();
    }
}
