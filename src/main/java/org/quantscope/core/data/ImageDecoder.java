package org.quantscope.core.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.quantscope.core.InputException;

/**
 * Decodes one image file into raw 0..255 values laid out (C, H, W): read with ImageIO (PNG, JPEG, BMP, GIF), resized
 * to the target height and width with bilinear interpolation (Java2D, only when the size differs), then split into
 * one grayscale channel or three RGB channels. Grayscale files are read from their raster directly, so their values
 * are not gamma-shifted by a colour-space conversion. Colour to gray uses the ITU-R 601 luma weights with the same
 * fixed-point rounding as Pillow's {@code convert("L")}; alpha is dropped.
 */
final class ImageDecoder {

    private final int height;
    private final int width;
    private final int channels;

    /**
     * @param height   target height
     * @param width    target width
     * @param channels 1 (grayscale) or 3 (RGB)
     */
    ImageDecoder(int height, int width, int channels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        this.height = height;
        this.width = width;
        this.channels = channels;
    }

    /**
     * Reads an image file.
     *
     * @param file the file
     * @return the decoded image
     * @throws InputException naming the file when it is not a readable image
     */
    static BufferedImage readImage(Path file) {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw unreadable(file, e.getMessage(), e);
        }
        if (img == null) {
            throw unreadable(file, "no image decoder recognises its content", null);
        }
        return img;
    }

    private static InputException unreadable(Path file, String why, Throwable cause) {
        return new InputException(file + " is not a readable PNG/JPEG image" + (why == null ? "" : " (" + why + ")"),
                cause);
    }

    /** Whether an image holds gray values only (no colour, no palette). */
    static boolean isGray(BufferedImage img) {
        return !(img.getColorModel() instanceof IndexColorModel)
                && img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
    }

    /**
     * Decodes {@code file} into {@code out} from {@code off} on: {@code channels * height * width} raw values.
     *
     * @throws InputException naming the file when it is not a readable image
     */
    void decodeInto(Path file, float[] out, int off) {
        BufferedImage rgb = toRgb(readImage(file));
        if (rgb.getWidth() != width || rgb.getHeight() != height) {
            rgb = resize(rgb);
        }
        int[] px = ((DataBufferInt) rgb.getRaster().getDataBuffer()).getData();
        int plane = height * width;
        for (int i = 0; i < plane; i++) {
            int p = px[i];
            int r = (p >>> 16) & 0xFF;
            int g = (p >>> 8) & 0xFF;
            int b = p & 0xFF;
            if (channels == 1) {
                out[off + i] = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16;
            } else {
                out[off + i] = r;
                out[off + plane + i] = g;
                out[off + 2 * plane + i] = b;
            }
        }
    }

    /** Copies any image into a packed sRGB image; gray rasters are copied as they are into R, G and B. */
    private static BufferedImage toRgb(BufferedImage src) {
        int w = src.getWidth();
        int h = src.getHeight();
        BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] px = ((DataBufferInt) dst.getRaster().getDataBuffer()).getData();
        if (isGray(src)) {
            Raster r = src.getRaster();
            int bits = src.getColorModel().getComponentSize(0);
            long max = (1L << bits) - 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int v = bits == 8 ? r.getSample(x, y, 0) : (int) ((r.getSample(x, y, 0) * 255L + max / 2) / max);
                    px[y * w + x] = (v << 16) | (v << 8) | v;
                }
            }
        } else {
            src.getRGB(0, 0, w, h, px, 0, w);
            for (int i = 0; i < px.length; i++) {
                px[i] &= 0xFFFFFF;
            }
        }
        return dst;
    }

    private BufferedImage resize(BufferedImage src) {
        BufferedImage dst = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = dst.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(src, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return dst;
    }
}
