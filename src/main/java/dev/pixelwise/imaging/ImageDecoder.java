package dev.pixelwise.imaging;

import dev.pixelwise.problem.AppException;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.annotation.PreDestroy;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one image decoder of the app. Order matters: sniff the magic bytes, read the header's
 * dimensions and refuse what is over the pixel limit, check the file is complete, and only then
 * decode pixels, under a watchdog that aborts a decode running past its time limit.
 */
@ApplicationScoped
@Startup // scans ImageIO plugins at boot, not on the first upload
public class ImageDecoder {

    private final ImageLimits limits;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "decode-watchdog");
        t.setDaemon(true);
        return t;
    });

    public ImageDecoder(ImageLimits limits) {
        this.limits = limits;
        ImageIO.setUseCache(false); // no temp files per stream
        ImageIO.scanForPlugins();  // register TwelveMonkeys under the application class loader
    }

    @PreDestroy
    void close() {
        watchdog.shutdownNow();
    }

    /** Format and stored dimensions, with every check that needs no pixel decoding. */
    public ImageHeader probe(Path file) {
        ImageFormat format = sniff(file);
        ImageHeader header;
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            ImageReader reader = readerFor(format);
            try {
                reader.setInput(in, false, true);
                header = new ImageHeader(format, reader.getWidth(0), reader.getHeight(0));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new AppException.UnprocessableImage("The " + format + " header cannot be read: " + reason(e), e);
        }
        checkDimensions(header);
        checkComplete(format, file);
        return header;
    }

    /** An upright sRGB image, or a 415/422 {@link AppException} that says why not. */
    public DecodedImage decode(Path file) {
        ImageHeader header = probe(file);
        int orientation = header.format() == ImageFormat.JPEG ? ExifOrientation.read(file) : 1;
        List<String> warnings = new ArrayList<>();
        AtomicBoolean timedOut = new AtomicBoolean();
        BufferedImage raw;
        String colorModel;
        int bitDepth;
        java.awt.color.ICC_Profile pngProfile;
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            ImageReader reader = readerFor(header.format());
            ScheduledFuture<?> abort = watchdog.schedule(() -> {
                timedOut.set(true);
                reader.abort();
            }, limits.decodeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            try {
                // PNG metadata is read for its iCCP chunk, which the JDK reader otherwise ignores.
                reader.setInput(in, false, header.format() != ImageFormat.PNG);
                reader.addIIOReadWarningListener((IIOReadWarningListener) (source, warning) -> warnings.add(warning));
                raw = reader.read(0);
                pngProfile = header.format() == ImageFormat.PNG ? PngIcc.profile(reader.getImageMetadata(0)) : null;
                var rawType = reader.getRawImageType(0);
                var model = rawType != null ? rawType.getColorModel() : raw.getColorModel();
                colorModel = PixelConversion.describe(model);
                bitDepth = PixelConversion.bitDepth(model);
            } finally {
                abort.cancel(false);
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (timedOut.get()) {
                throw tooSlow();
            }
            throw new AppException.UnprocessableImage("The " + header.format() + " data cannot be decoded: " + reason(e), e);
        } catch (OutOfMemoryError e) {
            throw new AppException.UnprocessableImage("The image needs more memory to decode than this server has free", e);
        }
        if (timedOut.get() || raw == null) {
            throw tooSlow();
        }
        for (String w : warnings) {
            if (looksCorrupt(w)) {
                throw new AppException.UnprocessableImage("The " + header.format() + " data is truncated or corrupt: " + w);
            }
        }
        boolean hasAlpha = raw.getColorModel().hasAlpha();
        PixelConversion.Result srgb = PixelConversion.toIntSrgb(raw);
        if (pngProfile != null && raw.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_RGB) {
            srgb = new PixelConversion.Result(PixelConversion.fromProfile(srgb.image(), pngProfile), true);
        }
        BufferedImage upright = ExifOrientation.apply(srgb.image(), orientation);
        ImageInfo info = new ImageInfo(header.format(), upright.getWidth(), upright.getHeight(), colorModel, bitDepth,
                hasAlpha, orientation, srgb.iccConverted());
        return new DecodedImage(upright, info);
    }

    private AppException tooSlow() {
        return new AppException.UnprocessableImage("Decoding took longer than the limit of "
                + limits.decodeTimeout().toMillis() + " ms");
    }

    private ImageFormat sniff(Path file) {
        byte[] head = new byte[ImageFormat.SNIFF_BYTES];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new AppException.UnprocessableImage("The upload could not be read", e);
        }
        if (n == 0) {
            throw new AppException.UnsupportedFormat("The upload is empty");
        }
        byte[] got = n == head.length ? head : java.util.Arrays.copyOf(head, n);
        return ImageFormat.sniff(got).orElseThrow(() -> new AppException.UnsupportedFormat(
                "The content is not PNG, JPEG, GIF, BMP, WebP or TIFF (whatever its name or type says)"));
    }

    private void checkDimensions(ImageHeader header) {
        if (header.width() <= 0 || header.height() <= 0) {
            throw new AppException.UnprocessableImage("The header claims an empty image (" + header.width() + "×" + header.height() + ")");
        }
        if (header.pixels() > limits.maxPixels()) {
            throw new AppException.UnprocessableImage(String.format(Locale.ROOT,
                    "The image is %d×%d = %.1f megapixels, over the limit of %.1f megapixels",
                    header.width(), header.height(), header.pixels() / 1e6, limits.maxPixels() / 1e6));
        }
    }

    /**
     * Cheap structural checks that catch truncated or damaged files before we pay for decoding:
     * every PNG chunk's CRC (the JDK reader does not verify them), and a JPEG end-of-image marker.
     */
    private static void checkComplete(ImageFormat format, Path file) {
        if (format == ImageFormat.PNG) {
            PngChunks.verify(file);
        } else if (format == ImageFormat.JPEG) {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                long length = raf.length();
                int tail = (int) Math.min(length, 64 * 1024);
                byte[] bytes = new byte[tail];
                raf.seek(length - tail);
                raf.readFully(bytes);
                if (!containsEndOfImage(bytes)) {
                    throw new AppException.UnprocessableImage("The JPEG file is truncated (no end-of-image marker)");
                }
            } catch (IOException e) {
                throw new AppException.UnprocessableImage("The upload could not be read", e);
            }
        }
    }

    private static boolean containsEndOfImage(byte[] bytes) {
        for (int i = bytes.length - 2; i >= 0; i--) {
            if (bytes[i] == (byte) 0xFF && bytes[i + 1] == (byte) 0xD9) {
                return true;
            }
        }
        return false;
    }

    private static ImageReader readerFor(ImageFormat format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.readerName());
        ImageReader first = null;
        while (readers.hasNext()) {
            ImageReader r = readers.next();
            // Prefer TwelveMonkeys where it and the JDK both offer a reader (CMYK JPEG, ICC, EXIF).
            if (r.getClass().getName().startsWith("com.twelvemonkeys")) {
                if (first != null) {
                    first.dispose();
                }
                return r;
            }
            if (first == null) {
                first = r;
            } else {
                r.dispose();
            }
        }
        if (first == null) {
            throw new AppException.UnsupportedFormat("No reader is installed for " + format);
        }
        return first;
    }

    private static boolean looksCorrupt(String warning) {
        String w = warning.toLowerCase(Locale.ROOT);
        return w.contains("premature") || w.contains("truncat") || w.contains("corrupt") || w.contains("end of")
                || w.contains("eof");
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
