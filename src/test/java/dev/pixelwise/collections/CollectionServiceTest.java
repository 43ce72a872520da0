package dev.pixelwise.collections;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixelwise.problem.AppException;
import io.quarkus.runtime.configuration.MemorySize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service without the app or a model: an "image" here is a text file of numbers, its embedding those
 * numbers scaled to unit length, and anything else is refused as the decoder would (415).
 */
class CollectionServiceTest {

    @TempDir
    Path dir;

    static final Function<Path, float[]> EMBEDDER = file -> {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!text.matches("[0-9., -]+")) {
            throw new AppException.UnsupportedFormat("not an image");
        }
        return EvaluationTest.unit(Arrays.stream(text.split(",")).mapToDouble(Double::parseDouble).toArray());
    };

    static CollectionsConfig config(int maxLabels, int maxExamples, int headMin, int maxEntries, int maxRatio) {
        return new CollectionsConfig() {
            public Optional<Path> dir() { return Optional.empty(); }
            public String model() { return "test-model"; }
            public int maxCollections() { return 3; }
            public int maxLabels() { return maxLabels; }
            public int maxExamplesPerLabel() { return maxExamples; }
            public int maxNameLength() { return 10; }
            public int maxImagesPerRequest() { return 20; }
            public double defaultThreshold() { return 0.5; }
            public int headMinExamples() { return headMin; }
            public Zip zip() {
                return new Zip() {
                    public int maxEntries() { return maxEntries; }
                    public MemorySize maxEntrySize() { return new MemorySize(BigInteger.valueOf(1000)); }
                    public MemorySize maxTotalSize() { return new MemorySize(BigInteger.valueOf(5000)); }
                    public int maxRatio() { return maxRatio; }
                };
            }
        };
    }

    private CollectionService service(CollectionsConfig config) {
        return new CollectionService(config, dir.resolve("collections"), new ObjectMapper(), EMBEDDER);
    }

    private CollectionService service() {
        return service(config(3, 4, 3, 10, 100));
    }

    private Path image(String numbers) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "img", ".txt"), numbers);
    }

    private Path zip(String... nameAndContent) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (int i = 0; i < nameAndContent.length; i += 2) {
                z.putNextEntry(new ZipEntry(nameAndContent[i]));
                z.write(nameAndContent[i + 1].getBytes(StandardCharsets.ISO_8859_1));
                z.closeEntry();
            }
        }
        return Files.write(Files.createTempFile(dir, "examples", ".zip"), bytes.toByteArray());
    }

    private CollectionView twoLabels(CollectionService s) throws IOException {
        String id = s.create("shapes").id();
        s.addExamples(id, "x", List.of(image("1,0,0"), image("0.9,0.1,0")));
        return s.addExamples(id, "y", List.of(image("0,1,0"), image("0.1,0.9,0")));
    }

    @Test
    void classifiesByTheNearestMeanAndSaysUnknownBelowTheThreshold() throws IOException {
        CollectionService s = service();
        CollectionView c = twoLabels(s);
        assertEquals("imprinting", c.method());
        assertEquals(1.0, c.accuracy());
        assertArrayEquals(new int[][]{{2, 0}, {0, 2}}, c.confusion());

        CollectionAnswer near = s.classify(c.id(), EvaluationTest.unit(0.2, 1, 0.1));
        assertEquals("y", near.ranked().get(0).label());
        assertEquals("imprinting", near.method());
        assertFalse(near.unknown());

        // On neither label's axis: the best cosine is about 0.07, under the 0.5 threshold.
        CollectionAnswer far = s.classify(c.id(), EvaluationTest.unit(0.05, 0.05, 1));
        assertTrue(far.unknown(), "similarity " + far.similarity());
        s.setThreshold(c.id(), 0.05);
        assertFalse(s.classify(c.id(), EvaluationTest.unit(0.05, 0.05, 1)).unknown(), "the threshold is the user's");
    }

    @Test
    void theTrainedHeadAnswersOnceEveryLabelHasEnoughExamples() throws IOException {
        CollectionService s = service();
        CollectionView c = twoLabels(s);
        CollectionView after = s.addExamples(c.id(), "x", List.of(image("0.8,0.2,0.1")));
        assertEquals("imprinting", after.method(), "y has 2 examples, the head needs 3 each");
        after = s.addExamples(c.id(), "y", List.of(image("0.2,0.8,0.1")));
        assertEquals("head", after.method());
        assertEquals("5-fold", after.evaluation());
        assertEquals(1.0, after.accuracy());
        CollectionAnswer a = s.classify(c.id(), EvaluationTest.unit(1, 0.1, 0));
        assertEquals("head", a.method());
        assertEquals("x", a.ranked().get(0).label());
    }

    @Test
    void aCollectionSurvivesARestart() throws IOException {
        CollectionService before = service();
        CollectionView c = twoLabels(before);
        before.setThreshold(c.id(), 0.3);
        before.deleteExample(c.id(), "x", before.get(c.id()).labels().get(0).items().get(1).id());
        CollectionView expected = before.get(c.id());
        float[] probe = EvaluationTest.unit(0.3, 0.7, 0.2);

        CollectionService after = service(); // the same folder, as a new process would read it
        CollectionView restored = after.get(c.id());
        assertEquals(expected.name(), restored.name());
        assertEquals(expected.labels(), restored.labels());
        assertEquals(0.3, restored.threshold());
        assertEquals(expected.accuracy(), restored.accuracy());
        assertArrayEquals(expected.confusion(), restored.confusion());
        assertEquals(before.classify(c.id(), probe), after.classify(c.id(), probe), "the embeddings come back exactly");

        after.delete(c.id());
        assertThrows(AppException.NotFound.class, () -> service().get(c.id()));
    }

    @Test
    void limitsAndBadNamesAreRefused() throws IOException {
        CollectionService s = service(config(2, 3, 10, 10, 100));
        String id = s.create("c").id();
        assertEquals(400, assertThrows(AppException.class, () -> s.create("   ")).status());
        assertEquals(400, assertThrows(AppException.class, () -> s.create("eleven-char")).status());
        assertEquals(400, assertThrows(AppException.class, () -> s.addExamples(id, "", List.of(image("1,0")))).status());
        assertEquals(400, assertThrows(AppException.class, () -> s.addExamples(id, "a\u0007", List.of(image("1,0")))).status());
        // a label is addressed in the URL path: ".." would address the collection itself
        assertEquals(400, assertThrows(AppException.class, () -> s.addExamples(id, "..", List.of(image("1,0")))).status());
        assertEquals(400, assertThrows(AppException.class, () -> s.addExamples(id, " . ", List.of(image("1,0")))).status());
        s.addExamples(id, "a", List.of(image("1,0")));
        s.addExamples(id, "b", List.of(image("0,1")));
        AppException third = assertThrows(AppException.class, () -> s.addExamples(id, "c", List.of(image("1,1"))));
        assertEquals(400, third.status());
        assertTrue(third.getMessage().contains("2 labels"), third.getMessage());
        AppException many = assertThrows(AppException.class,
                () -> s.addExamples(id, "a", List.of(image("1,0"), image("1,0"), image("1,0"))));
        assertEquals(400, many.status(), "3 per label: a has 1, 3 more is one too many");
        assertEquals(1, s.get(id).labels().get(0).examples(), "all or nothing");
        s.create("d");
        s.create("e");
        assertEquals(400, assertThrows(AppException.class, () -> s.create("f")).status(), "3 collections at most");
        assertEquals(404, assertThrows(AppException.class, () -> s.get("0123456789abcdef01234567")).status());
        assertEquals(404, assertThrows(AppException.class, () -> s.get("../../etc/passwd")).status());
        assertEquals(404, assertThrows(AppException.class, () -> s.deleteLabel(id, "zz")).status());
        assertEquals(404, assertThrows(AppException.class, () -> s.deleteExample(id, "a", "5")).status());
        assertEquals(404, assertThrows(AppException.class, () -> s.deleteExample(id, "a", "0123abcd")).status());
    }

    /**
     * A delete names the example it means: ids survive other deletes and adds (a position would have moved),
     * each example keeps the file name it came with, and ids are unique within the collection.
     */
    @Test
    void anExampleIsDeletedByItsIdWhateverChangedBefore() throws IOException {
        CollectionService s = service();
        String id = s.create("c").id();
        s.addExamples(id, "a", List.of(image("1,0"), image("0.9,0.1"), image("0.8,0.2")));
        CollectionView v = s.addExamples(id, "b", List.of(image("0,1")));
        List<CollectionView.ExampleView> a = v.labels().get(0).items();
        assertEquals(3, a.size());
        assertEquals(4, v.labels().stream().flatMap(l -> l.items().stream()).map(CollectionView.ExampleView::id).distinct().count());
        assertTrue(a.get(0).source().startsWith("img") && a.get(0).source().endsWith(".txt"), a.get(0).source());
        String third = a.get(2).id();
        s.deleteExample(id, "a", a.get(0).id()); // the third is now at position 1
        s.addExamples(id, "a", List.of(image("0.7,0.3")));
        CollectionView after = s.deleteExample(id, "a", third);
        List<String> left = after.labels().get(0).items().stream().map(CollectionView.ExampleView::id).toList();
        assertEquals(2, left.size());
        assertEquals(a.get(1).id(), left.get(0), "the second example stays, first in line");
        assertFalse(left.contains(third));
        assertFalse(left.contains(a.get(0).id()));
        assertEquals(404, assertThrows(AppException.class, () -> s.deleteExample(id, "a", third)).status(), "gone once");
    }

    /**
     * A collection written before examples had ids is read with ids, the same ones by every reader (another
     * node, a restart) until a change writes them down.
     */
    @Test
    void aFileFromBeforeExampleIdsGetsIds() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("collections"));
        String id = "00112233445566778899aabb";
        String x = CollectionStore.encode(EvaluationTest.unit(1, 0, 0));
        String y = CollectionStore.encode(EvaluationTest.unit(0, 1, 0));
        Files.writeString(folder.resolve(id + ".json"), "{\"format\":1,\"id\":\"" + id + "\",\"name\":\"old\","
                + "\"owner\":null,\"model\":\"mobilenet-v2\",\"created\":\"2026-12-01T00:00:00Z\",\"threshold\":0.5,"
                + "\"labels\":[{\"name\":\"x\",\"examples\":[\"" + x + "\",\"" + x + "\"]},{\"name\":\"y\",\"examples\":[\"" + y + "\"]}]}");
        CollectionView v = service().get(id);
        List<String> ids = v.labels().stream().flatMap(l -> l.items().stream()).map(CollectionView.ExampleView::id).toList();
        assertEquals(3, ids.stream().distinct().count());
        assertTrue(ids.stream().allMatch(e -> e.matches("[0-9a-f]{8}")), ids.toString());
        assertEquals(v.labels(), service().get(id).labels(), "another reader, the same ids");
        service().deleteExample(id, "x", service().get(id).labels().get(0).items().get(1).id()); // written with ids now
        assertEquals(ids.subList(0, 1), service().get(id).labels().get(0).items().stream().map(CollectionView.ExampleView::id).toList());
    }

    @Test
    void aNonImageExampleAddsNothing() throws IOException {
        CollectionService s = service();
        String id = s.create("c").id();
        AppException e = assertThrows(AppException.class, () -> s.addExamples(id, "a", List.of(image("1,0"), image("<html>"))));
        assertEquals(415, e.status());
        assertTrue(s.get(id).labels().isEmpty());
    }

    @Test
    void aZipOfImagesAddsEachImage() throws IOException {
        CollectionService s = service();
        String id = s.create("c").id();
        CollectionView c = s.addExamples(id, "a", List.of(zip("one.txt", "1,0", "sub/", "", "__MACOSX/._one.txt", "junk",
                "sub/two.txt", "0.9,0.1")));
        assertEquals(2, c.labels().get(0).examples());
        assertNull(c.accuracy(), "one label: nothing to tell apart");
    }

    @Test
    void hostileZipsAreRefusedWithoutAddingAnything() throws IOException {
        CollectionService s = service(config(3, 50, 10, 4, 20));
        String id = s.create("c").id();
        assertEquals(400, status(s, id, zip("ok.txt", "1,0", "../escape.txt", "1,0")), "traversal");
        assertEquals(400, status(s, id, zip("/etc/passwd", "1,0")), "absolute name");
        assertEquals(415, status(s, id, zip("inner.zip", "whatever")), "nested by name");
        assertEquals(415, status(s, id, zip("inner.txt", "PK\u0003\u0004rest")), "nested by content");
        assertEquals(413, status(s, id, zip("a", "1,0", "b", "1,0", "c", "1,0", "d", "1,0", "e", "1,0")), "5 entries, 4 allowed");
        assertEquals(413, status(s, id, zip("big.txt", "1," + "0,".repeat(600) + "0")), "over 1000 bytes inflated");
        assertEquals(413, status(s, id, zip("bomb.txt", "0".repeat(999))), "999 zeros deflate more than 20×");
        assertEquals(422, status(s, id, Files.write(dir.resolve("broken.zip"), new byte[]{'P', 'K', 3, 4, 0, 0})), "damaged");
        assertTrue(s.get(id).labels().isEmpty());
        try (var left = Files.list(dir.resolve("collections").resolve("tmp"))) {
            assertEquals(0, left.count(), "no extracted entry is left behind");
        }
    }

    private static int status(CollectionService s, String id, Path upload) {
        return assertThrows(AppException.class, () -> s.addExamples(id, "a", List.of(upload))).status();
    }
}
