package dev.pixelwise.imaging;

import dev.pixelwise.GeotaggedJpeg;
import dev.pixelwise.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the decoder reads besides pixels: frames, EXIF, ICC profile name, JPEG quality. */
class ImageMetadataTest {

    static final ImageDecoder DECODER = new ImageDecoder(ImageDecoderTest.limits(40_000_000, Duration.ofSeconds(10)));

    @TempDir
    Path tmp;

    @AfterAll
    static void close() {
        DECODER.close();
    }

    ImageInfo decode(String name, byte[] bytes) {
        return DECODER.decode(TestImages.write(tmp, name, bytes)).info();
    }

    @Test
    void gifFramesAreCountedAndTheFirstIsDecoded() {
        DecodedImage gif = DECODER.decode(TestImages.write(tmp, "five.gif", TestImages.animatedGif(5, 16, 12)));
        assertEquals(5, gif.info().frames());
        assertTrue(gif.info().animated());
        assertEquals(0xFF0000, gif.image().getRGB(3, 3) & 0xFFFFFF, "the first frame (red)");
        assertEquals(1, decode("one.gif", TestImages.animatedGif(1, 16, 12)).frames());
    }

    @Test
    void apngFramesAreItsFrameControls() {
        byte[] png = TestImages.encode(TestImages.quadrants(16, 16), "png");
        byte[] apng = TestImages.withChunk(png, "acTL", ByteBuffer.allocate(8).putInt(3).putInt(0).array());
        for (int i = 0; i < 3; i++) {
            apng = TestImages.withChunk(apng, "fcTL", new byte[26]);
        }
        assertEquals(3, decode("anim.png", apng).frames());
        assertEquals(1, decode("still.png", png).frames());
        assertEquals(1, decode("still.jpg", TestImages.encode(TestImages.quadrants(16, 16), "jpeg")).frames());
    }

    @Test
    void exifCameraDateAndGpsPresenceButNoPosition() {
        byte[] jpeg = GeotaggedJpeg.of(TestImages.encode(TestImages.quadrants(32, 24), "jpeg"));
        ImageMetadata m = decode("geo.jpg", jpeg).metadata();
        assertEquals("PhoneMaker " + GeotaggedJpeg.MARKER, m.cameraMake());
        assertNull(m.cameraModel(), "the fixture has no Model tag");
        assertEquals("2024:05:01 12:34:56", m.taken(), "DateTimeOriginal of the Exif IFD");
        assertTrue(m.gps());
        assertFalse(m.toString().contains("52"), "no coordinate is kept: " + m);

        ImageMetadata plain = decode("plain.jpg", TestImages.encode(TestImages.quadrants(32, 24), "jpeg")).metadata();
        assertFalse(plain.gps());
        assertNull(plain.cameraMake());
        assertNull(plain.taken());
    }

    @ParameterizedTest
    @ValueSource(ints = {50, 75, 90})
    void jpegQualityIsEstimatedFromTheTables(int quality) {
        byte[] jpeg = TestImages.jpeg(TestImages.quadrants(64, 48), quality / 100f);
        Integer estimate = decode("q" + quality + ".jpg", jpeg).metadata().jpegQuality();
        assertTrue(estimate != null && Math.abs(estimate - quality) <= 3, "estimated " + estimate + " for " + quality);
        assertNull(decode("q.png", TestImages.encode(TestImages.quadrants(8, 8), "png")).metadata().jpegQuality());
    }

    @Test
    void iccProfileNameFromPngAndJpeg() {
        byte[] png = TestImages.encode(TestImages.quadrants(16, 16), "png");
        byte[] linear = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
        assertEquals("linear sRGB", decode("icc.png", TestImages.withIccp(png, "ICC Profile", linear)).metadata().iccProfile(),
                "the profile's own description, not the chunk's generic name");
        assertNull(decode("no-icc.png", png).metadata().iccProfile());
        // A camera/phone JPEG with an APP2 ICC profile.
        assertEquals("sRGB IEC61966-2.1", DECODER.decode(TestImages.photo("pets.jpg")).info().metadata().iccProfile());
    }

    @Test
    void iccNamesReadV2AndV4Descriptions() {
        assertEquals("sRGB built-in", IccNames.describe(ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData()));
        // ICC v4: the description is a multi-localised Unicode ('mluc') tag.
        byte[] text = "Display P3".getBytes(StandardCharsets.UTF_16BE);
        ByteBuffer v4 = ByteBuffer.allocate(144 + 28 + text.length);
        v4.putInt(128, 1).putInt(132, 0x64657363).putInt(136, 144).putInt(140, 28 + text.length);
        v4.position(144);
        v4.putInt(0x6D6C7563).putInt(0).putInt(1).putInt(12).put("enUS".getBytes(StandardCharsets.US_ASCII))
                .putInt(text.length).putInt(28).put(text);
        assertEquals("Display P3", IccNames.describe(v4.array()));
        assertNull(IccNames.describe(new byte[100]), "too short for a header");
        assertNull(IccNames.describe(new byte[200]), "no tags");
    }

    /** {@code simple} (a lossy "RIFF WEBP VP8 " file) as the extended format with EXIF and ICC chunks. */
    static byte[] webpWith(byte[] simple, int w, int h, byte[] exif, byte[] icc) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("WEBP".getBytes(StandardCharsets.US_ASCII));
        byte[] vp8x = new byte[10];
        vp8x[0] = (byte) ((icc != null ? 0x20 : 0) | (exif != null ? 0x08 : 0));
        int cw = w - 1;
        int ch = h - 1;
        vp8x[4] = (byte) cw;
        vp8x[5] = (byte) (cw >> 8);
        vp8x[6] = (byte) (cw >> 16);
        vp8x[7] = (byte) ch;
        vp8x[8] = (byte) (ch >> 8);
        vp8x[9] = (byte) (ch >> 16);
        chunk(body, "VP8X", vp8x);
        if (icc != null) {
            chunk(body, "ICCP", icc);
        }
        body.write(simple, 12, simple.length - 12); // the VP8 chunk as it was
        if (exif != null) {
            chunk(body, "EXIF", exif);
        }
        byte[] b = body.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        out.writeBytes(b);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String id, byte[] data) {
        out.writeBytes(id.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(data.length).array());
        out.writeBytes(data);
        if ((data.length & 1) == 1) {
            out.write(0);
        }
    }

    @Test
    void webpKeepsItsExifAndIccProfileBesideThePixels() {
        BufferedImage image = TestImages.quadrants(40, 30);
        byte[] simple = FormatEncoder.encode(CompressedFormat.WEBP, image, 80);
        byte[] icc = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
        ImageInfo info = decode("geo.webp", webpWith(simple, 40, 30, GeotaggedJpeg.tiff(), icc));
        assertEquals(40, info.width());
        ImageMetadata m = info.metadata();
        assertEquals("PhoneMaker " + GeotaggedJpeg.MARKER, m.cameraMake());
        assertEquals("2024:05:01 12:34:56", m.taken());
        assertTrue(m.gps(), "a GPS position is reported as present");
        assertTrue(m.iccProfile() != null && m.iccProfile().contains("sRGB"), String.valueOf(m.iccProfile()));
        // JPEG's "Exif\0\0" in front of the TIFF structure, as some writers keep it
        byte[] prefixed = new byte[6 + GeotaggedJpeg.tiff().length];
        System.arraycopy("Exif\0\0".getBytes(StandardCharsets.US_ASCII), 0, prefixed, 0, 6);
        System.arraycopy(GeotaggedJpeg.tiff(), 0, prefixed, 6, GeotaggedJpeg.tiff().length);
        assertEquals("PhoneMaker " + GeotaggedJpeg.MARKER,
                decode("prefixed.webp", webpWith(simple, 40, 30, prefixed, null)).metadata().cameraMake());
        ImageMetadata plain = decode("plain.webp", simple).metadata();
        assertEquals(ImageMetadata.NONE, plain);
    }

    @Test
    void aTiffsOwnFirstDirectoryIsItsExif() throws Exception {
        // the EXIF payload is itself a TIFF structure: IFD0 with Make, the Exif and the GPS sub-IFDs
        Path tiff = TestImages.write(tmp, "geo.tif", GeotaggedJpeg.tiff());
        ImageMetadata m = ContainerMetadata.tiff(tiff);
        assertEquals("PhoneMaker " + GeotaggedJpeg.MARKER, m.cameraMake());
        assertEquals("2024:05:01 12:34:56", m.taken());
        assertTrue(m.gps());
        // a TIFF written by ImageIO has none of it
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        ImageIO.write(TestImages.quadrants(16, 16), "tiff", plain);
        ImageInfo info = decode("plain.tif", plain.toByteArray());
        assertEquals(16, info.width());
        assertEquals(null, info.metadata().cameraMake());
        assertTrue(!info.metadata().gps());
    }
}
