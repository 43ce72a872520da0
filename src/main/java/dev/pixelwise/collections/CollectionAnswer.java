package dev.pixelwise.collections;

import java.util.List;

/**
 * A classification with a collection.
 *
 * @param ranked     every label, most probable first
 * @param method     "imprinting" or "head", whichever answered
 * @param similarity cosine similarity to the nearest label's mean embedding
 * @param unknown    true when {@code similarity} is below the collection's threshold: none of its labels
 *                   fits, whatever the ranking says
 */
public record CollectionAnswer(String collection, String model, List<Ranked> ranked, String method, double similarity,
                               double threshold, boolean unknown) {

    /** @param index the label's position in the collection */
    public record Ranked(String label, int index, double probability) {
    }
}
