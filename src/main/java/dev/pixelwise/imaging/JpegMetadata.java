package dev.pixelwise.imaging;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGQuality;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;

import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * EXIF (camera, time taken, whether there is a GPS position), the ICC profile's name and the quality
 * estimate of a JPEG, from its segments before the image data. Runs after {@link JpegMarkers} has
 * walked the file, so the number of segments is bounded. Anything unreadable is left out: metadata
 * must never fail an upload.
 */
final class JpegMetadata {

    private static final int TAG_DATE_TIME_ORIGINAL = 0x9003;
    private static final int TAG_GPS_LATITUDE = 0x0002;
    private static final int TAG_GPS_LONGITUDE = 0x0004;
    private static final String ICC_PROFILE = "ICC_PROFILE";

    private JpegMetadata() {
    }

    static ImageMetadata read(Path jpeg) {
        List<JPEGSegment> segments;
        try (ImageInputStream in = ImageIO.createImageInputStream(jpeg.toFile())) {
            segments = JPEGSegmentUtil.readSegments(in, Map.of(JPEG.APP1, List.of("Exif"), JPEG.APP2, List.of(ICC_PROFILE),
                    JPEG.DQT, JPEGSegmentUtil.ALL_IDS));
        } catch (IOException | RuntimeException e) {
            return ImageMetadata.NONE;
        }
        return describe(exif(segments), icc(segments), quality(segments));
    }

    /**
     * What an EXIF directory (TIFF-structured: IFD0 with its Exif and GPS sub-IFDs) says: camera, time
     * taken, whether there is a GPS position; with the ICC profile's bytes and a quality estimate when
     * the container has them. Shared by every format that carries EXIF (JPEG, WebP, TIFF).
     */
    static ImageMetadata describe(Directory exif, byte[] icc, Integer quality) {
        String make = text(exif, TIFF.TAG_MAKE);
        String model = text(exif, TIFF.TAG_MODEL);
        Directory exifIfd = subDirectory(exif, TIFF.TAG_EXIF_IFD);
        String taken = text(exifIfd, TAG_DATE_TIME_ORIGINAL);
        if (taken == null) {
            taken = text(exif, TIFF.TAG_DATE_TIME);
        }
        Directory gpsIfd = subDirectory(exif, TIFF.TAG_GPS_IFD);
        boolean gps = gpsIfd != null
                && (gpsIfd.getEntryById(TAG_GPS_LATITUDE) != null || gpsIfd.getEntryById(TAG_GPS_LONGITUDE) != null);
        return new ImageMetadata(make, model, taken, gps, IccNames.describe(icc), quality);
    }

    private static Directory exif(List<JPEGSegment> segments) {
        for (JPEGSegment s : segments) {
            if (s.marker() != JPEG.APP1) {
                continue;
            }
            try (InputStream data = s.data()) {
                byte[] bytes = data.readAllBytes();
                int skip = bytes.length > 0 && bytes[0] == 0 ? 1 : 0; // the pad byte after "Exif\0"
                return exif(bytes, skip);
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
        return null;
    }

    /** A TIFF-structured EXIF payload starting at {@code offset}; null when unreadable. */
    static Directory exif(byte[] bytes, int offset) {
        try {
            return new TIFFReader().read(new MemoryCacheImageInputStream(
                    new ByteArrayInputStream(bytes, offset, bytes.length - offset)));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Directory subDirectory(Directory dir, int tag) {
        Entry e = dir == null ? null : dir.getEntryById(tag);
        return e != null && e.getValue() instanceof Directory d ? d : null;
    }

    /** An ASCII tag's value, trimmed and without control characters; null when absent or empty. */
    private static String text(Directory dir, int tag) {
        Entry e = dir == null ? null : dir.getEntryById(tag);
        if (e == null || !(e.getValue() instanceof String s)) {
            return null;
        }
        String clean = s.replaceAll("\\p{Cntrl}", "").strip();
        return clean.isEmpty() ? null : clean.substring(0, Math.min(clean.length(), 128));
    }

    /** The ICC profile, reassembled from its APP2 chunks in their sequence order. */
    private static byte[] icc(List<JPEGSegment> segments) {
        List<byte[]> chunks = segments.stream().filter(s -> s.marker() == JPEG.APP2).map(s -> {
            try (InputStream data = s.data()) {
                return data.readAllBytes(); // sequence number, count, then the chunk
            } catch (IOException e) {
                return new byte[0];
            }
        }).filter(b -> b.length > 2).sorted(Comparator.comparingInt(b -> b[0] & 0xFF)).toList();
        if (chunks.isEmpty()) {
            return null;
        }
        ByteArrayOutputStream profile = new ByteArrayOutputStream();
        chunks.forEach(b -> profile.write(b, 2, b.length - 2));
        return profile.toByteArray();
    }

    /** TwelveMonkeys' estimate (ImageMagick's, from the quantisation tables), as the IJG 1..100 scale. */
    private static Integer quality(List<JPEGSegment> segments) {
        List<JPEGSegment> tables = segments.stream().filter(s -> s.marker() == JPEG.DQT).toList();
        if (tables.isEmpty()) {
            return null;
        }
        try {
            float q = JPEGQuality.getJPEGQuality(tables);
            return q > 0 ? Math.round(q * 100) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
