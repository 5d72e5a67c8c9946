package org.quantscope.core.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.quantscope.core.InputException;

/**
 * Class names, indexed by label: read from a text file, or made up as {@code "0".."K-1"} when the data carries no
 * names. Three file layouts are recognised from the first line:
 * <ul>
 *   <li>one name per line (line {@code i + 1} names class {@code i});</li>
 *   <li>synsets with indices, {@code index<TAB>id<TAB>name} (every index from 0 to K-1 exactly once, in any order);</li>
 *   <li>ImageNet's {@code LOC_synset_mapping.txt}, {@code n01440764 tench, Tinca tinca} (a WordNet id, a space, the
 *   synonyms; line order is class order).</li>
 * </ul>
 * In the two synset layouts a class is shown by its first synonym ({@code tench}); where two classes would share it
 * (ImageNet has two "crane" and two "maillot"), both get their id appended ({@code crane (n02012849)}).
 */
public final class ClassNames {

    /** {@code index<TAB>id<TAB>name}. */
    private static final Pattern INDEXED = Pattern.compile("^\\s*(\\d+)\\t([^\\t]*)\\t(.*)$");
    /** {@code n01440764 tench, Tinca tinca}: a WordNet id (a letter and eight digits), white space, the synonyms. */
    private static final Pattern MAPPING = Pattern.compile("^([a-z]\\d{8})\\s+(.*)$");

    private ClassNames() {
    }

    /** The layout of a class-names file. */
    public enum Layout {
        /** One name per line. */
        PLAIN,
        /** {@code index<TAB>id<TAB>name}. */
        INDEXED,
        /** {@code id synonyms}, as ImageNet's LOC_synset_mapping.txt. */
        SYNSET_MAPPING
    }

    /**
     * A parsed class-names file.
     *
     * @param file   where it came from
     * @param layout its layout
     * @param names  display names, indexed by class
     * @param ids    synset ids indexed by class (empty for {@link Layout#PLAIN})
     * @param lines  the line of the file each class came from (1-based), indexed by class
     */
    public record File(Path file, Layout layout, List<String> names, List<String> ids, List<Integer> lines) {

        /** Copies the lists. */
        public File {
            names = List.copyOf(names);
            ids = List.copyOf(ids);
            lines = List.copyOf(lines);
        }

        /**
         * Where the class count comes from, for messages: e.g. {@code "synsets.txt has 999 classes (lines 1 to 999,
         * the last one index 998)"}.
         */
        public String describeCount() {
            int last = lines.stream().mapToInt(Integer::intValue).max().orElse(0);
            return file.getFileName() + " has " + names.size() + (names.size() == 1 ? " class" : " classes")
                    + " (" + (layout == Layout.PLAIN ? "one name per line" : layout == Layout.INDEXED
                    ? "index<TAB>id<TAB>name lines" : "synset lines") + ", the last on line " + last + ")";
        }
    }

    /**
     * Reads the class names of a file in any of the three layouts.
     *
     * @param file the text file (UTF-8)
     * @return the names, indexed by class
     * @throws InputException when the file is missing, empty or malformed (the message names the file and line)
     */
    public static List<String> read(Path file) {
        return parse(file).names();
    }

    /**
     * Parses a class-names file. Trailing blank lines are ignored; a blank line between names is an error, since it
     * would shift every later label.
     *
     * @param file the text file (UTF-8)
     * @return the parsed file
     * @throws InputException when the file is missing, empty or malformed (the message names the file and line)
     */
    public static File parse(Path file) {
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
        if (lines.get(0).startsWith("\uFEFF")) {
            lines.set(0, lines.get(0).substring(1));
        }
        String first = lines.get(0);
        if (INDEXED.matcher(first).matches()) {
            return indexed(file, lines);
        }
        if (MAPPING.matcher(first.strip()).matches()) {
            return mapping(file, lines);
        }
        List<String> names = new ArrayList<>();
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String name = lines.get(i).strip();
            if (name.isEmpty()) {
                throw new InputException("Class-names file " + file.getFileName() + " has a blank line " + (i + 1)
                        + "; it needs one class name per line");
            }
            names.add(name);
            at.add(i + 1);
        }
        return new File(file, Layout.PLAIN, names, List.of(), at);
    }

    private static File indexed(Path file, List<String> lines) {
        int k = lines.size();
        Map<Integer, Integer> lineOfIndex = new HashMap<>();
        String[] ids = new String[k];
        String[] synonyms = new String[k];
        int[] lineOf = new int[k];
        int beyond = -1;
        for (int i = 0; i < k; i++) {
            Matcher m = INDEXED.matcher(lines.get(i));
            String where = file.getFileName() + " line " + (i + 1);
            if (!m.matches()) {
                throw new InputException(where + " is not 'index<TAB>id<TAB>name' like line 1"
                        + (lines.get(i).isBlank() ? " (it is blank)" : ": '" + abbreviate(lines.get(i)) + "'"));
            }
            int index;
            try {
                index = Integer.parseInt(m.group(1));
            } catch (NumberFormatException e) {
                index = Integer.MAX_VALUE;
            }
            Integer seen = lineOfIndex.putIfAbsent(index, i + 1);
            if (seen != null) {
                throw new InputException(where + " repeats index " + index + " of line " + seen
                        + "; every class index from 0 to " + (k - 1) + " must appear exactly once");
            }
            if (m.group(3).isBlank()) {
                throw new InputException(where + " has no class name after its id");
            }
            if (index >= k) {
                beyond = beyond < 0 ? i + 1 : beyond;
                continue;
            }
            lineOf[index] = i + 1;
            ids[index] = m.group(2).strip();
            synonyms[index] = m.group(3).strip();
        }
        for (int c = 0; c < k; c++) {
            if (lineOf[c] == 0) {
                throw new InputException(file.getFileName() + " has no line for class index " + c + ": its " + k
                        + " lines must number the classes 0 to " + (k - 1) + " exactly once (line " + beyond
                        + " has index " + lines.get(beyond - 1).strip().split("\\t")[0] + ")");
            }
        }
        return synsets(file, Layout.INDEXED, ids, synonyms, lineOf);
    }

    private static File mapping(Path file, List<String> lines) {
        int k = lines.size();
        String[] ids = new String[k];
        String[] synonyms = new String[k];
        int[] lineOf = new int[k];
        for (int i = 0; i < k; i++) {
            Matcher m = MAPPING.matcher(lines.get(i).strip());
            if (!m.matches() || m.group(2).isBlank()) {
                throw new InputException(file.getFileName() + " line " + (i + 1) + " is not 'id name' like line 1 "
                        + "(a WordNet id such as n01440764, a space, the class name)"
                        + (lines.get(i).isBlank() ? ": it is blank" : ": '" + abbreviate(lines.get(i)) + "'"));
            }
            ids[i] = m.group(1);
            synonyms[i] = m.group(2).strip();
            lineOf[i] = i + 1;
        }
        return synsets(file, Layout.SYNSET_MAPPING, ids, synonyms, lineOf);
    }

    private static File synsets(Path file, Layout layout, String[] ids, String[] synonyms, int[] lineOf) {
        Map<String, Integer> idLine = new HashMap<>();
        Map<String, Integer> shortCount = new HashMap<>();
        String[] shortNames = new String[ids.length];
        for (int c = 0; c < ids.length; c++) {
            if (!ids[c].isEmpty()) {
                Integer seen = idLine.putIfAbsent(ids[c], lineOf[c]);
                if (seen != null) {
                    throw new InputException(file.getFileName() + " line " + lineOf[c] + " repeats the id " + ids[c]
                            + " of line " + seen + "; every class needs its own id");
                }
            }
            int comma = synonyms[c].indexOf(',');
            shortNames[c] = (comma > 0 ? synonyms[c].substring(0, comma) : synonyms[c]).strip();
            shortCount.merge(shortNames[c], 1, Integer::sum);
        }
        List<String> names = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        for (int c = 0; c < ids.length; c++) {
            boolean shared = shortCount.get(shortNames[c]) > 1;
            names.add(shared && !ids[c].isEmpty() ? shortNames[c] + " (" + ids[c] + ")"
                    : shared ? shortNames[c] + " (" + c + ")" : shortNames[c]);
            lines.add(lineOf[c]);
        }
        return new File(file, layout, names, List.of(ids), lines);
    }

    private static String abbreviate(String line) {
        String s = line.replace("\t", "<TAB>");
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
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
