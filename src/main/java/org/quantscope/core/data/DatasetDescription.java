package org.quantscope.core.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.quantscope.core.InputException;

/**
 * The contents of a {@code dataset.json} description file, which says how a data set is to be preprocessed and what
 * its classes are called. Every entry is optional; an absent entry is {@code null}:
 *
 * <pre>{@code
 * {"scale": 0.0039215686, "mean": [0.286], "std": [0.353], "color": "grayscale",
 *  "classes": ["T-shirt/top", "Trouser"], "applyToFloat": false}
 * {"scale": 0.00392156862745098, "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225], "color": "rgb",
 *  "resize": 256, "crop": 224}
 * }</pre>
 *
 * {@code resize} (pixels of the shorter side) and {@code crop} (square center crop) are torchvision's ImageNet
 * evaluation transform for image folders ({@link ImageResizing}).
 * {@code color} is one of {@code grayscale}, {@code rgb}, {@code auto}; {@code mean} and {@code std} may also be a
 * single number. Unknown entries are refused, so a misspelt key is not silently ignored.
 *
 * @param source       the file it was read from, for messages
 * @param scale        multiplier for raw integer values, or {@code null}
 * @param mean         per-channel mean, or {@code null}
 * @param std          per-channel standard deviation, or {@code null}
 * @param color        colour mode, or {@code null}
 * @param classes      class names indexed by label, or {@code null}
 * @param applyToFloat whether float data is normalized too, or {@code null}
 * @param resize       shorter side images are resized to, or {@code null}
 * @param crop         side of the square center crop, or {@code null}
 */
public record DatasetDescription(Path source, Double scale, double[] mean, double[] std,
                                 Preprocessing.ColorMode color, List<String> classes, Boolean applyToFloat,
                                 Integer resize, Integer crop) {

    /** The conventional file name, looked for next to the data. */
    public static final String FILE_NAME = "dataset.json";

    private static final Set<String> KEYS = Set.of("scale", "mean", "std", "color", "classes", "applyToFloat",
            "resize", "crop");

    /** Copies the arrays and list. */
    public DatasetDescription {
        mean = mean == null ? null : mean.clone();
        std = std == null ? null : std.clone();
        classes = classes == null ? null : List.copyOf(classes);
    }

    @Override
    public double[] mean() {
        return mean == null ? null : mean.clone();
    }

    @Override
    public double[] std() {
        return std == null ? null : std.clone();
    }

    /**
     * Reads and validates a description file.
     *
     * @param file the JSON file
     * @return the description
     * @throws InputException when the file is missing, not JSON, or holds a wrong entry
     */
    public static DatasetDescription read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InputException("Dataset description " + file + " does not exist");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new InputException(file.getFileName() + " is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ")", e);
        } catch (IOException e) {
            throw new InputException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new InputException(file.getFileName() + " must hold a JSON object such as {\"scale\": 0.00392}");
        }
        String name = file.getFileName().toString();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            String key = it.next().getKey();
            if (!KEYS.contains(key)) {
                throw new InputException(name + " has an unknown entry \"" + key + "\"; known entries are "
                        + "scale, mean, std, color, classes, applyToFloat, resize, crop");
            }
        }
        Double scale = root.has("scale") ? positive(number(root.get("scale"), name, "scale"), name, "scale") : null;
        double[] mean = root.has("mean") ? numbers(root.get("mean"), name, "mean") : null;
        double[] std = root.has("std") ? numbers(root.get("std"), name, "std") : null;
        if (std != null) {
            for (double s : std) {
                positive(s, name, "std");
            }
        }
        Preprocessing.ColorMode color = root.has("color") ? color(root.get("color"), name) : null;
        List<String> classes = root.has("classes") ? classes(root.get("classes"), name) : null;
        Boolean applyToFloat = null;
        if (root.has("applyToFloat")) {
            JsonNode n = root.get("applyToFloat");
            if (!n.isBoolean()) {
                throw new InputException(name + ": \"applyToFloat\" must be true or false, got " + n);
            }
            applyToFloat = n.booleanValue();
        }
        Integer resize = root.has("resize") ? pixels(root.get("resize"), name, "resize") : null;
        Integer crop = root.has("crop") ? pixels(root.get("crop"), name, "crop") : null;
        return new DatasetDescription(file, scale, mean, std, color, classes, applyToFloat, resize, crop);
    }

    private static int pixels(JsonNode n, String file, String key) {
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.intValue() < 1) {
            throw new InputException(file + ": \"" + key + "\" must be a whole number of pixels (at least 1), got "
                    + n);
        }
        return n.intValue();
    }

    private static double number(JsonNode n, String file, String key) {
        if (!n.isNumber()) {
            throw new InputException(file + ": \"" + key + "\" must be a number, got " + n);
        }
        return n.doubleValue();
    }

    private static double positive(double v, String file, String key) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new InputException(file + ": \"" + key + "\" must be positive, got " + v);
        }
        return v;
    }

    private static double[] numbers(JsonNode n, String file, String key) {
        if (n.isNumber()) {
            return new double[] {n.doubleValue()};
        }
        if (!n.isArray() || n.isEmpty()) {
            throw new InputException(file + ": \"" + key + "\" must be a number or a non-empty list of numbers,"
                    + " got " + n);
        }
        double[] out = new double[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = number(n.get(i), file, key);
        }
        return out;
    }

    private static Preprocessing.ColorMode color(JsonNode n, String file) {
        String v = n.isTextual() ? n.textValue().trim().toLowerCase(Locale.ROOT) : "";
        return switch (v) {
            case "grayscale", "greyscale", "gray", "grey", "l" -> Preprocessing.ColorMode.GRAYSCALE;
            case "rgb" -> Preprocessing.ColorMode.RGB;
            case "auto" -> Preprocessing.ColorMode.AUTO;
            default -> throw new InputException(file + ": \"color\" must be \"grayscale\", \"rgb\" or \"auto\","
                    + " got " + n);
        };
    }

    private static List<String> classes(JsonNode n, String file) {
        if (!n.isArray() || n.isEmpty()) {
            throw new InputException(file + ": \"classes\" must be a non-empty list of names, got " + n);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode c : n) {
            if (!c.isTextual() && !c.isNumber()) {
                throw new InputException(file + ": every entry of \"classes\" must be a name, got " + c);
            }
            out.add(c.asText());
        }
        return out;
    }

    /**
     * Finds the description file for a data path: {@code dataset.json} inside a data folder, else next to the data.
     *
     * @param data the data file or folder
     * @return the description file, or {@code null} when there is none
     */
    public static Path findFor(Path data) {
        if (Files.isDirectory(data) && Files.isRegularFile(data.resolve(FILE_NAME))) {
            return data.resolve(FILE_NAME);
        }
        Path parent = data.toAbsolutePath().getParent();
        if (parent != null && Files.isRegularFile(parent.resolve(FILE_NAME))) {
            return parent.resolve(FILE_NAME);
        }
        return null;
    }
}
