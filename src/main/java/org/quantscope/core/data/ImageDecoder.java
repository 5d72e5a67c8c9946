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
 * Decodes one image file into raw 0..255 values laid out (C, H, W): read with ImageIO (PNG, JPEG, BMP, GIF), brought
 * to the target height and width, then split into one grayscale channel or three RGB channels. How the size is
 * reached depends on the {@link ImageResizing}: by default the whole image is resized to the target with bilinear
 * interpolation (Java2D, only when the size differs; the aspect ratio is not kept); with a shorter-side size R it is
 * first resized, aspect ratio kept, so that its shorter side is R (Pillow's antialiased bilinear filter,
 * {@link AntialiasedBilinear}, as torchvision's {@code Resize(R)}), then the target is cut from its center
 * (torchvision's {@code CenterCrop}); with a center crop alone the target is cut from the original image.
 * Grayscale files are read from their raster directly, so their values are not gamma-shifted by a colour-space
 * conversion. Colour to gray uses the ITU-R 601 luma weights with the same
 * fixed-point rounding as Pillow's {@code convert("L")}; alpha is dropped.
 */
final class ImageDecoder {

    private final int height;
    private final int width;
    private final int channels;
    private final ImageResizing resizing;

    /**
     * @param height   target height
     * @param width    target width
     * @param channels 1 (grayscale) or 3 (RGB)
     */
    ImageDecoder(int height, int width, int channels) {
        this(height, width, channels, ImageResizing.STRETCH);
    }

    /**
     * @param height   target height (the crop's height when cropping)
     * @param width    target width (the crop's width when cropping)
     * @param channels 1 (grayscale) or 3 (RGB)
     * @param resizing how the image is brought to the target size
     */
    ImageDecoder(int height, int width, int channels, ImageResizing resizing) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        this.height = height;
        this.width = width;
        this.channels = channels;
        this.resizing = resizing;
    }

    /** How images are brought to the target size. */
    ImageResizing resizing() {
        return resizing;
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
        try (javax.imageio.stream.ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            java.util.Iterator<javax.imageio.ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw unreadable(file, java.nio.file.Files.size(file) == 0 ? "the file is empty"
                        : "no image decoder recognises its content", null);
            }
            javax.imageio.ImageReader reader = readers.next();
            String[] truncated = new String[1];
            try {
                reader.setInput(in, true, true);
                // The JPEG decoder fills a file that ends early with gray and only warns; Pillow refuses such a file
                // ("image file is truncated"), and so does QuantScope: those pixels are not the image.
                reader.addIIOReadWarningListener((source, warning) -> {
                    String w = warning.toLowerCase(java.util.Locale.ROOT);
                    if (truncated[0] == null && (w.contains("truncated") || w.contains("premature end"))) {
                        truncated[0] = warning;
                    }
                });
                img = reader.read(0, reader.getDefaultReadParam());
            } finally {
                reader.dispose();
            }
            if (truncated[0] != null) {
                throw unreadable(file, "the file ends early: " + truncated[0], null);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof InputException ie) {
                throw ie;
            }
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
        BufferedImage img = readImage(file);
        int[] px;
        try {
            px = fit(img);
        } catch (RuntimeException e) {
            // A JPEG whose data ends early or has a broken segment often fails only when its pixels are fetched.
            throw unreadable(file, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        }
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

    /** The target-size pixels of an image, packed {@code 0xRRGGBB}, row-major. */
    private int[] fit(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        switch (resizing.mode()) {
            case SHORTER_SIDE -> {
                int[] size = resizing.resizedSize(w, h);
                int x0 = ImageResizing.cropOffset(size[0], width);
                int y0 = ImageResizing.cropOffset(size[1], height);
                if (x0 < 0 || y0 < 0) {
                    throw new IllegalStateException("resized image " + size[0] + "x" + size[1] + " is smaller than"
                            + " the crop " + width + "x" + height);
                }
                return AntialiasedBilinear.resize(packedRgb(img), w, h, size[0], size[1], x0, y0, width, height);
            }
            case CENTER_CROP -> {
                return crop(packedRgb(img), w, h, ImageResizing.cropOffset(w, width),
                        ImageResizing.cropOffset(h, height));
            }
            default -> {
                BufferedImage rgb = toRgb(img);
                if (rgb.getWidth() != width || rgb.getHeight() != height) {
                    rgb = resize(rgb);
                }
                return ((DataBufferInt) rgb.getRaster().getDataBuffer()).getData();
            }
        }
    }

    /**
     * The window {@code width x height} at {@code (x0, y0)} of a {@code w x h} image; where it reaches past the image
     * (an image smaller than the crop) the pixels are 0, as torchvision's {@code CenterCrop} pads.
     */
    private int[] crop(int[] src, int w, int h, int x0, int y0) {
        int[] out = new int[width * height];
        for (int y = 0; y < height; y++) {
            int sy = y0 + y;
            if (sy < 0 || sy >= h) {
                continue;
            }
            for (int x = 0; x < width; x++) {
                int sx = x0 + x;
                if (sx >= 0 && sx < w) {
                    out[y * width + x] = src[sy * w + sx];
                }
            }
        }
        return out;
    }

    /** The pixels of any image packed {@code 0xRRGGBB}; 8-bit BGR rasters (most JPEGs) are read directly. */
    private static int[] packedRgb(BufferedImage src) {
        if (src.getType() == BufferedImage.TYPE_3BYTE_BGR
                && src.getRaster().getDataBuffer() instanceof java.awt.image.DataBufferByte db
                && src.getRaster().getSampleModel() instanceof java.awt.image.PixelInterleavedSampleModel sm
                && sm.getPixelStride() == 3 && sm.getScanlineStride() == 3 * src.getWidth()
                && src.getRaster().getSampleModelTranslateX() == 0 && src.getRaster().getSampleModelTranslateY() == 0) {
            byte[] b = db.getData();
            int[] px = new int[src.getWidth() * src.getHeight()];
            for (int i = 0, j = 0; i < px.length; i++, j += 3) {
                px[i] = ((b[j + 2] & 0xFF) << 16) | ((b[j + 1] & 0xFF) << 8) | (b[j] & 0xFF);
            }
            return px;
        }
        return ((DataBufferInt) toRgb(src).getRaster().getDataBuffer()).getData();
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
