package dev.pixelwise.imaging;

import com.twelvemonkeys.imageio.metadata.CompoundDirectory;
import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;

import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * EXIF and the ICC profile's name for the formats that keep them beside the pixels other than JPEG: WebP
 * (its {@code EXIF} and {@code ICCP} chunks) and TIFF (IFD0 is itself the EXIF structure, with the ICC
 * profile as tag 34675). Runs after the decoder's structure walk has checked the file (RIFF sizes, TIFF
 * directories without loops); anything unreadable is left out, as for JPEG.
 */
final class ContainerMetadata {

    /** A metadata chunk larger than this is not read (EXIF and ICC profiles are kilobytes). */
    static final int MAX_CHUNK = 4 << 20;

    private ContainerMetadata() {
    }

    static ImageMetadata webp(Path file) {
        byte[] exif = null;
        byte[] icc = null;
        try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(raw)) {
            byte[] head = in.readNBytes(12);
            if (head.length < 12 || !new String(head, 0, 4, StandardCharsets.US_ASCII).equals("RIFF")
                    || !new String(head, 8, 4, StandardCharsets.US_ASCII).equals("WEBP")) {
                return ImageMetadata.NONE;
            }
            while (true) {
                byte[] fourcc = in.readNBytes(4);
                if (fourcc.length < 4) {
                    break;
                }
                byte[] size = in.readNBytes(4);
                if (size.length < 4) {
                    break;
                }
                long n = (size[0] & 0xFFL) | (size[1] & 0xFFL) << 8 | (size[2] & 0xFFL) << 16 | (size[3] & 0xFFL) << 24;
                long padded = n + (n & 1);
                String id = new String(fourcc, StandardCharsets.US_ASCII);
                if ((id.equals("EXIF") || id.equals("ICCP")) && n <= MAX_CHUNK) {
                    byte[] data = in.readNBytes((int) n);
                    if (data.length < n) {
                        break;
                    }
                    if (id.equals("EXIF")) {
                        exif = data;
                    } else {
                        icc = data;
                    }
                    in.skipNBytes(padded - n);
                } else {
                    in.skipNBytes(padded);
                }
            }
        } catch (IOException | RuntimeException e) {
            // what was read so far stands
        }
        Directory directory = null;
        if (exif != null) {
            // some writers keep JPEG's "Exif\0\0" in front of the TIFF structure
            int offset = exif.length >= 6 && new String(exif, 0, 4, StandardCharsets.US_ASCII).equals("Exif") ? 6 : 0;
            directory = JpegMetadata.exif(exif, offset);
        }
        return JpegMetadata.describe(directory, icc, null);
    }

    static ImageMetadata tiff(Path file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Directory all = new TIFFReader().read(in);
            Directory ifd0 = all instanceof CompoundDirectory c && c.directoryCount() > 0 ? c.getDirectory(0) : all;
            Entry icc = ifd0 == null ? null : ifd0.getEntryById(TIFF.TAG_ICC_PROFILE);
            return JpegMetadata.describe(ifd0, icc != null && icc.getValue() instanceof byte[] b ? b : null, null);
        } catch (IOException | RuntimeException e) {
            return ImageMetadata.NONE;
        }
    }
}
