package dev.pixelwise.quantize;

import dev.pixelwise.imaging.ImageQuality;
import dev.pixelwise.imaging.DecodedImage;
import dev.pixelwise.imaging.ImageFormat;
import dev.pixelwise.imaging.ImageInfo;
import dev.pixelwise.imaging.PngChunks;
import dev.pixelwise.imaging.PngWriter;
import dev.pixelwise.problem.AppException;
import dev.pixelwise.work.ComputePool;
import dev.pixelwise.work.JobContext;
import dev.pixelwise.work.JobOptions;
import dev.pixelwise.work.OptionSpec;
import dev.pixelwise.work.StageTimings;
import dev.pixelwise.work.Task;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * K-Means colour quantisation with side-by-side compression levels. Stages: decode → histogram and
 * colour conversion once ({@link PaletteQuantizer#prepare}) → per k: k-means and remap, palette PNG,
 * metrics, the other formats at the same bytes → the smallest file that meets the quality bar.
 */
@ApplicationScoped
public class QuantizeTask implements Task<QuantizeOptions> {

    private final PaletteQuantizer quantizer;
    private final ComputePool compute;

    public QuantizeTask(ComputePool compute) {
        this.compute = compute;
        this.quantizer = new PaletteQuantizer(compute.executor(), compute.parallelism());
    }

    @Override
    public String name() {
        return "quantize";
    }

    @Override
    public String title() {
        return "Quantize";
    }

    @Override
    public String description() {
        return "K-Means colour quantisation: compare palette sizes and other formats side by side by file size, "
                + "PSNR, SSIM and ΔE, and get the smallest file that looks right.";
    }

    @Override
    public List<OptionSpec> options() {
        return QuantizeOptions.SPECS;
    }

    /**
     * A palette PNG, as a script asking for image/png wants: the recommended palette size when the
     * recommendation is one, else the smallest k that meets the quality bar, else the largest k.
     */
    @Override
    public Optional<String> mainFile(Object result) {
        if (!(result instanceof QuantizeResult r) || r.variants() == null || r.variants().isEmpty()) {
            return Optional.empty();
        }
        Integer k = r.recommendation() != null && r.recommendation().k() != null ? r.recommendation().k()
                : r.suggestedK();
        return r.variants().stream().filter(v -> k != null && v.k() == k).findFirst()
                .or(() -> Optional.of(r.variants().get(r.variants().size() - 1))).map(QuantizeResult.Variant::file);
    }

    @Override
    public Class<?> resultType() {
        return QuantizeResult.class;
    }

    @Override
    public QuantizeOptions parseOptions(JobOptions options) {
        return QuantizeOptions.parse(options);
    }

    @Override
    public QuantizeResult run(JobContext context, QuantizeOptions options) {
        long start = System.nanoTime();
        StageTimings timings = context.timings();
        DecodedImage decoded = context.image();
        timings.stop("decode", start);
        int w = decoded.width();
        int h = decoded.height();
        int[] argb = decoded.argb();
        List<String> notes = new ArrayList<>();
        PngWriter png = new PngWriter(compute.executor(), compute.parallelism());

        context.stage("histogram");
        long t0 = System.nanoTime();
        Prepared prepared = quantizer.prepare(argb, w, h, options.params());
        timings.stop("histogram", t0);
        context.progress(0.05);

        context.stage("reference");
        t0 = System.nanoTime();
        boolean alpha = Scores.hasAlpha(argb);
        QuantizeResult.Original original = reference(context, decoded, prepared, png, alpha);
        timings.stop("reference", t0);
        if (alpha) {
            notes.add("The image has transparency: PSNR, SSIM and ΔE compare it composited on white and on black.");
        }
        int window = ImageQuality.ssimWindow(w, h);
        if (window < ImageQuality.MIN_SSIM_SIDE) {
            notes.add("SSIM is scored with a " + window + "×" + window + " window: the image is smaller than the "
                    + "standard 11×11 window.");
        }
        VariantWriter writer = new VariantWriter(argb, w, h, alpha, original.bytes(), original.losslessBytes(), png,
                options.effort());
        FormatComparison formats = new FormatComparison(decoded.image(), argb, alpha, options.formats(),
                compute.executor());
        List<Future<QuantizeResult.FormatVariant>> curve = formats.startCurve(context::output);
        try {
            BooleanSupplier cancelled = context::cancelled;
            List<String> missing = FormatComparison.unavailable(options.formats());
            if (!missing.isEmpty()) {
                notes.add("Not compared: " + String.join(", ", missing) + " (no encoder installed on this server).");
            }

            QuantizeResult.Target target = null;
            List<Integer> ks = options.ks();
            if (options.targetPsnr() != null || options.targetBytes() != null) {
                context.stage("searching k for the target");
                t0 = System.nanoTime();
                target = new TargetSearch(quantizer, prepared, argb, cancelled, writer).find(options);
                timings.stop("target", t0);
                ks = List.of(target.k());
            }

            List<QuantizeResult.Variant> variants = new ArrayList<>();
            for (int i = 0; i < ks.size(); i++) {
                int k = ks.get(i);
                context.stage("k = " + k);
                double base = 0.1 + 0.9 * i / ks.size();
                double span = 0.9 / ks.size();
                long q0 = System.nanoTime();
                QuantizedImage q = options.palette() != null
                        ? givenPalette(prepared, options.palette(), cancelled, notes)
                        : quantizer.quantize(prepared, k, cancelled, p -> context.progress(base + span * 0.6 * p));
                long quantizeMs = timings.add("quantize", q0);
                context.checkCancelled();
                QuantizeResult.Variant v = writer.write(q, context::output, timings);
                v.timingsMs().put("quantize", quantizeMs);
                if (formats.any()) {
                    context.stage("k = " + k + ": other formats at the same size");
                    long f0 = System.nanoTime();
                    // a target applies to every format: the target's bytes, or the target's PSNR
                    if (options.targetPsnr() != null) {
                        v = v.withFormats(formats.atPsnr("k" + k, options.targetPsnr(), q, v, context::output));
                    } else {
                        long budget = options.targetBytes() != null ? options.targetBytes() : v.bytes();
                        v = v.withFormats(formats.atSize("k" + k, budget, q, v, context::output));
                    }
                    v.timingsMs().put("formats", timings.add("formats", f0));
                }
                variants.add(v);
                context.progress(base + span);
            }

            if (formats.any()) {
                context.stage("other formats");
                long f0 = System.nanoTime();
                original = original.withFormats(FormatComparison.join(curve));
                timings.add("formats", f0);
            }
            Integer elbow = null;
            if (variants.size() >= 3) {
                int[] kArr = variants.stream().mapToInt(QuantizeResult.Variant::k).toArray();
                double[] inertia = variants.stream().mapToDouble(QuantizeResult.Variant::inertia).toArray();
                elbow = ElbowFinder.suggest(kArr, inertia);
            }
            QualityBar bar = options.qualityBar();
            Integer suggested = variants.stream().filter(v -> bar.meets(v.psnr(), v.ssim(), v.deltaE()))
                    .map(QuantizeResult.Variant::k).findFirst().orElse(null);
            QuantizeResult.Recommendation recommendation = Recommender.recommend(bar, variants, original.formats());
            timings.stop("total", start);
            return new QuantizeResult(original, variants, suggested, elbow, target, bar, recommendation, timings.millis(),
                    options.used(), notes);
        } finally {
            curve.forEach(f -> f.cancel(true)); // a job stopped early leaves no encodes running
            formats.close();
        }
    }

    /** The image remapped to the {@code palette} option's colours; a palette that cannot serve it is a bad option. */
    private QuantizedImage givenPalette(Prepared prepared, int[] palette, BooleanSupplier cancelled, List<String> notes) {
        QuantizedImage q;
        try {
            q = quantizer.remap(prepared, palette, cancelled, p -> { });
        } catch (IllegalArgumentException e) {
            throw new AppException.BadOption(QuantizeOptions.PALETTE.name(), e.getMessage());
        }
        if (q.paletteArgb().length > palette.length) {
            notes.add("The image has transparent pixels and the palette no transparent colour: one was added "
                    + "(#00000000), so the palette has " + q.paletteArgb().length + " entries.");
        }
        return q;
    }

    /**
     * The original as served for viewing, and the lossless size variants are compared with. The
     * viewing copy carries no metadata of the upload: a PNG whose samples the decoder took as they
     * are is copied with only its pixel chunks (no re-encode), anything else is written from the
     * pixels by the fast lossless writer. The reference size is the upload's own when it is a PNG,
     * else an estimate of a careful lossless PNG from a sixteenth of the rows: no second full encode.
     */
    private static QuantizeResult.Original reference(JobContext context, DecodedImage decoded, Prepared prepared,
                                                     PngWriter png, boolean alpha) {
        int w = decoded.width();
        int h = decoded.height();
        long uploadBytes = context.inputBytes();
        ImageInfo info = decoded.info();
        boolean pngUpload = info.format() == ImageFormat.PNG;
        byte[] bytes = pngUpload && info.bitDepth() <= 8 && !info.iccConverted()
                ? PngChunks.pixelsOnly(context.input())
                : png.truecolor(w, h, decoded.argb(), alpha, PngWriter.Effort.FAST);
        VariantWriter.save(context.output("original.png"), bytes);
        long lossless = pngUpload ? uploadBytes : png.estimateTruecolor(w, h, decoded.argb(), alpha);
        return new QuantizeResult.Original(w, h, uploadBytes, info.format().name(), prepared.uniqueColors(),
                lossless, pngUpload ? "upload" : "estimate", "original.png", List.of());
    }

}
