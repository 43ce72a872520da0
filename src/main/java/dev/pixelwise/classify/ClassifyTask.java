package dev.pixelwise.classify;

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
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
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

    public ClassifyTask(ClassifierModels models) {
        this.models = models;
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
        return List.of(modelSpec(), ClassifyOptions.TOP_K, ClassifyOptions.EXPLAIN);
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
        return ClassifyOptions.parse(options, modelSpec());
    }

    @Override
    public ClassifyResult run(JobContext context, ClassifyOptions options) {
        ClassifierModels.Loaded model = models.get(options.model());
        Map<String, Long> timings = new LinkedHashMap<>();
        ClassifierTranslator translator = model.translator();
        DecodedImage decoded;
        float[] input;
        // While this image is decoded and prepared, a batch forming on the model's thread may wait for it.
        try (BatchingClassifier.Announcement coming = model.runner().announce()) {
            decoded = context.image();
            context.stage("preprocess");
            long t0 = System.nanoTime();
            input = translator.toTensor(translator.resize(decoded.image()));
            timings.put("preprocess", millisSince(t0));
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
        return new ClassifyResult(options.model(), top, "image.jpg", heatmap, explanation, timings);
    }

    private static float[][] forward(ClassifierModels.Loaded model, float[][] batch) {
        try {
            return model.runner().submit(batch).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted");
        } catch (ExecutionException e) {
            throw new AppException.ModelUnavailable("Inference failed: " + e.getCause().getMessage());
        }
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
