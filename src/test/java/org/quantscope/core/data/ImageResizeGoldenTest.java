package org.quantscope.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * Resize of the shorter side and center crop against Pillow/torchvision: the images in
 * {@code src/test/resources/images/resize} and the uint8 values Pillow 9.4 computes for them ({@code reference.json}),
 * both written by {@code tools/image_folder_reference.py golden}. They cover a portrait and a landscape downscale
 * (where the antialiasing filter matters: Java2D's bilinear interpolation is off by up to tens of pixel values here),
 * an upscale, a gray PNG, a 4:2:0 JPEG and crop offsets that round a half to even.
 *
 * <p>Tolerance: PNG pixels must be equal (the resampling reproduces Pillow's fixed-point arithmetic); the JPEG may
 * differ by 1 in a few values, since Java's JPEG decoder is not Pillow's libjpeg-turbo (on the 250 JPEGs of the
 * ImageNet test folder the decoded values were equal, docs/decisions/0022-imagenet-folders.md).
 */
class ImageResizeGoldenTest {

    private static final Path DIR = Path.of("src/test/resources/images/resize");

    @Test
    void resizeShorterSideAndCenterCropMatchPillow() throws IOException {
        JsonNode ref = new ObjectMapper().readTree(DIR.resolve("reference.json").toFile());
        assertEquals(5, ref.get("images").size());
        for (JsonNode img : ref.get("images")) {
            int crop = img.get("crop").asInt();
            ImageDecoder d = new ImageDecoder(crop, crop, 3,
                    new ImageResizing(ImageResizing.Mode.SHORTER_SIDE, img.get("resize").asInt()));
            check(img, "resizeCrop", d, crop);
        }
    }

    @Test
    void centerCropAloneMatchesPillow() throws IOException {
        JsonNode ref = new ObjectMapper().readTree(DIR.resolve("reference.json").toFile());
        for (JsonNode img : ref.get("images")) {
            int crop = img.get("crop").asInt();
            ImageDecoder d = new ImageDecoder(crop, crop, 3, new ImageResizing(ImageResizing.Mode.CENTER_CROP, 0));
            check(img, "centerCrop", d, crop);
        }
    }

    @Test
    void wholeImageResizeDiffersFromPillowOnADownscale() throws IOException {
        // The reason for the new mode: the old whole-image Java2D path, asked for the same output size, is not
        // Pillow's (no antialiasing, no aspect ratio), so a model fed by it sees other pixels than in training.
        JsonNode img = new ObjectMapper().readTree(DIR.resolve("reference.json").toFile()).get("images").get(0);
        int crop = img.get("crop").asInt();
        float[] out = new float[3 * crop * crop];
        new ImageDecoder(crop, crop, 3).decodeInto(DIR.resolve(img.get("file").asText()), out, 0);
        assertTrue(maxDifference(img.get("resizeCrop"), out, crop) > 10);
    }

    private static void check(JsonNode img, String key, ImageDecoder d, int crop) {
        String file = img.get("file").asText();
        float[] out = new float[3 * crop * crop];
        d.decodeInto(DIR.resolve(file), out, 0);
        int max = maxDifference(img.get(key), out, crop);
        int allowed = file.endsWith(".jpg") ? 1 : 0;
        assertTrue(max <= allowed, file + " " + key + ": largest difference " + max + " > " + allowed);
    }

    /** Largest |Pillow - QuantScope| over all values; Pillow's are (H, W, 3), QuantScope's (3, H, W). */
    private static int maxDifference(JsonNode expected, float[] chw, int side) {
        assertEquals(3 * side * side, expected.size());
        int plane = side * side;
        int max = 0;
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                int e = expected.get(i * 3 + c).asInt();
                max = Math.max(max, Math.abs(e - Math.round(chw[c * plane + i])));
            }
        }
        return max;
    }
}
