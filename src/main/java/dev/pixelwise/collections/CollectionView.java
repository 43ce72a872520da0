package dev.pixelwise.collections;

import java.util.List;

/**
 * A collection as the API shows it.
 *
 * @param labels     each label's name, number of examples and the examples, in the order they were first taught
 * @param accuracy   share of the examples that the answering method gets right when each is left out of
 *                   its own training (see {@code evaluation}); null until two labels have examples
 * @param method     which classifier answers now: "imprinting" (cosine to each label's mean embedding) or
 *                   "head" (a softmax layer trained once every label has {@code headMinExamples})
 * @param evaluation how {@code accuracy} was measured: "leave-one-out" or "5-fold"
 * @param threshold  best cosine similarity below which a classification answers {@code unknown}
 * @param confusion  counts per [true label][answer], in label order; null with accuracy
 */
public record CollectionView(String id, String name, String model, List<LabelView> labels, Double accuracy,
                             String method, String evaluation, double threshold, int headMinExamples,
                             int[][] confusion, String created) {

    /** @param items each example's id (for DELETE …/examples/{id}) and file name, in the order added */
    public record LabelView(String name, int examples, List<ExampleView> items) {
    }

    public record ExampleView(String id, String source) {
    }

    static CollectionView of(Snapshot s, int headMin) {
        Evaluation e = s.evaluation();
        return new CollectionView(s.id(), s.name(), s.model(),
                s.labels().stream().map(l -> new LabelView(l.name(), l.examples().size(), l.examples().stream()
                        .map(x -> new ExampleView(x.id(), x.source())).toList())).toList(),
                e == null ? null : e.accuracy(), s.method(), e == null ? null : e.scheme(), s.threshold(), headMin,
                e == null ? null : e.confusion(), s.created());
    }
}
