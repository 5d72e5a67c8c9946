package org.quantscope.core.data;

/**
 * How a decoded image is brought to the model's input size (H, W).
 * <ul>
 *   <li>{@link Mode#STRETCH}: the whole image is resized to H x W (bilinear; the aspect ratio is not kept). What
 *       QuantScope did before resize and crop could be asked for, and still the default.</li>
 *   <li>{@link Mode#SHORTER_SIDE}: torchvision's ImageNet evaluation transform {@code Resize(R)} then
 *       {@code CenterCrop((H, W))}: the image is resized, aspect ratio kept, so that its shorter side is R and its
 *       longer side {@code floor(R * long / short)}, with Pillow's antialiased bilinear filter
 *       ({@link AntialiasedBilinear}); then H x W is cut from its center.</li>
 *   <li>{@link Mode#CENTER_CROP}: H x W cut from the center of the image as it is (torchvision's {@code CenterCrop}
 *       alone; an image smaller than the crop is padded with 0).</li>
 * </ul>
 * The crop's top-left corner is {@code round((size - crop) / 2)} per axis, rounding halves to even as Python's
 * {@code round} in torchvision does.
 *
 * @param mode          how the size is reached
 * @param shorterSide   R for {@link Mode#SHORTER_SIDE}, else 0
 */
public record ImageResizing(Mode mode, int shorterSide) {

    /** The ways to reach the input size. */
    public enum Mode { STRETCH, SHORTER_SIDE, CENTER_CROP }

    /** Resize the whole image to the input size. */
    public static final ImageResizing STRETCH = new ImageResizing(Mode.STRETCH, 0);

    /** Checks the shorter side. */
    public ImageResizing {
        if (mode == Mode.SHORTER_SIDE ? shorterSide < 1 : shorterSide != 0) {
            throw new IllegalArgumentException("shorter side " + shorterSide + " does not fit mode " + mode);
        }
    }

    /**
     * The resizing a preprocessing asks for: its {@code resize} (shorter side) and {@code crop}.
     *
     * @param p the preprocessing
     * @return the resizing
     */
    public static ImageResizing of(Preprocessing p) {
        if (p.resize() > 0) {
            return new ImageResizing(Mode.SHORTER_SIDE, p.resize());
        }
        return p.crop() > 0 ? new ImageResizing(Mode.CENTER_CROP, 0) : STRETCH;
    }

    /**
     * The size after the shorter-side resize, as torchvision computes it.
     *
     * @param w image width
     * @param h image height
     * @return {width, height}
     */
    int[] resizedSize(int w, int h) {
        if (w <= h) {
            return new int[] {shorterSide, (int) (shorterSide * (double) h / w)};
        }
        return new int[] {(int) (shorterSide * (double) w / h), shorterSide};
    }

    /** The crop's first pixel along an axis of {@code size} pixels: {@code round((size - crop) / 2)}, half to even. */
    static int cropOffset(int size, int crop) {
        return (int) Math.rint((size - crop) / 2.0);
    }

    /** For provenance and messages, e.g. "resize shorter side to 256 (antialiased bilinear), center crop". */
    public String describe() {
        return switch (mode) {
            case STRETCH -> "resize to the input size (bilinear)";
            case SHORTER_SIDE -> "resize shorter side to " + shorterSide
                    + " (antialiased bilinear as Pillow), center crop";
            case CENTER_CROP -> "center crop";
        };
    }
}
