package dev.pixelwise.imaging;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;

import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/** Reads the EXIF orientation tag of a JPEG and turns pixels upright. */
final class ExifOrientation {

    private ExifOrientation() {
    }

    /** EXIF orientation 1..8; 1 when the file has no (readable) tag, since a bad tag must not fail an upload. */
    static int read(Path jpeg) {
        try (ImageInputStream in = ImageIO.createImageInputStream(jpeg.toFile())) {
            List<JPEGSegment> segments = JPEGSegmentUtil.readSegments(in, JPEG.APP1, "Exif");
            if (segments.isEmpty()) {
                return 1;
            }
            InputStream data = segments.get(0).data();
            byte[] bytes = data.readAllBytes();
            int skip = bytes.length > 0 && bytes[0] == 0 ? 1 : 0; // the pad byte after "Exif\0"
            Directory dir = new TIFFReader().read(new MemoryCacheImageInputStream(
                    new ByteArrayInputStream(bytes, skip, bytes.length - skip)));
            Entry entry = dir.getEntryById(TIFF.TAG_ORIENTATION);
            if (entry == null || !(entry.getValue() instanceof Number n)) {
                return 1;
            }
            int value = n.intValue();
            return value >= 1 && value <= 8 ? value : 1;
        } catch (IOException | RuntimeException e) {
            return 1;
        }
    }

    /** Returns the image as it should be shown for the given EXIF orientation. */
    static BufferedImage apply(BufferedImage src, int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return src;
        }
        int w = src.getWidth();
        int h = src.getHeight();
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        BufferedImage dst = new BufferedImage(ow, oh, src.getType());
        int[] in = ImageOps.argb(src);
        int[] out = ((DataBufferInt) dst.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int dx;
                int dy;
                switch (orientation) {
                    case 2 -> { dx = w - 1 - x; dy = y; }          // mirror horizontal
                    case 3 -> { dx = w - 1 - x; dy = h - 1 - y; }  // rotate 180
                    case 4 -> { dx = x; dy = h - 1 - y; }          // mirror vertical
                    case 5 -> { dx = y; dy = x; }                  // transpose
                    case 6 -> { dx = h - 1 - y; dy = x; }          // rotate 90 clockwise
                    case 7 -> { dx = h - 1 - y; dy = w - 1 - x; }  // transverse
                    default -> { dx = y; dy = w - 1 - x; }         // 8: rotate 90 counter-clockwise
                }
                out[dy * ow + dx] = in[y * w + x];
            }
        }
        return dst;
    }
}
