package dev.pixelwise.collections;

import java.util.List;

/**
 * One collection as it stands after its latest change, never modified: readers (a classification, a
 * GET) take the current snapshot without a lock while a change builds the next one.
 *
 * @param labels     in the order they were first taught
 * @param imprinting the labels' imprinted weights
 * @param head       the trained softmax head, or null until every label has enough examples
 * @param evaluation leave-one-out (or cross-validated) accuracy of the method that answers, or null
 */
record Snapshot(String id, String name, String owner, String model, String created, double threshold,
                List<Label> labels, Imprinting imprinting, SoftmaxHead head, Evaluation evaluation) {

    /** @param examples in the order they were added */
    record Label(String name, List<Example> examples) {
        List<float[]> embeddings() {
            return examples.stream().map(Example::embedding).toList();
        }
    }

    /**
     * One taught image, kept as its embedding only.
     *
     * @param id        stable within its collection (8 hex digits), so a delete names the example it means
     *                  whatever was added or deleted since
     * @param source    the file name it came with (a zip's entry name), for people to recognise it
     * @param embedding unit length
     */
    record Example(String id, String source, float[] embedding) {
    }

    /** "head" once the trained head answers, else "imprinting". */
    String method() {
        return head != null ? "head" : "imprinting";
    }

    int examples() {
        return labels.stream().mapToInt(l -> l.examples().size()).sum();
    }

    int indexOf(String label) {
        for (int i = 0; i < labels.size(); i++) {
            if (labels.get(i).name().equals(label)) {
                return i;
            }
        }
        return -1;
    }

    /** The same labels and model with another threshold (nothing to retrain). */
    Snapshot withThreshold(double t) {
        return new Snapshot(id, name, owner, model, created, t, labels, imprinting, head, evaluation);
    }

    /**
     * A snapshot of {@code labels} with its classifiers rebuilt: imprinting always, the head (and its
     * evaluation) when there are two labels or more and each has at least {@code headMin} examples.
     */
    static Snapshot build(String id, String name, String owner, String model, String created, double threshold,
                          List<Label> labels, int headMin) {
        float[][][] examples = new float[labels.size()][][];
        boolean headReady = labels.size() >= 2;
        for (int l = 0; l < examples.length; l++) {
            examples[l] = labels.get(l).embeddings().toArray(float[][]::new);
            headReady &= examples[l].length >= headMin;
        }
        SoftmaxHead head = null;
        Evaluation evaluation;
        if (headReady) {
            int n = 0;
            for (float[][] e : examples) {
                n += e.length;
            }
            float[][] x = new float[n][];
            int[] y = new int[n];
            int i = 0;
            for (int l = 0; l < examples.length; l++) {
                for (float[] e : examples[l]) {
                    x[i] = e;
                    y[i++] = l;
                }
            }
            head = SoftmaxHead.train(x, y, examples.length);
            evaluation = Evaluation.head(examples);
        } else {
            evaluation = Evaluation.imprinting(examples);
        }
        return new Snapshot(id, name, owner, model, created, threshold, List.copyOf(labels), new Imprinting(examples),
                head, evaluation);
    }
}
