package dev.pixelwise.segment;

import dev.pixelwise.imaging.DecodedImage;
import dev.pixelwise.imaging.ImageEncoder;
import dev.pixelwise.quantize.KMeansParams;
import dev.pixelwise.quantize.PaletteQuantizer;
import dev.pixelwise.quantize.QuantizedImage;
import dev.pixelwise.work.ComputePool;
import dev.pixelwise.work.JobContext;
import dev.pixelwise.work.JobOptions;
import dev.pixelwise.work.OptionSpec;
import dev.pixelwise.work.StageTimings;
import dev.pixelwise.work.Task;
import dev.pixelwise.zoo.Precision;
import jakarta.enterprise.context.ApplicationScoped;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Optional;

/**
 * Segmentation, two ways on one page: semantic (DeepLabV3, PASCAL VOC classes) or by colour
 * (K-Means clusters from the quantize engine). Both give a class-index mask, an overlay and
 * per-class shares with a mask each.
 */
@ApplicationScoped
public class SegmentTask implements Task<SegmentOptions> {

    static final int PASCAL_CLASSES = 21;
    private final SemanticSegmenter semantic;
    private final PaletteQuantizer quantizer;

    public SegmentTask(SemanticSegmenter semantic, ComputePool compute) {
        this.semantic = semantic;
        this.quantizer = new PaletteQuantizer(compute.executor(), compute.parallelism());
    }

    @Override
    public String name() {
        return "segment";
    }

    @Override
    public String title() {
        return "Segment";
    }

    @Override
    public String description() {
        return "Semantic segmentation (DeepLabV3, 21 PASCAL VOC classes) or K-Means colour segmentation, as an overlay.";
    }

    @Override
    public List<OptionSpec> options() {
        return SegmentOptions.SPECS;
    }

    /** The class mask (an indexed PNG, one palette entry per class): the data a script goes on with. */
    @Override
    public Optional<String> mainFile(Object result) {
        return result instanceof SegmentResult r ? Optional.ofNullable(r.mask()) : Optional.empty();
    }

    @Override
    public Class<?> resultType() {
        return SegmentResult.class;
    }

    @Override
    public Optional<String> modelOf(SegmentOptions options) {
        return options.mode().equals("semantic") ? Optional.of(options.model()) : Optional.empty();
    }

    @Override
    public SegmentOptions parseOptions(JobOptions options) {
        return SegmentOptions.parse(options);
    }

    @Override
    public SegmentResult run(JobContext context, SegmentOptions options) {
        StageTimings timings = context.timings();
        DecodedImage decoded = context.image();
        BufferedImage image = decoded.image();
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] map;
        int[] colors;
        List<String> labels;
        boolean semanticMode = options.mode().equals("semantic");
        Precision precision = null;
        long t0 = System.nanoTime();
        if (semanticMode) {
            context.stage("load model");
            SemanticSegmenter.Loaded model = semantic.get(options.model());
            context.stage("inference");
            precision = model.graph().runnable(Precision.resolve(options.precision(), Precision.AUTO_SEGMENT));
            byte[] grid = semantic.classify(model, image, precision);
            map = ClassMaps.resizeNearest(grid, model.graph().inputWidth(), model.graph().inputHeight(), w, h);
            colors = ClassMaps.pascalColors(PASCAL_CLASSES);
            labels = model.labels();
        } else {
            context.stage("k-means");
            KMeansParams params = KMeansParams.defaults();
            QuantizedImage q = quantizer.quantize(quantizer.prepare(decoded.argb(), w, h, params), options.k(),
                    context::cancelled);
            map = q.indices();
            colors = new int[q.paletteArgb().length];
            String[] names = new String[colors.length];
            for (int i = 0; i < colors.length; i++) {
                colors[i] = q.paletteArgb()[i] & 0xFFFFFF;
                names[i] = i == q.transparentIndex() ? "transparent" : ClassMaps.hex(colors[i]);
            }
            labels = List.of(names);
        }
        timings.stop(semanticMode ? "inference" : "kmeans", t0);
        context.progress(0.6);

        context.stage("masks");
        long t1 = System.nanoTime();
        ImageEncoder.writeIndexedPng(w, h, ClassMaps.palette(colors, semanticMode), map, context.output("mask.png"));
        ImageEncoder.writePng(ClassMaps.overlay(image, map, colors, semanticMode, options.opacity()), context.output("overlay.png"));
        ImageEncoder.writePng(image, context.output("image.png"));
        List<String> names = labels;
        List<SegmentResult.SegmentClass> classes = ClassMaps.classes(map, w, h, colors,
                c -> c < names.size() ? names.get(c) : "class " + c, context::output);
        timings.stop("files", t1);
        return new SegmentResult(options.mode(), semanticMode ? options.model() : null,
                precision == null ? null : precision.label(), w, h, "mask.png", "overlay.png",
                "image.png", classes, timings.millis());
    }
}
