package dev.pixelwise.superres;

import dev.pixelwise.imaging.DecodedImage;
import dev.pixelwise.imaging.ImageEncoder;
import dev.pixelwise.imaging.ImageHeader;
import dev.pixelwise.imaging.ImageOps;
import dev.pixelwise.imaging.ImageQuality;
import dev.pixelwise.problem.AppException;
import dev.pixelwise.work.JobContext;
import dev.pixelwise.work.JobOptions;
import dev.pixelwise.work.OptionSpec;
import dev.pixelwise.work.StageTimings;
import dev.pixelwise.work.Task;
import dev.pixelwise.zoo.Precision;
import jakarta.enterprise.context.ApplicationScoped;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static dev.pixelwise.work.ResultNumbers.round;

/**
 * GAN super-resolution: ESRGAN generators in SameDiff, tiled so any size fits in bounded memory,
 * next to plain bicubic. Alpha is enlarged with bicubic and put back.
 */
@ApplicationScoped
public class UpscaleTask implements Task<UpscaleOptions> {

    private final SuperResModels models;
    private final UpscaleConfig config;

    public UpscaleTask(SuperResModels models, UpscaleConfig config) {
        this.models = models;
        this.config = config;
    }

    @Override
    public String name() {
        return "upscale";
    }

    @Override
    public String title() {
        return "Upscale";
    }

    @Override
    public String description() {
        return "GAN super-resolution (ESRGAN in DL4J, tiled for any size) side by side with bicubic.";
    }

    @Override
    public List<OptionSpec> options() {
        return UpscaleOptions.SPECS;
    }

    /** The upscaled PNG. */
    @Override
    public Optional<String> mainFile(Object result) {
        return result instanceof UpscaleResult r ? Optional.ofNullable(r.file()) : Optional.empty();
    }

    @Override
    public Class<?> resultType() {
        return UpscaleResult.class;
    }

    @Override
    public Optional<String> modelOf(UpscaleOptions options) {
        return Optional.of(options.model());
    }

    @Override
    public boolean heavy() {
        return true;
    }

    @Override
    public UpscaleOptions parseOptions(JobOptions options) {
        return UpscaleOptions.parse(options);
    }

    @Override
    public void checkAgainst(UpscaleOptions options, ImageHeader header) {
        long out = header.pixels() * options.scale() * options.scale();
        if (out > config.maxOutputPixels()) {
            throw new AppException.UnprocessableImage(String.format(Locale.ROOT,
                    "x%d of %d×%d would be %.1f megapixels, over the output limit of %.1f megapixels",
                    options.scale(), header.width(), header.height(), out / 1e6, config.maxOutputPixels() / 1e6));
        }
    }

    @Override
    public UpscaleResult run(JobContext context, UpscaleOptions options) {
        StageTimings timings = context.timings();
        long t0 = System.nanoTime();
        context.stage("load model");
        Precision precision = models.runnable(options.model(), options.scale(), Precision.resolve(options.precision(), Precision.AUTO_UPSCALE));
        TiledUpscaler.Network network = models.network(options.model(), options.scale(), precision);
        timings.stop("load", t0);
        try {
            return run(context, options, precision, network, timings);
        } finally {
            network.release();
        }
    }

    private UpscaleResult run(JobContext context, UpscaleOptions options, Precision precision, TiledUpscaler.Network network,
                              StageTimings timings) {
        DecodedImage decoded = context.image();
        BufferedImage source = decoded.image();
        int w = source.getWidth();
        int h = source.getHeight();
        int s = options.scale();

        context.progress(0.05, tileStage("upscale", 0, TiledUpscaler.tileCount(w, h, options.tile())));
        long t1 = System.nanoTime();
        // more than one tile: the page shows the tiles as they finish
        TilePreview preview = TiledUpscaler.tileCount(w, h, options.tile()) > 1
                ? new TilePreview(context.output(TilePreview.FILE), w, h, s, options.tile(), System::nanoTime) : null;
        TiledUpscaler.Outcome outcome = new TiledUpscaler(network, s, options.tile())
                .upscaleCounting(ImageOps.interleavedRgb(source), w, h,
                        (done, total) -> context.progress(0.05 + 0.75 * done / total, tileStage("upscale", done, total)),
                        preview);
        BufferedImage upscaled = ImageOps.wrapPackedRgb(outcome.rgb(), w * s, h * s);
        if (decoded.info().hasAlpha()) {
            upscaled = withAlpha(upscaled, ImageOps.resizeBicubic(source, w * s, h * s));
        }
        timings.stop("upscale", t1);

        context.stage("bicubic and files");
        long t2 = System.nanoTime();
        BufferedImage bicubic = ImageOps.resizeBicubic(source, w * s, h * s);
        ImageEncoder.writePng(upscaled, context.output("upscaled.png"));
        ImageEncoder.writePng(bicubic, context.output("bicubic.png"));
        ImageEncoder.writePng(source, context.output("original.png"));
        timings.stop("encode", t2);
        context.progress(0.9);

        UpscaleResult.SelfCheck check = null;
        if (options.selfCheck()) {
            context.stage("self-check");
            long t3 = System.nanoTime();
            check = selfCheck(source, network, s, options.tile(), context);
            timings.stop("selfCheck", t3);
        }
        return new UpscaleResult(options.model(), s, precision.label(), w * s, h * s, "upscaled.png", "bicubic.png", "original.png",
                outcome.tiles(), outcome.retriedTiles(), check, SelfCheckAdvice.of(options.model(), s, check), timings.millis());
    }

    /** Shrinks by the scale (antialiased bicubic), enlarges back with the model and with bicubic, scores both. */
    private static UpscaleResult.SelfCheck selfCheck(BufferedImage source, TiledUpscaler.Network network, int s, int tile,
                                                     JobContext context) {
        int w = source.getWidth() / s;
        int h = source.getHeight() / s;
        if (w < 8 || h < 8) {
            throw new AppException.UnprocessableImage("The image is too small for a x" + s + " self-check");
        }
        BufferedImage reference = source.getSubimage(0, 0, w * s, h * s);
        // The degradation ESRGAN generators are trained and benchmarked on (DIV2K's LR images are MATLAB imresize
        // bicubic); an area average is another one the model was not trained for.
        BufferedImage small = ImageOps.shrinkBicubic(reference, w, h);
        int[] model = new TiledUpscaler(network, s, tile).upscaleCounting(ImageOps.interleavedRgb(small), w, h,
                (done, total) -> context.progress(0.9 + 0.1 * done / total, tileStage("self-check", done, total))).rgb();
        int[] ref = ImageOps.argb(reference);
        int[] bicubic = ImageOps.argb(ImageOps.resizeBicubic(small, w * s, h * s));
        return new UpscaleResult.SelfCheck(
                round(ImageQuality.psnr(ref, model), 4), round(ImageQuality.psnr(ref, bicubic), 4),
                round(ImageQuality.ssim(ref, model, w * s, h * s), 4), round(ImageQuality.ssim(ref, bicubic, w * s, h * s), 4));
    }

    /** "upscale: tile 5 of 16": the page shows it, and works out the time left from the progress. */
    static String tileStage(String step, int done, int total) {
        return step + ": tile " + Math.min(done + 1, total) + " of " + total;
    }

    private static BufferedImage withAlpha(BufferedImage rgb, BufferedImage alphaSource) {
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        int[] px = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        int[] c = ((DataBufferInt) rgb.getRaster().getDataBuffer()).getData();
        int[] a = ImageOps.argb(alphaSource);
        for (int i = 0; i < px.length; i++) {
            px[i] = (a[i] & 0xFF000000) | (c[i] & 0xFFFFFF);
        }
        return out;
    }

}
