package org.quantscope.core.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.quantscope.core.InputException;

/**
 * Class names, indexed by label: read from a text file with one name per line, or made up as {@code "0".."K-1"}
 * when the data carries no names.
 */
public final class ClassNames {

    private ClassNames() {
    }

    /**
     * Reads one class name per line. Trailing blank lines are ignored; a blank line between names is an error,
     * since it would shift every later label.
     *
     * @param file the text file (UTF-8)
     * @return the names
     * @throws InputException when the file is missing, empty or has a blank line between names
     */
    public static List<String> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InputException("Class-names file " + file + " does not exist");
        }
        List<String> lines;
        try {
            lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new InputException("Cannot read class-names file " + file + ": " + e.getMessage(), e);
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        if (lines.isEmpty()) {
            throw new InputException("Class-names file " + file.getFileName() + " is empty; it needs one class"
                    + " name per line");
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String name = lines.get(i).strip();
            if (i == 0 && name.startsWith("\uFEFF")) {
                name = name.substring(1);
            }
            if (name.isEmpty()) {
                throw new InputException("Class-names file " + file.getFileName() + " has a blank line " + (i + 1)
                        + "; it needs one class name per line");
            }
            names.add(name);
        }
        return List.copyOf(names);
    }

    /**
     * The names {@code "0".."count-1"}.
     *
     * @param count number of classes
     * @return the names
     */
    public static List<String> indices(int count) {
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            names.add(Integer.toString(i));
        }
        return List.copyOf(names);
    }
}
