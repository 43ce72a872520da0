package dev.pixelwise.classify;

import dev.pixelwise.classify.ClassifyOptions.Explain;
import dev.pixelwise.collections.CollectionAnswer;
import dev.pixelwise.collections.CollectionService;
import dev.pixelwise.imaging.DecodedImage;
import dev.pixelwise.imaging.HeatmapOverlay;
import dev.pixelwise.imaging.ImageEncoder;
import dev.pixelwise.imaging.ImageOps;
import dev.pixelwise.problem.AppException;
import dev.pixelwise.work.JobContext;
import dev.pixelwise.work.JobOptions;
import dev.pixelwise.work.OptionSpec;
import dev.pixelwise.work.StageTimings;
import dev.pixelwise.work.Task;
import dev.pixelwise.zoo.ModelThread;
import jakarta.enterprise.context.ApplicationScoped;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static dev.pixelwise.work.ResultNumbers.round;

/**
 * ImageNet classification with a zoo model in SameDiff. Stages: pre-process (resize, normalise)
 * → forward (batched with concurrent requests) → post-process (top-k) → optionally explain: class
 * activation maps from the same forward pass (cam), or an occlusion heat-map (about 50 more passes).
 */
@ApplicationScoped
public class ClassifyTask implements Task<ClassifyOptions> {

    static final int PREVIEW_SIDE = 1024;
    /** Longest side of a class activation map's heat-map PNG. */
    static final int CAM_SIDE = 128;
    static final String HEATMAP = "heatmap.png";
    private final ClassifierModels models;
    private final CollectionService collections;

    public ClassifyTask(ClassifierModels models, CollectionService collections) {
        this.models = models;
        this.collections = collections;
    }

    @Override
    public String name() {
        return "classify";
    }

    @Override
    public String title() {
        return "Classify";
    }

    @Override
    public String description() {
        return "CNN classification (MobileNet in DL4J): the top ImageNet labels, and a heat-map of what drove the answer.";
    }

    private OptionSpec modelSpec() {
        return ClassifyOptions.modelSpec(models.ids(), models.defaultId());
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(modelSpec(), ClassifyOptions.TOP_K, ClassifyOptions.EXPLAIN, ClassifyOptions.COLLECTION);
    }

    /** The heat-map overlay; none when the options asked for no explanation (predictions are the result). */
    @Override
    public Optional<String> mainFile(Object result) {
        return result instanceof ClassifyResult r ? Optional.ofNullable(r.heatmap()) : Optional.empty();
    }

    @Override
    public Class<?> resultType() {
        return ClassifyResult.class;
    }

    @Override
    public Optional<String> modelOf(ClassifyOptions options) {
        return Optional.of(options.model());
    }

    @Override
    public ClassifyOptions parseOptions(JobOptions options) {
        ClassifyOptions parsed = ClassifyOptions.parse(options, modelSpec());
        if (parsed.collection() == null) {
            return parsed;
        }
        // Checked here, while the request is at hand: 404 for a collection this key cannot see.
        String model = collections.modelOf(parsed.collection());
        if (options.present(modelSpec()) && !parsed.model().equals(model)) {
            throw new AppException.BadOption("model", "a collection answers with the model it was taught with, " + model);
        }
        if (parsed.explain() == Explain.OCCLUSION) {
            throw new AppException.BadOption("explain", "occlusion is not available with a collection (cam is)");
        }
        return new ClassifyOptions(model, parsed.topK(), parsed.explain(), parsed.collection());
    }

    @Override
    public ClassifyResult run(JobContext context, ClassifyOptions options) {
        ClassifierModels.Loaded model = models.get(options.model());
        boolean cam = options.explain() == Explain.CAM;
        if (cam && model.cam() == null) {
            throw new AppException.ModelUnavailable("Model " + model.id()
                    + " has no class activation maps (no global pool read by a 1×1 classifier); use explain=occlusion");
        }
        StageTimings timings = context.timings();
        ClassifierTranslator translator = model.translator();
        DecodedImage decoded;
        float[] input;
        // While this image is decoded and prepared, a batch forming on the model's thread may wait for it.
        // A collection's request goes to the features runner, so it is announced there.
        BatchingClassifier runner = options.collection() != null && model.embedder() != null ? model.embedder() : model.runner();
        try (BatchingClassifier.Announcement coming = runner.announce()) {
            ModelThread.wake(); // OpenMP's threads spinning by the time the input is ready
            decoded = context.image();
            context.stage("preprocess");
            long t0 = System.nanoTime();
            input = translator.toTensor(translator.resize(decoded.image()));
            timings.stop("preprocess", t0);
        }

        if (options.collection() != null) {
            return withCollection(context, options, model, decoded, input, timings);
        }
        context.stage("inference");
        long t1 = System.nanoTime();
        // With cam, the feature maps come from this same pass: the map costs no forward pass of its own.
        BatchingClassifier.Pass pass = ClassifierModels.await(model.runner(), new float[][]{input}, cam);
        float[] probabilities = pass.outputs()[0];
        timings.stop("inference", t1);
        context.progress(options.explain() == Explain.OCCLUSION ? 0.2 : 0.9);

        context.stage("postprocess");
        long t2 = System.nanoTime();
        List<ClassifyResult.Prediction> top = translator.topK(probabilities, options.topK());
        timings.stop("postprocess", t2);

        BufferedImage preview = ImageOps.fit(decoded.image(), PREVIEW_SIDE);
        ImageEncoder.writeJpeg(preview, 0.9f, context.output("image.jpg"));
        List<ClassifyResult.Explanation> explanations = List.of();
        if (cam) {
            context.stage("explain");
            long t3 = System.nanoTime();
            float[][] weights = model.cam().weights();
            explanations = cams(context, model, top, pass.maps()[0], p -> weights[p.index()], preview);
            timings.stop("explain", t3);
        } else if (options.explain() == Explain.OCCLUSION) {
            context.stage("explain");
            long t3 = System.nanoTime();
            ClassifyResult.Prediction best = top.get(0);
            float[] drop = OcclusionExplainer.explain(input, translator.width(), translator.height(), best.index(),
                    translator.neutral(), batch -> forward(model, batch), context::checkCancelled);
            BufferedImage overlay = HeatmapOverlay.render(drop, OcclusionExplainer.GRID, OcclusionExplainer.GRID,
                    preview.getWidth(), preview.getHeight());
            ImageEncoder.writePng(overlay, context.output(HEATMAP));
            explanations = List.of(new ClassifyResult.Explanation(best.label(), best.index(), "occlusion",
                    OcclusionExplainer.GRID, OcclusionExplainer.GRID, 0, 0, drop, HEATMAP));
            timings.stop("explain", t3);
        }
        return result(options, top, explanations, timings, null);
    }

    private static ClassifyResult result(ClassifyOptions options, List<ClassifyResult.Prediction> top,
                                         List<ClassifyResult.Explanation> explanations, StageTimings timings,
                                         ClassifyResult.CollectionUsed collection) {
        ClassifyResult.Explanation first = explanations.isEmpty() ? null : explanations.get(0);
        return new ClassifyResult(options.model(), top, "image.jpg", first == null ? null : first.heatmap(), first,
                List.copyOf(explanations), timings.millis(), collection);
    }

    /**
     * Class activation maps of the first {@value ClassActivation#LABELS} predictions from one image's feature
     * maps, each written as a heat-map ({@value #HEATMAP} for the first, heatmap-2.png … for the next). Stops
     * at a prediction without weights (a collection's label without examples).
     */
    private static List<ClassifyResult.Explanation> cams(JobContext context, ClassifierModels.Loaded model,
                                                         List<ClassifyResult.Prediction> top, float[] maps,
                                                         Function<ClassifyResult.Prediction, float[]> weightsOf,
                                                         BufferedImage preview) {
        // A 7×7 map holds no detail a small overlay lacks; the page stretches it over the photo (smoothly). A
        // preview-sized truecolour PNG per label would cost more than the forward pass (1024×768: ~70 ms);
        // a 128-px palette PNG costs ~0.6 ms.
        double scale = Math.min(1, CAM_SIDE / (double) Math.max(preview.getWidth(), preview.getHeight()));
        int w = Math.max(1, (int) Math.round(preview.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(preview.getHeight() * scale));
        ClassActivation.CellAlignment at = model.cam().alignment();
        List<ClassifyResult.Explanation> out = new ArrayList<>();
        for (int i = 0; i < Math.min(ClassActivation.LABELS, top.size()); i++) {
            context.checkCancelled();
            ClassifyResult.Prediction p = top.get(i);
            float[] weights = weightsOf.apply(p);
            if (weights == null) {
                break;
            }
            float[] grid = ClassActivation.map(maps, model.cam().channels(), weights);
            String file = i == 0 ? HEATMAP : "heatmap-" + (i + 1) + ".png";
            ImageEncoder.writePngQuick(HeatmapOverlay.renderIndexed(grid, model.mapRows(), model.mapCols(), at.rowShift(),
                    at.colShift(), w, h),
                    context.output(file));
            out.add(new ClassifyResult.Explanation(p.label(), p.index(), "cam", model.mapRows(), model.mapCols(),
                    round(at.rowShift(), 3), round(at.colShift(), 3), grid, file));
        }
        return out;
    }

    /** The labels of a collection: the image's embedding against the collection's classifier. */
    private ClassifyResult withCollection(JobContext context, ClassifyOptions options, ClassifierModels.Loaded model,
                                          DecodedImage decoded, float[] input, StageTimings timings) {
        if (model.embedder() == null) {
            throw new AppException.ModelUnavailable("Model " + model.id() + " has no pooled feature layer");
        }
        boolean cam = options.explain() == Explain.CAM;
        context.stage("inference");
        long t1 = System.nanoTime();
        BatchingClassifier.Pass pass = ClassifierModels.await(model.embedder(), new float[][]{input}, cam);
        float[] embedding = pass.outputs()[0];
        timings.stop("inference", t1);
        context.progress(0.9);

        context.stage("postprocess");
        long t2 = System.nanoTime();
        CollectionAnswer answer = collections.classify(options.collection(), embedding);
        List<ClassifyResult.Prediction> top = answer.ranked().stream().limit(options.topK())
                .map(r -> new ClassifyResult.Prediction(r.label(), r.index(), r.probability())).toList();
        timings.stop("postprocess", t2);

        BufferedImage preview = ImageOps.fit(decoded.image(), PREVIEW_SIDE);
        ImageEncoder.writeJpeg(preview, 0.9f, context.output("image.jpg"));
        List<ClassifyResult.Explanation> explanations = List.of();
        if (cam) {
            // The embedding is the pooled features scaled to unit length, and every label scores it linearly
            // (head weights or imprinted centroid), so those weights make its map as the ImageNet classifier's do.
            context.stage("explain");
            long t3 = System.nanoTime();
            Map<String, float[]> weights = collections.labelWeights(options.collection());
            explanations = cams(context, model, top, pass.maps()[0], p -> weights.get(p.label()), preview);
            timings.stop("explain", t3);
        }
        return result(options, top, explanations, timings,
                new ClassifyResult.CollectionUsed(answer.collection(), answer.method(), answer.similarity(),
                        answer.threshold(), answer.unknown()));
    }

    private static float[][] forward(ClassifierModels.Loaded model, float[][] batch) {
        return ClassifierModels.await(model.runner(), batch);
    }

}
