package org.quantscope.core.data;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Locale;

import org.quantscope.core.InputException;

/**
 * The size and colour images are decoded to, worked out from the model's input and the colour mode: (C, H, W)
 * inputs give them directly (a dimension of any size is taken from the first image); a flat (features) input takes
 * square images, grayscale when features is a square number, RGB when it is three times one.
 *
 * @param height   target height
 * @param width    target width
 * @param channels 1 (grayscale) or 3 (RGB)
 * @param flat     whether samples are flattened for a flat model input
 */
public record ImageGeometry(int height, int width, int channels, boolean flat) {

    /**
     * Works out the geometry.
     *
     * @param root     the image folder (its first image is decoded only when the model leaves size or colour open)
     * @param expected the model's input
     * @param color    the requested colour mode
     * @return the geometry
     * @throws InputException when the model's input cannot be fed from images in this colour mode
     */
    public static ImageGeometry resolve(Path root, ExpectedInput expected, Preprocessing.ColorMode color) {
        return resolve(root, expected, color, 0, 0);
    }

    /**
     * Works out the geometry with a resize and crop: a center crop decides a height and width the model leaves open,
     * and must equal the ones it fixes.
     *
     * @param root     the image folder
     * @param expected the model's input
     * @param p        the preprocessing (colour mode, resize, crop)
     * @return the geometry
     * @throws InputException when the crop does not fit the model's input, or a resize without a crop meets a model
     *                        whose input size is open
     */
    public static ImageGeometry resolve(Path root, ExpectedInput expected, Preprocessing p) {
        return resolve(root, expected, p.colorMode(), p.resize(), p.crop());
    }

    private static ImageGeometry resolve(Path root, ExpectedInput expected, Preprocessing.ColorMode color,
                                         int resize, int crop) {
        ImageGeometry g = resolveSize(root, expected, color, resize, crop);
        if (crop > 0 && (g.height != crop || g.width != crop)) {
            throw new InputException("The center crop is " + crop + "x" + crop + " but " + expected.describeInput()
                    + " expects " + g.height + "x" + g.width + " images; crop to " + g.height
                    + (g.height == g.width ? "" : "x" + g.width + " (give no crop: the crop then follows the input)")
                    + " or use the model's input size");
        }
        if (resize > 0 && resize < Math.max(g.height, g.width)) {
            throw new InputException("The shorter side is resized to " + resize + " pixels, less than the "
                    + g.height + "x" + g.width + " crop " + expected.describeInput() + " needs; resize to at least "
                    + Math.max(g.height, g.width) + " (ImageNet models: resize 256, crop 224)");
        }
        return g;
    }

    private static ImageGeometry resolveSize(Path root, ExpectedInput expected, Preprocessing.ColorMode color,
                                             int resize, int crop) {
        int[] exp = expected.sampleShape();
        if (crop > 0 && exp != null && exp.length == 3 && (exp[1] < 0 || exp[2] < 0)) {
            int[] fixed = {exp[0], exp[1] < 0 ? crop : exp[1], exp[2] < 0 ? crop : exp[2]};
            expected = new ExpectedInput(expected.inputName(), fixed, expected.numClasses());
            exp = fixed;
        } else if (crop > 0 && (exp == null || exp.length == 0)) {
            expected = new ExpectedInput(expected.inputName(), new int[] {-1, crop, crop}, expected.numClasses());
            exp = expected.sampleShape();
        }
        if (resize > 0 && (exp == null || exp.length == 0 || exp.length == 3 && (exp[1] < 0 || exp[2] < 0))) {
            throw new InputException(expected.describeInput() + " leaves the image size open, so a resize of the"
                    + " shorter side needs a crop to say the size: give @{crop} (\"crop\" in dataset.json), e.g. 224");
        }
        String folder = "image folder " + root.getFileName();
        if (exp == null || exp.length == 0) {
            BufferedImage first = ImageFolderDataset.firstImage(root);
            return new ImageGeometry(first.getHeight(), first.getWidth(), channels(color, -1, first), false);
        }
        if (exp.length == 3) {
            if (exp[0] > 0 && exp[0] != 1 && exp[0] != 3) {
                throw new InputException(expected.describeInput() + " expects " + ExpectedInput.describe(exp)
                        + ", " + exp[0] + " channels; images give 1 (grayscale) or 3 (RGB) channels");
            }
            BufferedImage first = exp[0] < 0 && color == Preprocessing.ColorMode.AUTO || exp[1] < 0 || exp[2] < 0
                    ? ImageFolderDataset.firstImage(root) : null;
            int c = channels(color, exp[0], first);
            if (exp[0] > 0 && c != exp[0]) {
                throw new InputException("Colour mode " + color.name().toLowerCase(Locale.ROOT)
                        + " gives " + c + " channels but " + expected.describeInput() + " expects "
                        + ExpectedInput.describe(exp) + "; use colour mode " + (exp[0] == 1 ? "grayscale" : "rgb")
                        + " or auto");
            }
            return new ImageGeometry(exp[1] > 0 ? exp[1] : first.getHeight(), exp[2] > 0 ? exp[2] : first.getWidth(),
                    c, false);
        }
        if (exp.length == 1 && exp[0] > 0) {
            int f = exp[0];
            boolean gray = color != Preprocessing.ColorMode.RGB && isSquare(f);
            boolean rgb = color != Preprocessing.ColorMode.GRAYSCALE && f % 3 == 0 && isSquare(f / 3);
            if (gray || rgb) {
                int c = gray ? 1 : 3;
                int side = (int) Math.round(Math.sqrt(f / (double) c));
                return new ImageGeometry(side, side, c, true);
            }
        }
        throw new InputException(expected.describeInput() + " expects " + ExpectedInput.describe(exp)
                + ", which " + folder + " cannot feed: images need an input of shape C x H x W, or a flat input"
                + " of H*W (grayscale) or 3*H*W (RGB) features for square images");
    }

    private static int channels(Preprocessing.ColorMode color, int expectedChannels, BufferedImage first) {
        return switch (color) {
            case GRAYSCALE -> 1;
            case RGB -> 3;
            case AUTO -> expectedChannels > 0 ? expectedChannels : ImageDecoder.isGray(first) ? 1 : 3;
        };
    }

    private static boolean isSquare(int n) {
        int s = (int) Math.round(Math.sqrt(n));
        return s * s == n;
    }
}
