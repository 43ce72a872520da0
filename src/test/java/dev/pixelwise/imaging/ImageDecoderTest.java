package dev.pixelwise.imaging;

import dev.pixelwise.TestImages;
import dev.pixelwise.problem.AppException;
import io.quarkus.runtime.configuration.MemorySize;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageDecoderTest {

    static ImageLimits limits(long maxPixels, Duration decodeTimeout) {
        return new ImageLimits() {
            @Override
            public MemorySize maxUploadSize() {
                return new MemorySize(BigInteger.valueOf(25L << 20));
            }

            @Override
            public long maxPixels() {
                return maxPixels;
            }

            @Override
            public Duration decodeTimeout() {
                return decodeTimeout;
            }

            @Override
            public Duration uploadTimeout() {
                return Duration.ofMinutes(2);
            }
        };
    }

    static final ImageDecoder DECODER = new ImageDecoder(limits(40_000_000, Duration.ofSeconds(10)));

    @TempDir
    Path tmp;

    @AfterAll
    static void close() {
        DECODER.close();
    }

    @Test
    void sniffsEveryWrittenFormatFromBytesNotName() {
        BufferedImage card = TestImages.quadrants(40, 30);
        for (String format : List.of("png", "jpeg", "gif", "bmp", "tiff")) {
            // The extension lies on purpose: only the bytes count.
            Path file = TestImages.write(tmp, "picture-" + format + ".webp", TestImages.encode(card, format));
            DecodedImage decoded = DECODER.decode(file);
            assertEquals(format.toUpperCase(), decoded.info().format().name());
            assertEquals(40, decoded.width());
            assertEquals(30, decoded.height());
            int topLeft = decoded.image().getRGB(5, 5);
            assertTrue(((topLeft >> 16) & 0xFF) > 200 && ((topLeft >> 8) & 0xFF) < 60, format + " top-left should be red");
        }
    }

    @Test
    void decodesRealPhotos() {
        DecodedImage cat = DECODER.decode(TestImages.photo("cat.bmp"));
        assertEquals(ImageFormat.BMP, cat.info().format());
        assertEquals(512, cat.width());
        DecodedImage parrot = DECODER.decode(TestImages.photo("parrot.jpg"));
        assertEquals(ImageFormat.JPEG, parrot.info().format());
        assertEquals("RGB", parrot.info().colorModel());
        assertEquals(BufferedImage.TYPE_INT_RGB, parrot.image().getType());
    }

    @Test
    void appliesExifOrientation() {
        byte[] jpeg = TestImages.encode(TestImages.quadrants(40, 20), "jpeg");
        Path rotated = TestImages.write(tmp, "rotated.jpg", TestImages.withExifOrientation(jpeg, 6));
        DecodedImage decoded = DECODER.decode(rotated);
        assertEquals(6, decoded.info().exifOrientation());
        assertEquals(20, decoded.width(), "orientation 6 swaps width and height");
        assertEquals(40, decoded.height());
        // Rotating 90° clockwise brings the old bottom-left (blue) to the top-left.
        int topLeft = decoded.image().getRGB(3, 3);
        assertTrue((topLeft & 0xFF) > 200 && ((topLeft >> 16) & 0xFF) < 60, "top-left should be blue, was " + Integer.toHexString(topLeft));
        int topRight = decoded.image().getRGB(16, 3);
        assertTrue(((topRight >> 16) & 0xFF) > 200 && (topRight & 0xFF) < 60, "top-right should be red");
    }

    @Test
    void sixteenBitGrayKeepsItsLevels() {
        BufferedImage gray = new BufferedImage(8, 8, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster r = gray.getRaster();
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                r.setSample(x, y, 0, 0x8080);
            }
        }
        DecodedImage decoded = DECODER.decode(TestImages.write(tmp, "gray16.png", TestImages.encode(gray, "png")));
        assertEquals("Gray", decoded.info().colorModel());
        assertEquals(16, decoded.info().bitDepth());
        assertEquals(0xFF808080, decoded.image().getRGB(4, 4), "no linear-gray brightening");
    }

    @Test
    void convertsAnEmbeddedIccProfileToSrgb() {
        BufferedImage gray = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                gray.setRGB(x, y, 0x808080);
            }
        }
        byte[] png = TestImages.encode(gray, "png");
        byte[] linear = java.awt.color.ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_LINEAR_RGB).getData();
        DecodedImage plain = DECODER.decode(TestImages.write(tmp, "plain.png", png));
        assertEquals(0xFF808080, plain.image().getRGB(2, 2));
        DecodedImage tagged = DECODER.decode(TestImages.write(tmp, "linear.png", TestImages.withIccp(png, "Linear RGB", linear)));
        assertTrue(tagged.info().iccConverted());
        int level = tagged.image().getRGB(2, 2) & 0xFF;
        // 128/255 in linear light is about 188/255 in sRGB's curve.
        assertTrue(level >= 184 && level <= 192, "linear 128 should become ~188 in sRGB, was " + level);
    }

    @Test
    void keepsAlpha() {
        BufferedImage argb = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(1, 1, 0x80FF0000);
        DecodedImage decoded = DECODER.decode(TestImages.write(tmp, "alpha.png", TestImages.encode(argb, "png")));
        assertTrue(decoded.info().hasAlpha());
        assertEquals(0x80FF0000, decoded.image().getRGB(1, 1));
        assertEquals(0, decoded.image().getRGB(0, 0) >>> 24);
    }

    @Test
    void refusesEmptyTextAndUnknownBytesAs415() {
        for (byte[] content : List.of(new byte[0], "hello, I am text".getBytes(), "<svg xmlns='http://www.w3.org/2000/svg'/>".getBytes(),
                new byte[]{'B', 'M', 'x', 'y'})) {
            Path file = TestImages.write(tmp, "bad.png", content);
            assertThrows(AppException.UnsupportedFormat.class, () -> DECODER.probe(file));
        }
    }

    @Test
    void refusesHugeDimensionsFromTheHeaderAlone() {
        Path file = TestImages.write(tmp, "huge.png", TestImages.pngClaiming(100_000, 100_000));
        var e = assertThrows(AppException.UnprocessableImage.class, () -> DECODER.probe(file));
        assertTrue(e.getMessage().contains("megapixels"), e.getMessage());
    }

    @Test
    void refusesTruncatedFilesAs422() throws IOException {
        byte[] jpeg = Files.readAllBytes(TestImages.photo("parrot.jpg"));
        byte[] png = TestImages.encode(noise(300, 200, 1), "png");
        for (int cut : new int[]{200, jpeg.length / 3, jpeg.length / 2, jpeg.length - 10}) {
            Path file = TestImages.write(tmp, "cut.jpg", TestImages.truncated(jpeg, cut));
            assertThrows(AppException.UnprocessableImage.class, () -> DECODER.decode(file), "jpeg cut at " + cut);
        }
        for (int cut : new int[]{40, png.length / 2, png.length - 13}) {
            Path file = TestImages.write(tmp, "cut.png", TestImages.truncated(png, cut));
            assertThrows(AppException.UnprocessableImage.class, () -> DECODER.decode(file), "png cut at " + cut);
        }
    }

    @Test
    void abortsADecodePastItsTimeLimit() {
        ImageDecoder impatient = new ImageDecoder(limits(40_000_000, Duration.ofMillis(1)));
        try {
            Path file = TestImages.write(tmp, "noise.png", TestImages.encode(noise(2000, 2000, 7), "png"));
            var e = assertThrows(AppException.UnprocessableImage.class, () -> impatient.decode(file));
            assertTrue(e.getMessage().contains("longer than"), e.getMessage());
        } finally {
            impatient.close();
        }
    }

    /** PngSuite: every valid file decodes at its stated size; every x*.png (corrupt) is refused. */
    @Test
    void pngSuiteConformance() throws IOException {
        Path suite = TestImages.SHARED.resolve("conformance/pngsuite");
        int valid = 0;
        int corrupt = 0;
        try (Stream<Path> files = Files.list(suite)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".png")).sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith("x")) {
                    assertThrows(AppException.class, () -> DECODER.decode(p), name + " is corrupt and must be refused");
                    corrupt++;
                } else {
                    DecodedImage d = DECODER.decode(p);
                    if (name.matches("s\\d\\d.*")) { // sNN*: an NN×NN image
                        int size = Integer.parseInt(name.substring(1, 3));
                        assertEquals(size, d.width(), name);
                        assertEquals(size, d.height(), name);
                    } else {
                        assertTrue(d.width() > 0 && d.height() > 0, name);
                    }
                    valid++;
                }
            }
        }
        assertTrue(valid > 140, "valid PngSuite files decoded: " + valid);
        assertTrue(corrupt >= 10, "corrupt PngSuite files refused: " + corrupt);
    }

    static BufferedImage noise(int w, int h, long seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        return img;
    }

    /** TwelveMonkeys 3.14.0 drifted into block-shaped colour errors on lossy WebP (33 dB from libwebp here; 3.15.0: 38.6). */
    @Test
    void lossyWebpUploadsDecodeLikeLibwebp() throws Exception {
        BufferedImage parrot = DECODER.decode(TestImages.photo("parrot.jpg")).image();
        byte[] webp = FormatEncoder.encode(CompressedFormat.WEBP, parrot, 75);
        DecodedImage ours = DECODER.decode(TestImages.write(tmp, "parrot.webp", webp));
        BufferedImage libwebp = FormatEncoder.decode(CompressedFormat.WEBP, webp);
        int w = libwebp.getWidth();
        int h = libwebp.getHeight();
        double psnr = ImageQuality.psnr(ours.image().getRGB(0, 0, w, h, null, 0, w), libwebp.getRGB(0, 0, w, h, null, 0, w));
        assertTrue(psnr > 36, "the upload's decoder and libwebp agree closely: " + psnr + " dB");
    }
}
