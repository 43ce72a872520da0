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
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
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
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.util.Arrays;

/**
 * The one image decoder of the app. Order matters: sniff the magic bytes, walk the file's structure
 * (complete, no loops, no floods of chunks or segments), read the header's dimensions and refuse
 * what is over the pixel limit or more than the stored data can hold, and only then decode pixels,
 * under a watchdog that aborts a decode running past its time limit.
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
        return inspect(file).header();
    }

    /** The header, the PNG iCCP chunk the structural walk kept (the reader skips metadata), and the frames it counted. */
    private record Inspection(ImageHeader header, byte[] pngIccp, int frames) {
    }

    /** What a structural walk learned: the stored data to judge the header by, and the number of frames. */
    private record Walk(StoredData stored, int frames) {
    }

    private Inspection inspect(Path file) {
        ImageFormat format = sniff(file);
        Walk walk = checkStructure(format, file);
        StoredData stored = walk.stored();
        ImageHeader header;
        try (ImageInputStream in = open(file)) {
            ImageReader reader = readerFor(format);
            try {
                reader.setInput(in, false, true);
                header = new ImageHeader(format, reader.getWidth(0), reader.getHeight(0));
            } finally {
                reader.dispose();
            }
        } catch (EOFException e) {
            throw truncated(format, e);
        } catch (IOException | RuntimeException e) {
            throw new AppException.UnprocessableImage("The " + format + " header cannot be read: " + reason(e), e);
        }
        checkDimensions(header);
        stored.requireFor(header);
        return new Inspection(header, stored instanceof PngChunks.Layout png ? png.iccp() : null, walk.frames());
    }

    /** An upright sRGB image, or a 415/422 {@link AppException} that says why not. */
    public DecodedImage decode(Path file) {
        Inspection inspection = inspect(file);
        ImageHeader header = inspection.header();
        int orientation = header.format() == ImageFormat.JPEG ? ExifOrientation.read(file) : 1;
        List<String> warnings = new ArrayList<>();
        AtomicBoolean timedOut = new AtomicBoolean();
        BufferedImage raw;
        String colorModel;
        int bitDepth;
        ICC_Profile pngProfile;
        try (GuardedImageInputStream in = open(file)) {
            ImageReader reader = readerFor(header.format());
            ScheduledFuture<?> abort = watchdog.schedule(() -> {
                timedOut.set(true);
                reader.abort();
                in.stop(); // for readers that never look at abort()
            }, limits.decodeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            try {
                // Metadata is never read: the JDK's PNG reader inflates compressed text without a limit.
                reader.setInput(in, false, true);
                reader.addIIOReadWarningListener((IIOReadWarningListener) (source, warning) -> warnings.add(warning));
                raw = reader.read(0);
                pngProfile = PngIcc.profile(inspection.pngIccp());
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
            if (e instanceof EOFException) {
                throw truncated(header.format(), e);
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
        if (pngProfile != null && raw.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_RGB) {
            srgb = new PixelConversion.Result(PixelConversion.fromProfile(srgb.image(), pngProfile), true);
        }
        BufferedImage upright = ExifOrientation.apply(srgb.image(), orientation);
        ImageInfo info = new ImageInfo(header.format(), upright.getWidth(), upright.getHeight(), colorModel, bitDepth,
                hasAlpha, orientation, srgb.iccConverted(), inspection.frames(), metadata(header.format(), file, inspection));
        return new DecodedImage(upright, info);
    }

    /** EXIF, ICC name and quality estimate where the format keeps them (JPEG, WebP, TIFF; PNG's ICC name). */
    private static ImageMetadata metadata(ImageFormat format, Path file, Inspection inspection) {
        return switch (format) {
            case JPEG -> JpegMetadata.read(file);
            case WEBP -> ContainerMetadata.webp(file);
            case TIFF -> ContainerMetadata.tiff(file);
            case PNG -> ImageMetadata.NONE.withIccProfile(PngIcc.name(inspection.pngIccp()));
            default -> ImageMetadata.NONE;
        };
    }

    private static GuardedImageInputStream open(Path file) throws IOException {
        ImageInputStream in = ImageIO.createImageInputStream(file.toFile());
        if (in == null) {
            throw new IOException("no image input stream for " + file);
        }
        return new GuardedImageInputStream(in);
    }

    private static AppException truncated(ImageFormat format, Exception e) {
        return new AppException.UnprocessableImage("The " + format + " file is truncated: its data ends too soon", e);
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
        byte[] got = n == head.length ? head : Arrays.copyOf(head, n);
        return ImageFormat.sniff(got).orElseThrow(() -> new AppException.UnsupportedFormat(
                "The content is not PNG, JPEG, GIF, BMP, WebP or TIFF (whatever its name or type says)"));
    }

    private void checkDimensions(ImageHeader header) {
        if (header.width() <= 0 || header.height() <= 0) {
            // A negative size is an unsigned one past 2^31 (TIFF's LONG fields): absurd either way.
            String what = header.width() < 0 || header.height() < 0 ? "an impossible size" : "an empty image";
            throw new AppException.UnprocessableImage("The header claims " + what + " (" + header.width() + "×" + header.height() + ")");
        }
        if (header.pixels() > limits.maxPixels()) {
            throw new AppException.UnprocessableImage(String.format(Locale.ROOT,
                    "The image is %d×%d = %.1f megapixels, over the limit of %.1f megapixels",
                    header.width(), header.height(), header.pixels() / 1e6, limits.maxPixels() / 1e6));
        }
    }

    /**
     * Cheap structural walks that catch truncated, damaged, looping or flooded files before a
     * reader sees them (readers trust what they are told): see each walker for what it checks.
     */
    private static Walk checkStructure(ImageFormat format, Path file) {
        return switch (format) {
            case PNG -> {
                PngChunks.Layout layout = PngChunks.verify(file);
                yield new Walk(layout, layout.frames());
            }
            case TIFF -> new Walk(TiffDirectories.verify(file), 1); // pages are not frames; the first is read
            case JPEG -> {
                JpegMarkers.verify(file);
                yield new Walk(StoredData.UNJUDGED, 1);
            }
            case GIF -> new Walk(StoredData.UNJUDGED, GifBlocks.verify(file));
            case WEBP -> new Walk(StoredData.UNJUDGED, RiffChunks.verify(file));
            case BMP -> new Walk(StoredData.UNJUDGED, 1); // the reader checks the declared sizes against the header itself
        };
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
