package dev.pixelwise.imaging;

import com.luciad.imageio.webp.WebPImageReaderSpi;
import com.luciad.imageio.webp.WebPImageWriterSpi;
import com.luciad.imageio.webp.WebPWrapper;
import com.luciad.imageio.webp.WebPWriteParam;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.plugins.jpeg.JPEGImageWriteParam;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntToLongFunction;
import java.util.stream.Stream;

/**
 * Encodes our own decoded pixels as WebP (libwebp through webp-imageio), JPEG (ImageIO) or AVIF
 * (Debian's avifenc, when installed), and finds the highest quality whose file fits a byte budget.
 * Native encoders only ever see a BufferedImage we built, never the upload's bytes. Thread-safe:
 * every call makes its own writers, readers and temporary files; {@link Encodings} shares the
 * encodes of one image between calls.
 */
public final class FormatEncoder {

    /**
     * libwebp's method (effort 0..6) for lossy WebP: 4, cwebp's default (same bytes as cwebp -q), so
     * the comparison shows what users get from the standard tool. Method 2 encodes 12 MP in about half
     * the time but lands 0.1-0.5 dB below at the same size, which would flatter the palette PNG.
     */
    static final int WEBP_METHOD = 4;
    /**
     * Lossless WebP effort: -m 1 -q 25 is within 0.5-2 % of cwebp -lossless's default (-m 4 -q 75) on
     * palette images, smaller on some, in half the time (12 MP, k = 64: 0.9 s against 2.1 s).
     */
    static final int LOSSLESS_EFFORT = 25;
    static final int LOSSLESS_METHOD = 1;
    /** avifenc speed 0..10: 8 keeps a 12 MP encode to about two seconds on one core. */
    static final int AVIF_SPEED = 8;
    static final Duration TOOL_TIMEOUT = Duration.ofSeconds(120);

    private static final WebPImageWriterSpi WEBP_WRITERS = new WebPImageWriterSpi();
    private static final WebPImageReaderSpi WEBP_READERS = new WebPImageReaderSpi();

    private FormatEncoder() {
    }

    /** A file in {@code format} at {@code quality} (100 for lossless). */
    public record Encoded(CompressedFormat format, int quality, byte[] bytes) {
    }

    /**
     * How {@link #fitting} estimates: it encodes a mosaic of {@code tile}-pixel squares taken on a
     * grid over the image, an eighth of its pixels but no more than {@code maxSamplePixels} nor less
     * than a quarter of that, scales its size by the pixel ratio and calibrates that estimate on
     * every full encode. Images under four such samples are bisected on full encodes. {@code margin}
     * is how far over the budget the next quality must be predicted before it is skipped unencoded;
     * {@code maxFull} bounds the full encodes before falling back to plain bisection.
     */
    record Search(int tile, int maxSamplePixels, double margin, int maxFull) {
        static final Search DEFAULT = new Search(64, 262_144, 0, 4);

        long samplePixels(long pixels) {
            return Math.max(maxSamplePixels / 4, Math.min(maxSamplePixels, pixels / 8));
        }
    }

    /** Encode counts of one {@link #fitting} call, for benchmarks. */
    static final class Trace {
        int full;
        int sample;
        final StringBuilder steps = new StringBuilder();
    }

    public static boolean available(CompressedFormat format) {
        return switch (format) {
            case JPEG -> true;
            case WEBP, WEBP_LOSSLESS -> WebPNative.LOADED;
            case AVIF -> AvifTools.ENCODER != null;
        };
    }

    /**
     * Encodes at {@code quality} 0..100 (ignored for lossless WebP). JPEG composites alpha on white;
     * WebP and AVIF keep it.
     */
    public static byte[] encode(CompressedFormat format, BufferedImage image, int quality) {
        if (quality < 0 || quality > 100) {
            throw new IllegalArgumentException("quality must be 0..100, was " + quality);
        }
        try (Coder coder = coder(format, prepare(format, image))) {
            return coder.encode(quality);
        }
    }

    /**
     * The highest quality whose file is at most {@code maxBytes}, as a real encode of the whole
     * image, or null when even quality 0 is larger. Lossless WebP has one size: it fits or not.
     * Several searches over one image should share one {@link Encodings}.
     */
    public static Encoded fitting(CompressedFormat format, BufferedImage image, long maxBytes) {
        try (Encodings encodings = new Encodings(format, image)) {
            return encodings.fitting(maxBytes);
        }
    }

    static Encoded fitting(CompressedFormat format, BufferedImage image, long maxBytes, Search search, Trace trace) {
        try (Encodings encodings = new Encodings(format, image, search)) {
            return encodings.fitting(maxBytes, trace);
        }
    }

    /**
     * Every encode of one image in one format, each quality encoded once however many searches and
     * callers ask for it: a quantize job asks for the same image at many sizes (a curve, then one
     * budget per palette size), and a full encode of 12 MP costs about a second. Thread-safe; two
     * callers asking for the same quality wait for one encode. Close it to remove temporary files.
     */
    public static final class Encodings implements AutoCloseable {
        private final CompressedFormat format;
        private final BufferedImage prepared;
        private final Search search;
        private final Coder coder;
        private final ComputedOnce<Integer, byte[]> full = new ComputedOnce<>();
        private final Map<Integer, Long> sampleSizes = new ConcurrentHashMap<>();
        private final AtomicInteger fullEncodes = new AtomicInteger();
        private Coder sampleCoder;
        private double sampleScale;

        public Encodings(CompressedFormat format, BufferedImage image) {
            this(format, image, Search.DEFAULT);
        }

        Encodings(CompressedFormat format, BufferedImage image, Search search) {
            this.format = format;
            this.prepared = prepare(format, image);
            this.search = search;
            this.coder = coder(format, prepared);
        }

        public CompressedFormat format() {
            return format;
        }

        /** The whole image at {@code quality}, encoded now or by an earlier call. */
        public byte[] at(int quality) {
            if (quality < 0 || quality > 100) {
                throw new IllegalArgumentException("quality must be 0..100, was " + quality);
            }
            return full.get(format.lossy() ? quality : 100, q -> {
                byte[] bytes = coder.encode(q);
                fullEncodes.incrementAndGet();
                return bytes;
            });
        }

        /** Full encodes made so far, for tests and benchmarks. */
        public int fullEncodes() {
            return fullEncodes.get();
        }

        /** {@link FormatEncoder#fitting}, reusing every encode this instance has made. */
        public Encoded fitting(long maxBytes) {
            return fitting(maxBytes, new Trace());
        }

        Encoded fitting(long maxBytes, Trace trace) {
            if (!format.lossy()) {
                byte[] bytes = at(100);
                trace.full++;
                return bytes.length <= maxBytes ? new Encoded(format, 100, bytes) : null;
            }
            int w = prepared.getWidth();
            int h = prepared.getHeight();
            long pixels = (long) w * h;
            long samplePixels = search.samplePixels(pixels);
            boolean sampled = pixels >= 4 * samplePixels && w >= 2 * search.tile() && h >= 2 * search.tile();
            Ladder fullLadder = new Ladder(this::fullSize, maxBytes);
            Encoded found = sampled
                    ? new QualitySearch(fullLadder, new Ladder(this::sampleSize, maxBytes), sampleScale(samplePixels),
                    maxBytes, search, trace).run(format, known())
                    : bisect(format, fullLadder, trace);
            return found == null ? null : new Encoded(format, found.quality(), at(found.quality()));
        }

        /** Qualities already encoded in full (finished ones only), with their sizes. */
        private Map<Integer, Long> known() {
            Map<Integer, Long> out = new TreeMap<>();
            full.done().forEach((q, bytes) -> out.put(q, (long) bytes.length));
            return out;
        }

        private long fullSize(int quality) {
            return at(quality).length;
        }

        private synchronized double sampleScale(long samplePixels) {
            if (sampleCoder == null) {
                BufferedImage mosaic = mosaic(prepared, search.tile(), (int) samplePixels);
                sampleScale = (double) prepared.getWidth() * prepared.getHeight()
                        / ((double) mosaic.getWidth() * mosaic.getHeight());
                sampleCoder = coder(format, mosaic);
            }
            return sampleScale;
        }

        private long sampleSize(int quality) {
            return sampleSizes.computeIfAbsent(quality, q -> (long) sampleCoder.encode(q).length);
        }

        @Override
        public void close() {
            coder.close();
            synchronized (this) {
                if (sampleCoder != null) {
                    sampleCoder.close();
                }
            }
        }
    }

    /** Pixels back from a file this class wrote: libwebp for WebP, ImageIO for JPEG, avifdec for AVIF. */
    public static BufferedImage decode(CompressedFormat format, byte[] bytes) {
        try {
            BufferedImage image = switch (format) {
                case WEBP, WEBP_LOSSLESS -> read(WEBP_READERS.createReaderInstance(null), bytes);
                case JPEG -> read(jpegReader(), bytes);
                case AVIF -> decodeAvif(bytes);
            };
            return intPixels(image);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not decode " + format.id(), e);
        }
    }

    // --- the matched-size search ---------------------------------------------------------------

    /** Sizes by quality from one source; counts the sizes this search asked for that it had not seen. */
    private static final class Ladder {
        private final IntToLongFunction source;
        private final long maxBytes;
        private final long[] sizes = new long[101];
        int encodes;

        Ladder(IntToLongFunction source, long maxBytes) {
            this.source = source;
            this.maxBytes = maxBytes;
            Arrays.fill(sizes, -1);
        }

        long size(int quality) {
            if (sizes[quality] < 0) {
                sizes[quality] = source.applyAsLong(quality);
                encodes++;
            }
            return sizes[quality];
        }

        /** A size already known (from an earlier search over the same image): it costs nothing. */
        void known(int quality, long size) {
            sizes[quality] = size;
        }
    }

    /** Plain bisection on full encodes, for images no bigger than two samples: about 7 encodes. */
    private static Encoded bisect(CompressedFormat format, Ladder full, Trace trace) {
        int lo = -1; // fits (or -1)
        int hi = 101; // too big (or past the end)
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (full.size(mid) <= full.maxBytes) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        trace.full += full.encodes;
        return lo < 0 ? null : new Encoded(format, lo, null);
    }

    /**
     * Brackets the answer between {@code lo} (highest quality known to fit) and {@code hi} (lowest
     * known not to), assuming size grows with quality. Guesses come from the sample's sizes times
     * the full/sample size ratio, measured at every full encode and interpolated (log-linear in
     * quality) between the nearest two: it drifts a few percent over the whole quality range. Stops
     * when the bracket is tight, or when the next quality up is predicted over the budget by more
     * than the margin.
     */
    private static final class QualitySearch {
        private final Ladder full;
        private final Ladder sample;
        private final double scale;
        private final long maxBytes;
        private final Search search;
        private final Trace trace;
        /** log(full / sample) by quality, for each quality encoded in full. */
        private final TreeMap<Integer, Double> calibration = new TreeMap<>();

        QualitySearch(Ladder full, Ladder sample, double scale, long maxBytes, Search search, Trace trace) {
            this.full = full;
            this.sample = sample;
            this.scale = scale;
            this.maxBytes = maxBytes;
            this.search = search;
            this.trace = trace;
        }

        /** @param known sizes of full encodes made earlier: they bracket and calibrate the search for free */
        Encoded run(CompressedFormat format, Map<Integer, Long> known) {
            int lo = -1;
            int hi = 101;
            for (Map.Entry<Integer, Long> e : known.entrySet()) {
                int quality = e.getKey();
                full.known(quality, e.getValue());
                if (e.getValue() <= maxBytes) {
                    lo = Math.max(lo, quality);
                } else {
                    hi = Math.min(hi, quality);
                }
                calibration.put(quality, Math.log(e.getValue() / (double) sample.size(quality)));
            }
            if (lo >= hi) {
                lo = -1; // size not monotonic in quality here: search from scratch
                hi = 101;
            }
            if (hi == lo + 1) {
                trace.sample += sample.encodes;
                return lo < 0 ? null : new Encoded(format, lo, null);
            }
            int q = Math.max(lo + 1, predict(lo, hi));
            while (true) {
                double guess = estimate(q);
                long size = full.size(q);
                trace.steps.append(String.format(Locale.ROOT, " q%d est %.0f got %d (%+.1f%%)", q, guess, size, 100 * (size / guess - 1)));
                if (size <= maxBytes) {
                    lo = q;
                } else {
                    hi = q;
                }
                if (hi == lo + 1) {
                    break;
                }
                calibration.put(q, Math.log(size / (double) sample.size(q)));
                int next;
                if (full.encodes >= search.maxFull()) {
                    if (lo >= 0) {
                        break;
                    }
                    next = Math.floorDiv(lo + hi, 2); // no fit yet: plain bisection finds one or proves none
                } else {
                    next = predict(lo, hi);
                    if (next == lo) {
                        if (lo >= 0 && estimate(lo + 1) > maxBytes * (1 + search.margin())) {
                            break; // clearly over: skip proving it
                        }
                        next = lo + 1;
                    }
                }
                q = next;
            }
            trace.full += full.encodes;
            trace.sample += sample.encodes;
            return lo < 0 ? null : new Encoded(format, lo, null);
        }

        private double estimate(int quality) {
            return sample.size(quality) * Math.exp(logRatio(quality));
        }

        private double logRatio(int quality) {
            if (calibration.isEmpty()) {
                return Math.log(scale);
            }
            if (calibration.size() == 1) {
                return calibration.firstEntry().getValue();
            }
            // the two calibrated qualities nearest this one, interpolated (or extrapolated) between
            List<Map.Entry<Integer, Double>> nearest = new ArrayList<>(calibration.entrySet());
            nearest.sort(Comparator.comparingInt(c -> Math.abs(c.getKey() - quality)));
            Map.Entry<Integer, Double> a = nearest.get(0);
            Map.Entry<Integer, Double> b = nearest.get(1);
            return a.getValue() + (b.getValue() - a.getValue()) * (quality - a.getKey()) / (b.getKey() - a.getKey());
        }

        /** Highest quality in (lo, hi) whose estimate fits, or lo when none does. */
        private int predict(int lo, int hi) {
            int a = lo;
            int b = hi;
            while (b - a > 1) {
                int mid = (a + b) >>> 1;
                if (estimate(mid) <= maxBytes) {
                    a = mid;
                } else {
                    b = mid;
                }
            }
            return a;
        }
    }

    /**
     * Squares of {@code tile} pixels (a multiple of 16: whole macroblocks and MCUs) centred on a
     * grid over the image and packed side by side in their order, about {@code samplePixels} in all.
     */
    static BufferedImage mosaic(BufferedImage image, int tile, int samplePixels) {
        int w = image.getWidth();
        int h = image.getHeight();
        int tiles = Math.max(1, samplePixels / (tile * tile));
        int cols = (int) Math.max(1, Math.min(w / tile, Math.round(Math.sqrt(tiles * (double) w / h))));
        int rows = Math.max(1, Math.min(h / tile, tiles / cols));
        BufferedImage out = new BufferedImage(cols * tile, rows * tile, image.getType());
        int[] buffer = new int[tile * tile];
        for (int r = 0; r < rows; r++) {
            int sy = aligned((int) ((r + 0.5) * h / rows) - tile / 2, h - tile);
            for (int c = 0; c < cols; c++) {
                int sx = aligned((int) ((c + 0.5) * w / cols) - tile / 2, w - tile);
                image.getRGB(sx, sy, tile, tile, buffer, 0, tile);
                out.setRGB(c * tile, r * tile, tile, tile, buffer, 0, tile);
            }
        }
        return out;
    }

    /**
     * Clamped to [0, max] and rounded down to a multiple of 16, so the tile keeps the image's block
     * grid: a decoded JPEG re-encoded on its own 8×8 grid compresses unlike the same pixels shifted.
     */
    private static int aligned(int v, int max) {
        int clamped = Math.max(0, Math.min(max, v));
        return clamped & ~15;
    }

    // --- encoders -------------------------------------------------------------------------------

    private interface Coder extends AutoCloseable {
        byte[] encode(int quality);

        @Override
        default void close() {
        }
    }

    private static Coder coder(CompressedFormat format, BufferedImage prepared) {
        return switch (format) {
            case WEBP -> q -> webp(prepared, q, false);
            case WEBP_LOSSLESS -> q -> webp(prepared, q, true);
            case JPEG -> q -> jpeg(prepared, q);
            case AVIF -> new AvifCoder(prepared);
        };
    }

    /** TYPE_INT_RGB or TYPE_INT_ARGB as the writers take them; JPEG gets alpha composited on white. */
    private static BufferedImage prepare(CompressedFormat format, BufferedImage image) {
        if (format == CompressedFormat.JPEG && image.getColorModel().hasAlpha()) {
            return onWhite(image);
        }
        return intPixels(image);
    }

    private static BufferedImage intPixels(BufferedImage image) {
        int type = image.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
        if (image.getType() == type) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage out = new BufferedImage(w, h, type);
        int[] px = ImageOps.argb(image);
        System.arraycopy(px, 0, ((DataBufferInt) out.getRaster().getDataBuffer()).getData(), 0, px.length);
        return out;
    }

    /** Alpha composited over white, as browsers show a JPEG of a transparent image next to the original. */
    static BufferedImage onWhite(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] px = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        System.arraycopy(ImageOps.argb(image), 0, px, 0, w * h);
        for (int i = 0; i < px.length; i++) {
            int p = px[i];
            int a = p >>> 24;
            if (a != 255) {
                int white = 255 * (255 - a);
                int r = ((p >> 16 & 0xFF) * a + white + 127) / 255;
                int g = ((p >> 8 & 0xFF) * a + white + 127) / 255;
                int b = ((p & 0xFF) * a + white + 127) / 255;
                p = r << 16 | g << 8 | b;
            }
            px[i] = p & 0xFFFFFF;
        }
        return out;
    }

    private static byte[] webp(BufferedImage image, int quality, boolean lossless) {
        ImageWriter writer = WEBP_WRITERS.createWriterInstance(null);
        WebPWriteParam param = (WebPWriteParam) writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionType(lossless ? "Lossless" : "Lossy");
        if (lossless) {
            param.setCompressionQuality(LOSSLESS_EFFORT / 100f);
            param.setMethod(LOSSLESS_METHOD);
            param.setExact(true); // keep the colour of transparent pixels: a pixel-exact round trip
        } else {
            param.setCompressionQuality(quality / 100f);
            param.setMethod(WEBP_METHOD);
        }
        return write(writer, image, param);
    }

    private static byte[] jpeg(BufferedImage image, int quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality / 100f);
        if (param instanceof JPEGImageWriteParam jpeg) {
            jpeg.setOptimizeHuffmanTables(true); // as cjpeg -optimize: 2-7 % smaller, same pixels
        }
        return write(writer, image, param);
    }

    private static byte[] write(ImageWriter writer, BufferedImage image, ImageWriteParam param) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not encode " + writer.getOriginatingProvider().getFormatNames()[0], e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static ImageReader jpegReader() {
        ImageReader first = null;
        for (Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName("jpeg"); it.hasNext(); ) {
            ImageReader r = it.next();
            if (first == null || r.getClass().getName().startsWith("com.twelvemonkeys")) {
                first = r; // the reader ImageDecoder prefers
            }
        }
        if (first == null) {
            throw new IllegalStateException("No JPEG reader is installed");
        }
        return first;
    }

    private static BufferedImage read(ImageReader reader, byte[] bytes) throws IOException {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            return reader.read(0);
        } finally {
            reader.dispose();
        }
    }

    /** Loads libwebp once; false where webp-imageio ships no library for this platform. */
    private static final class WebPNative {
        static final boolean LOADED = load();

        private static boolean load() {
            try {
                WebPWrapper.loadNativeLibrary();
                return true;
            } catch (LinkageError | RuntimeException e) {
                return false;
            }
        }
    }

    // --- AVIF through avifenc / avifdec ---------------------------------------------------------

    /** The Debian tools, looked up on PATH once. */
    private static final class AvifTools {
        static final Path ENCODER = onPath("avifenc");
        static final Path DECODER = onPath("avifdec");

        private static Path onPath(String name) {
            String path = System.getenv("PATH");
            if (path == null) {
                return null;
            }
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    Path candidate = Path.of(dir, name);
                    if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                        return candidate;
                    }
                }
            }
            return null;
        }
    }

    /** Writes the pixels once as an uncompressed PNG in a private temporary folder, encodes from it per quality. */
    private static final class AvifCoder implements Coder {
        private final Path dir;
        private final Path png;

        AvifCoder(BufferedImage image) {
            if (AvifTools.ENCODER == null) {
                throw new IllegalStateException("avifenc is not installed: AVIF is unavailable");
            }
            try {
                dir = Files.createTempDirectory("pixelwise-avif");
                png = dir.resolve("in.png");
                writeFastPng(image, png);
            } catch (IOException e) {
                close();
                throw new UncheckedIOException("Could not prepare the AVIF input", e);
            }
        }

        @Override
        public byte[] encode(int quality) {
            // libavif 1.x maps -q like this; 0.11 only knows the quantizer range, so pass it as min = max.
            int quantizer = ((100 - quality) * 63 + 50) / 100;
            Path out = dir.resolve("q" + quality + ".avif");
            try {
                run(List.of(AvifTools.ENCODER.toString(), "--speed", String.valueOf(AVIF_SPEED), "--jobs", "1",
                        "--yuv", "420", "--min", String.valueOf(quantizer), "--max", String.valueOf(quantizer),
                        "--ignore-icc", png.toString(), out.toString()), dir);
                return Files.readAllBytes(out);
            } catch (IOException e) {
                throw new UncheckedIOException("avifenc failed", e);
            } finally {
                deleteQuietly(out);
            }
        }

        @Override
        public void close() {
            deleteTree(dir);
        }
    }

    private static BufferedImage decodeAvif(byte[] bytes) throws IOException {
        if (AvifTools.DECODER == null) {
            throw new IllegalStateException("avifdec is not installed: AVIF cannot be decoded");
        }
        Path dir = Files.createTempDirectory("pixelwise-avifdec");
        try {
            Path in = dir.resolve("in.avif");
            Path out = dir.resolve("out.png");
            Files.write(in, bytes);
            run(List.of(AvifTools.DECODER.toString(), "--depth", "8", "--png-compress", "0", in.toString(), out.toString()), dir);
            BufferedImage image = ImageIO.read(out.toFile());
            if (image == null) {
                throw new IOException("avifdec wrote no readable PNG");
            }
            return image;
        } finally {
            deleteTree(dir);
        }
    }

    /** Uncompressed PNG: the tool reads it faster than we could deflate it. */
    private static void writeFastPng(BufferedImage image, Path target) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(1.0f); // deflate level 0
        try (ImageOutputStream out = ImageIO.createImageOutputStream(target.toFile())) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
    }

    /** Runs a tool with its output in a log file of {@code dir}; fails with the log's tail on a non-zero exit or timeout. */
    private static void run(List<String> command, Path dir) throws IOException {
        Path log = Files.createTempFile(dir, "tool", ".log"); // one per run: encodes of one image may run side by side
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        String tool = Path.of(command.get(0)).getFileName().toString();
        try {
            if (!process.waitFor(TOOL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException(tool + " took longer than " + TOOL_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(tool + " was interrupted");
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
        if (process.exitValue() != 0) {
            String output = Files.readString(log, StandardCharsets.UTF_8);
            throw new IOException(tool + " exited with " + process.exitValue() + ": "
                    + output.substring(Math.max(0, output.length() - 500)).strip());
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
        } catch (IOException e) {
            return;
        }
        paths.forEach(FormatEncoder::deleteQuietly);
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // a temp file left behind is not worth failing the encode
        }
    }
}
