package dev.pixelwise.zoo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.pixelwise.TestImages;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

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
        ModelFetcher fetcher = new ModelFetcher(tmp.resolve("models"), List.of(tmp.resolve("absent"), mirror), false, "http://127.0.0.1:9/");
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
        ModelFetcher fetcher = new ModelFetcher(tmp.resolve("models"), List.of(mirror), false, "http://127.0.0.1:9/");
        var e = assertThrows(ModelFetchException.class, () -> fetcher.fetch(manifest(HELLO_SHA, mirror("w.bin"))));
        assertTrue(e.getMessage().contains("sha256 mismatch"), e.getMessage());
        assertTrue(e.getMessage().contains(HELLO_SHA), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("models/tiny/weights.bin")));
    }

    @Test
    void aMissingFileNamesEverySourceTried() {
        ModelFetcher fetcher = new ModelFetcher(tmp.resolve("models"), List.of(), false, "http://127.0.0.1:9/");
        var e = assertThrows(ModelFetchException.class, () -> fetcher.fetch(manifest(HELLO_SHA, mirror("w.bin"),
                new ModelManifest.FileSource(null, null, null, "https://example.invalid/w.bin"))));
        assertTrue(e.getMessage().contains("mirror:w.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("downloads are off"), e.getMessage());
    }

    /** A package on a loopback "registry": no network and no npm client, the same HTTP path as the real registry. */
    @Test
    void fetchesAnNpmPackageFromTheRegistryWithoutAnNpmClient() throws Exception {
        byte[] tgz = tarball(Map.of("package/package.json", "{}", "package/models/w.bin", "hello"));
        try (Registry registry = new Registry(tgz, integrity(tgz))) {
            ModelFetcher fetcher = new ModelFetcher(tmp.resolve("models"), List.of(), true, registry.url());
            ModelManifest m = manifest(HELLO_SHA, npm("@demo/weights@1.0.0", "package/models/w.bin"));
            fetcher.fetch(m);
            assertEquals("hello", Files.readString(tmp.resolve("models/tiny/weights.bin")));
            assertEquals(List.of("/@demo%2fweights/1.0.0", "/@demo/weights/-/weights-1.0.0.tgz"), registry.requests);

            // The unpacked package is kept: a second model file from it needs no request.
            Files.delete(tmp.resolve("models/tiny/weights.bin"));
            fetcher.fetch(m);
            assertEquals(2, registry.requests.size());
            assertTrue(fetcher.isComplete(m));
        }
    }

    @Test
    void aTarballThatFailsTheRegistrysIntegrityIsRefused() throws Exception {
        byte[] tgz = tarball(Map.of("package/models/w.bin", "hello"));
        try (Registry registry = new Registry(tgz, integrity(tarball(Map.of("package/models/w.bin", "other"))))) {
            ModelFetcher fetcher = new ModelFetcher(tmp.resolve("models"), List.of(), true, registry.url());
            var e = assertThrows(ModelFetchException.class,
                    () -> fetcher.fetch(manifest(HELLO_SHA, npm("@demo/weights@1.0.0", "package/models/w.bin"))));
            assertTrue(e.getMessage().contains("integrity mismatch"), e.getMessage());
            assertFalse(Files.exists(tmp.resolve("models/tiny/weights.bin")));
            try (var left = Files.list(tmp.resolve("models/.npm"))) {
                assertEquals(List.of(), left.toList(), "no partial download or unpacking is left behind");
            }
        }
    }

    @Test
    void aPackageTheRegistryDoesNotHaveNamesTheAnswer() throws Exception {
        try (Registry registry = new Registry(new byte[0], "")) {
            ModelFetcher fetcher = new ModelFetcher(tmp.resolve("models"), List.of(), true, registry.url());
            var e = assertThrows(ModelFetchException.class,
                    () -> fetcher.fetch(manifest(HELLO_SHA, npm("@demo/absent@1.0.0", "package/w.bin"))));
            assertTrue(e.getMessage().contains("npm:@demo/absent@1.0.0/package/w.bin"), e.getMessage());
            assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
        }
    }

    @Test
    void aTarEntryOutsideThePackageFolderIsRefused() throws Exception {
        Path tgz = tmp.resolve("evil.tgz");
        Files.write(tgz, tarball(Map.of("package/../../evil.bin", "x")));
        Path into = Files.createDirectories(tmp.resolve("a/b"));
        var e = assertThrows(IOException.class, () -> ModelFetcher.unpack(tgz, into));
        assertTrue(e.getMessage().contains("escapes"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("a/evil.bin")));
    }

    static ModelManifest.FileSource npm(String spec, String path) {
        return new ModelManifest.FileSource(null, spec, path, null);
    }

    static byte[] tarball(Map<String, String> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            for (var f : new TreeMap<>(files).entrySet()) {
                byte[] content = f.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(f.getKey());
                entry.setSize(content.length);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    static String integrity(byte[] tgz) throws Exception {
        return "sha512-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-512").digest(tgz));
    }

    /** Answers the version metadata of @demo/weights@1.0.0 and its tarball, as registry.npmjs.org lays them out. */
    static final class Registry implements AutoCloseable {
        final List<String> requests = new CopyOnWriteArrayList<>();
        private final HttpServer server;

        Registry(byte[] tgz, String integrity) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                String path = exchange.getRequestURI().getRawPath();
                requests.add(path);
                byte[] body = switch (path) {
                    case "/@demo%2fweights/1.0.0" -> ("{\"name\":\"@demo/weights\",\"version\":\"1.0.0\",\"dist\":{"
                            + "\"tarball\":\"" + url() + "@demo/weights/-/weights-1.0.0.tgz\",\"integrity\":\"" + integrity + "\"}}")
                            .getBytes(StandardCharsets.UTF_8);
                    case "/@demo/weights/-/weights-1.0.0.tgz" -> tgz;
                    default -> null;
                };
                exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
                if (body != null) {
                    exchange.getResponseBody().write(body);
                }
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        }

        @Override
        public void close() {
            server.stop(0);
        }
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
