package dev.pixelwise.classify;

import dev.pixelwise.collections.CollectionsConfig;
import dev.pixelwise.collections.Embedder;
import dev.pixelwise.imaging.ImageDecoder;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.file.Path;
import java.util.List;

/** Collections' embeddings: the collection model's pooled features of an image decoded with the usual limits. */
@ApplicationScoped
public class ImageEmbedder implements Embedder {

    private final ClassifierModels models;
    private final ImageDecoder decoder;
    private final CollectionsConfig config;

    public ImageEmbedder(ClassifierModels models, ImageDecoder decoder, CollectionsConfig config) {
        this.models = models;
        this.decoder = decoder;
        this.config = config;
    }

    @Override
    public float[] embed(Path file) {
        return models.embed(config.model(), List.of(decoder.decode(file).image()))[0];
    }
}
