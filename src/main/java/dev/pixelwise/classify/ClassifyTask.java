package dev.pixelwise.classify;

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
import dev.pixelwise.work.Task;
import jakarta.enterprise.context.ApplicationScoped;

import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ImageNet classification with a zoo model in SameDiff. Stages: pre-process (resize, normalise)
 * → forward (batched with concurrent requests) → post-process (top-k) → optionally explain
 * (occlusion heat-map over the image).
 */
@ApplicationScoped
public class ClassifyTask implements Task<ClassifyOptions> {

    static final int PREVIEW_SIDE = 1024;
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
        if (parsed.explain()) {
            throw new AppException.BadOption("explain", "is not available with a collection");
        }
        return new ClassifyOptions(model, parsed.topK(), false, parsed.collection());
    }

    @Override
    public ClassifyResult run(JobContext context, ClassifyOptions options) {
        ClassifierModels.Loaded model = models.get(options.model());
        Map<String, Long> timings = new LinkedHashMap<>();
        ClassifierTranslator translator = model.translator();
        DecodedImage decoded;
        float[] input;
        // While this image is decoded and prepared, a batch forming on the model's thread may wait for it.
        // A collection's request goes to the features runner, so it is announced there.
        BatchingClassifier runner = options.collection() != null && model.embedder() != null ? model.embedder() : model.runner();
        try (BatchingClassifier.Announcement coming = runner.announce()) {
            decoded = context.image();
            context.stage("preprocess");
            long t0 = System.nanoTime();
            input = translator.toTensor(translator.resize(decoded.image()));
            timings.put("preprocess", millisSince(t0));
        }

        if (options.collection() != null) {
            return withCollection(context, options, model, decoded, input, timings);
        }
        context.stage("inference");
        long t1 = System.nanoTime();
        float[] probabilities = forward(model, new float[][]{input})[0];
        timings.put("inference", millisSince(t1));
        context.progress(options.explain() ? 0.2 : 0.9);

        context.stage("postprocess");
        long t2 = System.nanoTime();
        List<ClassifyResult.Prediction> top = translator.topK(probabilities, options.topK());
        timings.put("postprocess", millisSince(t2));

        BufferedImage preview = ImageOps.fit(decoded.image(), PREVIEW_SIDE);
        ImageEncoder.writeJpeg(preview, 0.9f, context.output("image.jpg"));
        String heatmap = null;
        ClassifyResult.Explanation explanation = null;
        if (options.explain()) {
            context.stage("explain");
            long t3 = System.nanoTime();
            ClassifyResult.Prediction best = top.get(0);
            float[] drop = OcclusionExplainer.explain(input, translator.width(), translator.height(), best.index(),
                    translator.neutral(), batch -> forward(model, batch), context::checkCancelled);
            BufferedImage overlay = HeatmapOverlay.render(drop, OcclusionExplainer.GRID, OcclusionExplainer.GRID,
                    preview.getWidth(), preview.getHeight());
            heatmap = "heatmap.png";
            ImageEncoder.writePng(overlay, context.output(heatmap));
            explanation = new ClassifyResult.Explanation(best.label(), best.index(), "occlusion",
                    OcclusionExplainer.GRID, OcclusionExplainer.GRID, drop);
            timings.put("explain", millisSince(t3));
        }
        return new ClassifyResult(options.model(), top, "image.jpg", heatmap, explanation, timings, null);
    }

    /** The labels of a collection: the image's embedding against the collection's classifier. */
    private ClassifyResult withCollection(JobContext context, ClassifyOptions options, ClassifierModels.Loaded model,
                                          DecodedImage decoded, float[] input, Map<String, Long> timings) {
        if (model.embedder() == null) {
            throw new AppException.ModelUnavailable("Model " + model.id() + " has no pooled feature layer");
        }
        context.stage("inference");
        long t1 = System.nanoTime();
        float[] embedding = ClassifierModels.await(model.embedder(), new float[][]{input})[0];
        timings.put("inference", millisSince(t1));
        context.progress(0.9);

        context.stage("postprocess");
        long t2 = System.nanoTime();
        CollectionAnswer answer = collections.classify(options.collection(), embedding);
        List<ClassifyResult.Prediction> top = answer.ranked().stream().limit(options.topK())
                .map(r -> new ClassifyResult.Prediction(r.label(), r.index(), r.probability())).toList();
        timings.put("postprocess", millisSince(t2));

        BufferedImage preview = ImageOps.fit(decoded.image(), PREVIEW_SIDE);
        ImageEncoder.writeJpeg(preview, 0.9f, context.output("image.jpg"));
        return new ClassifyResult(options.model(), top, "image.jpg", null, null, timings,
                new ClassifyResult.CollectionUsed(answer.collection(), answer.method(), answer.similarity(),
                        answer.threshold(), answer.unknown()));
    }

    private static float[][] forward(ClassifierModels.Loaded model, float[][] batch) {
        return ClassifierModels.await(model.runner(), batch);
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
