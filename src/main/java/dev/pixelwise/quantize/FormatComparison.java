package dev.pixelwise.quantize;

import dev.pixelwise.imaging.CompressedFormat;
import dev.pixelwise.imaging.ComputedOnce;
import dev.pixelwise.imaging.FormatEncoder;
import dev.pixelwise.imaging.ImageOps;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Function;

import static dev.pixelwise.work.ResultNumbers.round;

/**
 * The formats users weigh a palette PNG against: the original as lossy WebP, JPEG or AVIF at the
 * highest quality that fits the palette file's bytes, and the palette image itself as lossless
 * WebP. Each is scored like a variant. The lossy searches of one size run side by side. One job
 * asks for the same image at many sizes, so every encode and its scores are made once and shared
 * ({@link FormatEncoder.Encodings}); close it when the job ends.
 */
final class FormatComparison implements AutoCloseable {

    /** Qualities the original is also shown at, so each format's curve reaches past the palette sizes. */
    static final int[] CURVE_QUALITIES = {50, 90};

    private final int[] originalArgb;
    private final int width;
    private final int height;
    private final List<CompressedFormat> lossy;
    private final Map<CompressedFormat, FormatEncoder.Encodings> encodings = new EnumMap<>(CompressedFormat.class);
    /** Scores of the original encoded at a quality, by format and quality. */
    private final ComputedOnce<String, Scores> scored = new ComputedOnce<>();
    private final boolean webpLossless;
    private final ExecutorService pool;
    private final boolean alpha;

    /** @param formats option values (png, webp, jpeg, avif); formats not installed here are left to the caller to note */
    FormatComparison(BufferedImage original, int[] originalArgb, boolean alpha, List<String> formats,
                     ExecutorService pool) {
        this.originalArgb = originalArgb;
        this.width = original.getWidth();
        this.height = original.getHeight();
        this.lossy = formats.stream().filter(f -> !f.equals("png")).map(CompressedFormat::fromId)
                .filter(FormatEncoder::available).toList();
        this.webpLossless = formats.contains("webp") && FormatEncoder.available(CompressedFormat.WEBP_LOSSLESS);
        this.pool = pool;
        this.alpha = alpha;
        for (CompressedFormat f : lossy) {
            encodings.put(f, new FormatEncoder.Encodings(f, original));
        }
    }

    static List<String> unavailable(List<String> formats) {
        return formats.stream().filter(f -> !f.equals("png"))
                .filter(f -> !FormatEncoder.available(CompressedFormat.fromId(f))).toList();
    }

    boolean any() {
        return !lossy.isEmpty() || webpLossless;
    }

    /**
     * The original in every lossy format at the highest quality within {@code bytes}, and {@code q}
     * as lossless WebP; files are named after {@code name} (k16.webp, k16.jpg, k16-lossless.webp).
     */
    List<QuantizeResult.FormatVariant> atSize(String name, long bytes, QuantizedImage q, QuantizeResult.Variant scores,
                                              Function<String, Path> output) {
        List<Future<QuantizeResult.FormatVariant>> running = new ArrayList<>();
        for (CompressedFormat f : lossy) {
            running.add(pool.submit(() -> {
                FormatEncoder.Encoded e = encodings.get(f).fitting(bytes);
                return e == null ? null : scored(e, name + "." + f.extension(), name, output);
            }));
        }
        List<QuantizeResult.FormatVariant> out = new ArrayList<>(losslessOf(name, q, scores, output));
        for (Future<QuantizeResult.FormatVariant> f : running) {
            QuantizeResult.FormatVariant v = join(f);
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    /**
     * For a PSNR target: the original in every lossy format at the lowest quality whose PSNR reaches
     * {@code targetPsnr} (bisection over quality; PSNR grows with quality, near enough), or at
     * quality 100 when none does; and {@code q} as lossless WebP.
     */
    List<QuantizeResult.FormatVariant> atPsnr(String name, double targetPsnr, QuantizedImage q,
                                              QuantizeResult.Variant scores, Function<String, Path> output) {
        List<Future<QuantizeResult.FormatVariant>> running = new ArrayList<>();
        for (CompressedFormat f : lossy) {
            running.add(pool.submit(() -> {
                int lo = 0;
                int hi = 100;
                FormatEncoder.Encoded best = null;
                while (lo <= hi) {
                    int mid = (lo + hi) >>> 1;
                    FormatEncoder.Encoded e = new FormatEncoder.Encoded(f, mid, encodings.get(f).at(mid));
                    if (scores(e).psnr() >= targetPsnr) {
                        best = e;
                        hi = mid - 1;
                    } else {
                        lo = mid + 1;
                    }
                }
                if (best == null) {
                    best = new FormatEncoder.Encoded(f, 100, encodings.get(f).at(100));
                }
                return scored(best, name + "." + f.extension(), null, output);
            }));
        }
        List<QuantizeResult.FormatVariant> out = new ArrayList<>(losslessOf(name, q, scores, output));
        for (Future<QuantizeResult.FormatVariant> f : running) {
            out.add(join(f));
        }
        return out;
    }

    private List<QuantizeResult.FormatVariant> losslessOf(String name, QuantizedImage q, QuantizeResult.Variant scores,
                                                          Function<String, Path> output) {
        if (!webpLossless) {
            return List.of();
        }
        BufferedImage palette = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        palette.setRGB(0, 0, width, height, q.toArgb(), 0, width);
        byte[] file = FormatEncoder.encode(CompressedFormat.WEBP_LOSSLESS, palette, 100);
        String fileName = name + "-lossless.webp";
        VariantWriter.save(output.apply(fileName), file);
        // the same pixels as the palette PNG, so the same scores
        return List.of(new QuantizeResult.FormatVariant(CompressedFormat.WEBP_LOSSLESS.id(), null, file.length,
                scores.psnr(), scores.ssim(), scores.deltaE(), fileName, name));
    }

    /**
     * Starts encoding the original in every lossy format at {@link #CURVE_QUALITIES} on the pool, so
     * it overlaps the palette work; {@link #join} the result.
     */
    List<Future<QuantizeResult.FormatVariant>> startCurve(Function<String, Path> output) {
        List<Future<QuantizeResult.FormatVariant>> running = new ArrayList<>();
        for (CompressedFormat f : lossy) {
            for (int quality : CURVE_QUALITIES) {
                running.add(pool.submit(() -> scored(
                        new FormatEncoder.Encoded(f, quality, encodings.get(f).at(quality)),
                        "original-q" + quality + "." + f.extension(), null, output)));
            }
        }
        return running;
    }

    static List<QuantizeResult.FormatVariant> join(List<Future<QuantizeResult.FormatVariant>> running) {
        List<QuantizeResult.FormatVariant> out = new ArrayList<>();
        for (Future<QuantizeResult.FormatVariant> f : running) {
            out.add(join(f));
        }
        return out;
    }

    private QuantizeResult.FormatVariant scored(FormatEncoder.Encoded e, String fileName, String matchedTo,
                                                Function<String, Path> output) {
        VariantWriter.save(output.apply(fileName), e.bytes());
        Scores s = scores(e);
        return new QuantizeResult.FormatVariant(e.format().id(), e.quality(), e.bytes().length,
                Double.isInfinite(s.psnr()) ? null : round(s.psnr(), 3), round(s.ssim(), 5),
                round(s.deltaE(), 3), fileName, matchedTo);
    }

    /** Scores of the original encoded as {@code e} (a full encode at its quality), computed once per format and quality. */
    private Scores scores(FormatEncoder.Encoded e) {
        return scored.get(e.format().id() + "@" + e.quality(), key -> Scores.of(originalArgb,
                ImageOps.argb(FormatEncoder.decode(e.format(), e.bytes())), width, height, alpha, null));
    }

    @Override
    public void close() {
        encodings.values().forEach(FormatEncoder.Encodings::close);
    }

    private static <T> T join(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }
}
