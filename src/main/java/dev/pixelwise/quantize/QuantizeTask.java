package dev.pixelwise.quantize;

import dev.pixelwise.imaging.DecodedImage;
import dev.pixelwise.imaging.ImageEncoder;
import dev.pixelwise.imaging.ImageHeader;
import dev.pixelwise.problem.AppException;
import dev.pixelwise.work.ComputePool;
import dev.pixelwise.work.JobContext;
import dev.pixelwise.work.JobOptions;
import dev.pixelwise.work.OptionSpec;
import dev.pixelwise.work.Task;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * K-Means colour quantisation with side-by-side compression levels. Steps: decode → histogram and
 * colour conversion once ({@link PaletteQuantizer#prepare}) → per k: k-means, remap, palette PNG,
 * metrics → the elbow of inertia over k as the suggested k.
 */
@ApplicationScoped
public class QuantizeTask implements Task<QuantizeOptions> {

    private final PaletteQuantizer quantizer;

    public QuantizeTask(ComputePool compute) {
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
        return "K-Means colour quantisation: compare palette sizes side by side by file size, PSNR, SSIM and ΔE.";
    }

    @Override
    public List<OptionSpec> options() {
        return QuantizeOptions.SPECS;
    }

    @Override
    public Class<?> resultType() {
        return QuantizeResult.class;
    }

    @Override
    public QuantizeOptions parseOptions(JobOptions options) {
        return QuantizeOptions.parse(options);
    }

    /** Every variant is scored with SSIM, whose window needs a few pixels; refuse smaller images up front. */
    @Override
    public void checkAgainst(QuantizeOptions options, ImageHeader header) {
        int min = ImageQuality.MIN_SSIM_SIDE;
        if (header.width() < min || header.height() < min) {
            throw new AppException.UnprocessableImage("Quantize needs an image of at least " + min + "×" + min
                    + " pixels (its quality scores use an " + min + "×" + min + " window); this one is "
                    + header.width() + "×" + header.height());
        }
    }

    @Override
    public QuantizeResult run(JobContext context, QuantizeOptions options) {
        long start = System.nanoTime();
        DecodedImage decoded = context.image();
        int w = decoded.width();
        int h = decoded.height();
        int[] argb = decoded.argb();
        BooleanSupplier cancelled = context::cancelled;

        context.stage("histogram");
        long t0 = System.nanoTime();
        Prepared prepared = quantizer.prepare(argb, w, h, options.params());
        long prepareMs = (System.nanoTime() - t0) / 1_000_000;
        context.progress(0.05);

        context.stage("lossless reference");
        long losslessBytes = ImageEncoder.writePng(decoded.image(), context.output("original.png"));
        QuantizeResult.Original original = new QuantizeResult.Original(w, h, context.inputBytes(),
                decoded.info().format().name(), prepared.uniqueColors(), losslessBytes, "original.png");
        VariantWriter writer = new VariantWriter(argb, w, h, original.bytes(), losslessBytes);

        QuantizeResult.Target target = null;
        List<Integer> ks = options.ks();
        if (options.targetPsnr() != null || options.targetBytes() != null) {
            context.stage("searching k for the target");
            target = new TargetSearch(quantizer, prepared, argb, cancelled).find(options);
            ks = List.of(target.k());
        }

        List<QuantizeResult.Variant> variants = new ArrayList<>();
        for (int i = 0; i < ks.size(); i++) {
            int k = ks.get(i);
            context.stage("k = " + k);
            double base = 0.1 + 0.9 * i / ks.size();
            double span = 0.9 / ks.size();
            long q0 = System.nanoTime();
            QuantizedImage q = quantizer.quantize(prepared, k, cancelled, p -> context.progress(base + span * 0.6 * p));
            long quantizeMs = (System.nanoTime() - q0) / 1_000_000;
            context.checkCancelled();
            variants.add(writer.write(q, context.output("k" + k + ".png"), quantizeMs));
            context.progress(base + span);
        }

        Integer suggested = null;
        if (variants.size() >= 3) {
            int[] kArr = variants.stream().mapToInt(QuantizeResult.Variant::k).toArray();
            double[] inertia = variants.stream().mapToDouble(QuantizeResult.Variant::inertia).toArray();
            suggested = ElbowFinder.suggest(kArr, inertia);
        }
        Map<String, Long> timings = new LinkedHashMap<>();
        timings.put("prepare", prepareMs);
        timings.put("total", (System.nanoTime() - start) / 1_000_000);
        return new QuantizeResult(original, variants, suggested, target, timings);
    }
}
